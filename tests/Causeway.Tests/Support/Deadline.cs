using System.Diagnostics;

namespace Causeway.Tests.Support;

/// <summary>Waits on an observable condition, polling, and fails the test with a description when a
/// deadline passes: no wait in the tests is unbounded and none gives up silently.</summary>
public static class Deadline
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, int pollMilliseconds = 20)
        => UntilAsync(() => Task.FromResult(condition()), timeout, what, pollMilliseconds);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, int pollMilliseconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for: {what()}");
            await Task.Delay(pollMilliseconds);
        }
    }
}

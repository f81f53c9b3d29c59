using System.Diagnostics;
using System.Runtime;

namespace Causeway.Bench;

/// <summary>What benchmarks that compare two sides on this shared machine do alike: warm up until the
/// JIT has settled, and compare sides by the median of their rounds.</summary>
internal static class Rounds
{
    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Runs <paramref name="step"/> (given its number) at least <paramref name="minSteps"/> times,
    /// then until <paramref name="quiet"/> has passed with the JIT compiling nothing, at most for
    /// <paramref name="max"/>. The runtime compiles a hot method three times (quick, instrumented, then
    /// optimized from what it saw), in the background and on these same two cores, so a .NET side's
    /// first second or so runs 2-3x slower than its steady state; a warm-up by count measures that.</summary>
    public static async Task WarmUntilJitSettlesAsync(Func<int, Task> step, int minSteps, TimeSpan quiet, TimeSpan max)
    {
        var clock = Stopwatch.StartNew();
        var settled = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        for (int n = 0; n < 1 || (n < minSteps || settled.Elapsed < quiet) && clock.Elapsed < max; n++)
        {
            await step(n);
            long now = JitInfo.GetCompiledMethodCount();
            if (now == compiled) continue;
            compiled = now;
            settled.Restart();
        }
    }
}

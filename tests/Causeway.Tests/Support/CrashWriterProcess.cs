using System.Diagnostics;
using Causeway.Encoding;

namespace Causeway.Tests.Support;

/// <summary>Runs tests/Causeway.CrashWriter as a real child process, collects the commits it
/// acknowledges, and kills it with SIGKILL.</summary>
public sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<(Cid Commit, string Collection, string Id)> _acknowledged = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="writeBufferBytes">The store's write buffer (<see cref="ReplicaOptions.StoreWriteBufferBytes"/>) in the child.</param>
    public CrashWriterProcess(string dataDir, int writers = 8, IReadOnlyDictionary<string, string>? environment = null, long? writeBufferBytes = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Causeway.CrashWriter.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("The crash writer was not built next to the tests.", dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(dataDir);
        start.ArgumentList.Add(writers.ToString());
        if (writeBufferBytes is { } bytes) start.ArgumentList.Add(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("READY", StringComparison.Ordinal)) _ready.TrySetResult();
            else if (e.Data.StartsWith("ACK ", StringComparison.Ordinal))
            {
                var parts = e.Data.Split(' ');
                lock (_acknowledged) _acknowledged.Add((Cid.Parse(parts[1]), parts[2], parts[3]));
            }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private readonly List<string> _errors = [];

    public string Errors { get { lock (_errors) return string.Join('\n', _errors); } }

    public int AcknowledgedCount { get { lock (_acknowledged) return _acknowledged.Count; } }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_ready.Task, Task.Delay(timeout));
        if (done != _ready.Task) throw new TimeoutException($"The crash writer did not start in {timeout}. stderr: {Errors}");
    }

    /// <summary>Waits until at least <paramref name="count"/> commits were acknowledged.</summary>
    public async Task WaitForAcksAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (AcknowledgedCount < count)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The crash writer exited with {_process.ExitCode}: {Errors}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"Only {AcknowledgedCount} of {count} commits acknowledged in {timeout}. stderr: {Errors}");
            await Task.Delay(5);
        }
    }

    /// <summary>SIGKILL (Process.Kill sends it on Unix): no shutdown code runs in the child.
    /// Returns every commit acknowledged before the kill.</summary>
    public IReadOnlyList<(Cid Commit, string Collection, string Id)> KillHard()
    {
        // SIGKILL to the process itself, at once: killing the whole tree first walks every process of
        // the machine to find its children (tens of milliseconds on a loaded machine), and a kill meant
        // to land mid-sync then lands after it. The child starts no processes of its own.
        _process.Kill(entireProcessTree: false);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException("The crash writer did not die on SIGKILL within 30 s");
        lock (_acknowledged) return [.. _acknowledged];
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

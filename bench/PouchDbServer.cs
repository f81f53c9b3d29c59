using System.Diagnostics;

namespace Causeway.Bench;

/// <summary>A throwaway pouchdb-server (npm's pouchdb-server 4.2.0, in memory: <c>--in-memory</c>)
/// on a free loopback port, the peer of the HTTP query benchmarks. It is installed from
/// bench/peers/pouchdb (package.json and package-lock.json) with <c>npm ci --omit=optional</c> when its
/// node_modules folder is missing (the optional packages are the native LevelDB and SQLite adapters,
/// which the in-memory server does not use), and runs with node from a temp folder (where it writes its config and log).</summary>
internal sealed class PouchDbServer : IDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PouchDbServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>The running server, or null with the reason it could not be installed or started.</summary>
    /// <remarks>A smoke run gives npm ci 90 s (no network: it fails instead of holding the run up).</remarks>
    public static async Task<(PouchDbServer? Server, string? Missing)> TryStartAsync(bool smoke)
    {
        var package = PackageFolder();
        if (package is null) return (null, "bench/peers/pouchdb is not found above the bench's folder");
        var script = Path.Combine(package, "node_modules", "pouchdb-server", "bin", "pouchdb-server");
        if (!File.Exists(script))
        {
            Console.WriteLine("Installing pouchdb-server (npm ci in bench/peers/pouchdb) ...");
            var (ok, output) = await RunAsync("npm", package, smoke ? TimeSpan.FromSeconds(90) : TimeSpan.FromMinutes(10),
                "ci", "--omit=optional", "--prefer-offline", "--fetch-retries=1", "--no-audit", "--no-fund", "--loglevel=error");
            if (!ok || !File.Exists(script)) return (null, $"npm ci in bench/peers/pouchdb failed: {Last(output)}");
        }

        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench-pouchdb-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(folder);
        int port = HttpBenchmarks.FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, "--in-memory", "--port", port.ToString(), "--host", "127.0.0.1", "--dir", folder, "--no-stdout-logs" }) start.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            return (null, $"node could not be started: {e.Message}");
        }
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PouchDbServer(process, folder, port);

        // Ready when it answers its welcome document; at most 30 s.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                server.Dispose();
                lock (log) return (null, $"pouchdb-server exited with {process.ExitCode}: {Last(log.ToString())}");
            }
            try
            {
                using var response = await http.GetAsync(server.Address);
                if (response.IsSuccessStatusCode) return (server, null);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        server.Dispose();
        lock (log) return (null, $"pouchdb-server did not answer within 30 s: {Last(log.ToString())}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>bench/peers/pouchdb, found by walking up from the bench's binaries to the repository.</summary>
    private static string? PackageFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers", "pouchdb");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        return null;
    }

    private static async Task<(bool Ok, string Output)> RunAsync(string program, string folder, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { return (false, $"{program} could not be started: {e.Message}"); }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try { await process.WaitForExitAsync(cancel.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{program} took more than {timeout.TotalSeconds:N0} s");
            }
            return (process.ExitCode == 0, await error + await output);
        }
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" / ", lines.TakeLast(3));
    }
}

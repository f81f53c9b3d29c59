using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Causeway.Tests.Support;

/// <summary>A real `causeway serve` process on a free loopback port.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static async Task<ServerProcess> StartAsync(string dataDir, int? port = null, bool dev = false, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        string url = $"http://127.0.0.1:{port ?? FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"), "serve", "--data", dataDir, "--urls", url }) start.ArgumentList.Add(arg);
        if (dev) start.ArgumentList.Add("--dev");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return await StartAsync(start, url);
    }

    /// <summary>`causeway serve ARGS` in <paramref name="workingDirectory"/> with these environment
    /// variables, ready once <paramref name="url"/> + <paramref name="healthPath"/> answers 200 through
    /// <paramref name="probe"/> (a handler that trusts the server's certificate, for HTTPS).</summary>
    public static Task<ServerProcess> StartAsync(string url, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, HttpMessageHandler? probe = null, string healthPath = "/health")
    {
        var start = new ProcessStartInfo("dotnet");
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"));
        start.ArgumentList.Add("serve");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (environment is not null) foreach (var (name, value) in environment) start.Environment[name] = value;
        return StartAsync(start, url, probe, healthPath);
    }

    /// <summary>A server started by <paramref name="start"/> (another build of the CLI, another user),
    /// once it answers <paramref name="healthPath"/> on <paramref name="url"/>.</summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, string url, HttpMessageHandler? probe = null, string healthPath = "/health")
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        var server = new ServerProcess(process, url);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient(probe ?? new SocketsHttpHandler(), disposeHandler: probe is null) { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"causeway serve exited with {process.ExitCode}: {server.Output}");
            try
            {
                if ((await client.GetAsync(url + healthPath)).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        server.Dispose();
        throw new TimeoutException($"causeway serve did not answer on {url}: {server.Output}");
    }

    public int ProcessId => _process.Id;

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillHard()
    {
        // SIGKILL to the process itself, at once: killing the whole tree first walks every process of
        // the machine to find its children (tens of milliseconds on a loaded machine), and a kill meant
        // to land mid-sync then lands after it. The child starts no processes of its own.
        _process.Kill(entireProcessTree: false);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException("causeway serve did not die on SIGKILL within 30 s");
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        if (!_process.WaitForExit(timeout)) throw new TimeoutException("causeway serve did not stop on SIGTERM");
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

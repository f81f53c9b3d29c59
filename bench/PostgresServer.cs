using System.Diagnostics;

namespace Causeway.Bench;

/// <summary>A throwaway PostgreSQL server from Debian's packages (apt-get install postgresql), on a
/// free loopback port, in a temp folder, run as the postgres user (it refuses to run as root).</summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PostgresServer(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The path of one of the server's programs (pgbench, psql).</summary>
    public string Program(string name) => Path.Combine(_bin, name);
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=128;Timeout=30";

    /// <summary>The server, or null with a reason when PostgreSQL is not installed.</summary>
    public static (PostgresServer? Server, string? Missing) TryStart()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null) return (null, "PostgreSQL is not installed (apt-get install postgresql)");
        var folder = Path.Combine("/tmp", "causeway-bench-pg-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(folder);
        int port = FreePort();
        var server = new PostgresServer(bin, folder, port);
        bool root = Environment.UserName == "root";
        if (root) Run("chown", "-R", "postgres:postgres", folder);
        server.AsPostgres(root, Path.Combine(bin, "initdb"), "-D", Path.Combine(folder, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        server.AsPostgres(root, Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");
        return (server, null);
    }

    public void Dispose()
    {
        try { AsPostgres(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void AsPostgres(bool root, string program, params string[] args)
    {
        if (root) Run("runuser", ["-u", "postgres", "--", program, .. args]);
        else Run(program, args);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error.Result}{output.Result}");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Causeway.Bench;

/// <summary>PostgreSQL's side of the native-client comparison: pgbench (PostgreSQL's own C load
/// generator, shipped with the server) in a process of its own, each client inserting the same JSON
/// as one JSONB row per transaction under a fresh id, over TCP on loopback. Each transaction's
/// latency comes from pgbench's per-transaction log.</summary>
internal static partial class PgBenchLoad
{
    public static async Task<HttpBenchmarks.Result> InsertAsync(PostgresServer pg, string table, string idPrefix, string document, int clients, TimeSpan duration)
    {
        var folder = Directory.CreateTempSubdirectory("causeway-pgbench-").FullName;
        try
        {
            var script = Path.Combine(folder, "insert.sql");
            // Each client keeps its own :n across transactions (-D n=0 starts it), so ids never repeat.
            File.WriteAllText(script, $"""
                \set n :n + 1
                INSERT INTO {table} (id, body) VALUES ('{idPrefix}' || :client_id || '-' || :n, '{document.Replace("'", "''")}'::jsonb);

                """);
            var start = new ProcessStartInfo(pg.Program("pgbench")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var arg in (string[])["-h", "127.0.0.1", "-p", pg.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-n",
                "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(Environment.ProcessorCount, clients).ToString(CultureInfo.InvariantCulture),
                "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-M", "prepared", "-D", "n=0",
                "-f", script, "-l", "--log-prefix", Path.Combine(folder, "log"), "postgres"])
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            string report = await output + await error;
            if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {report}");
            if (Failed().Match(report) is { Success: true } failed && failed.Groups[1].Value != "0")
                throw new InvalidOperationException($"pgbench saw {failed.Groups[1].Value} failed transactions:\n{report}");
            var tps = Tps().Match(report);
            if (!tps.Success) throw new InvalidOperationException($"pgbench's report has no rate:\n{report}");

            // Log lines: client, transaction number, latency (µs), script, epoch seconds, µs.
            var latencies = Directory.GetFiles(folder, "log*")
                .SelectMany(File.ReadLines)
                .Select(line => line.Split(' '))
                .Where(fields => fields.Length >= 3)
                .Select(fields => double.Parse(fields[2], CultureInfo.InvariantCulture) / 1000)
                .Order().ToArray();
            if (latencies.Length == 0) throw new InvalidOperationException($"pgbench logged no transactions:\n{report}");
            return new HttpBenchmarks.Result(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
                latencies[latencies.Length / 2], latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))]);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex(@"number of failed transactions:\s+(\d+)")]
    private static partial Regex Failed();

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}

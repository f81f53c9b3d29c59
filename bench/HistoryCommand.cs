using Causeway.Simulator.History;

namespace Causeway.Bench;

/// <summary>`bench -- history`: a long recorded run over HTTP on three servers (RocksDB on loopback),
/// judged by the history checker (docs/simulation.md, "History checker"). Exit code 1 on any anomaly.</summary>
internal static class HistoryCommand
{
    public static async Task<int> RunAsync(bool smoke, int clientsPerReplica, int operations)
    {
        var servers = new List<SyncBenchmarks.Server>();
        try
        {
            for (int i = 0; i < 3; i++) servers.Add(await SyncBenchmarks.ServerAsync());
            Console.WriteLine($"History: 3 servers in a chain, {clientsPerReplica} clients each, {operations} operations per client, the B-C link cut and restored every 150 ms");
            var report = await new HistoryRun([.. servers.Select(s => (s.Url, s.Token))]) { ClientsPerReplica = clientsPerReplica, OperationsPerClient = operations, Keys = smoke ? 3 : 8 }.RunAsync();
            Console.WriteLine(report);
            foreach (var anomaly in report.Anomalies.Take(20)) Console.WriteLine($"  {anomaly}");
            foreach (var error in report.ServerErrors.Take(20)) Console.WriteLine($"  server error: {error}");
            return report.Anomalies.Count == 0 && report.ServerErrors.Count == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }
}

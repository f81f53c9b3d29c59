using System.Net.Http.Headers;
using System.Text.Json;

namespace Causeway.Simulator.History;

/// <summary>What one recorded run did and what the checker found.</summary>
public sealed record HistoryReport(RecordedHistory History, IReadOnlyList<Anomaly> Anomalies, IReadOnlyList<string> ServerErrors, int Cuts, TimeSpan Elapsed)
{
    public IEnumerable<Append> Appends => History.Clients.SelectMany(c => c).OfType<Append>();
    public IEnumerable<SnapshotRead> Reads => History.Clients.SelectMany(c => c).OfType<SnapshotRead>();
    public int Acknowledged => Appends.Count(a => a.End == WriteEnd.Ok);

    /// <summary>Reads that saw a write made on another replica (so replication was really exercised).</summary>
    public int ReadsOfOtherReplicas => Reads.Count(r => r.Sets.Values.SelectMany(s => s).Any(t => Appends.First(a => a.Txn == t).Replica != r.Replica));

    public override string ToString()
        => $"{History.Operations} operations in {Elapsed.TotalSeconds:N1} s: {Acknowledged} writes acknowledged, {Appends.Count() - Acknowledged} not; "
           + $"{Reads.Count()} snapshot reads, {ReadsOfOtherReplicas} of them saw another replica's writes; the B-C link cut {Cuts} times; "
           + $"{Anomalies.Count} anomalies, {ServerErrors.Count} server errors";
}

/// <summary>A recorded multi-replica run over HTTP: three servers in a chain (A-B-C, so C gets A's
/// writes only relayed by B, over continuous links), a <see cref="HttpWorkload"/> on all three while
/// a nemesis cuts and restores the B-C link every <see cref="CutEvery"/>; then the run settles (every
/// replica at the same heads), every replica is read once more, and <see cref="HistoryChecker"/>
/// judges the whole history.</summary>
public sealed class HistoryRun(IReadOnlyList<(Uri Url, string Token)> servers, string database = "history")
{
    public int Seed { get; init; } = 7;
    public int Keys { get; init; } = 5;
    public int ClientsPerReplica { get; init; } = 2;
    public int OperationsPerClient { get; init; } = 30;
    public TimeSpan CutEvery { get; init; } = TimeSpan.FromMilliseconds(150);
    public TimeSpan SettleWithin { get; init; } = TimeSpan.FromSeconds(60);

    private HttpClient Client(int server)
    {
        var client = new HttpClient { BaseAddress = servers[server].Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", servers[server].Token);
        return client;
    }

    public async Task<HistoryReport> RunAsync()
    {
        if (servers.Count != 3) throw new ArgumentException("a history run takes three servers");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clients = Enumerable.Range(0, servers.Count).Select(Client).ToList();
        try
        {
            foreach (var client in clients) Ensure(await client.PutAsync($"/v1/dbs/{database}", null), "creating the database");
            await LinkAsync(clients[0], servers[1]);
            string link = await LinkAsync(clients[1], servers[2]);
            var workload = new HttpWorkload(clients, database, Seed) { Keys = Keys, ClientsPerReplica = ClientsPerReplica, OperationsPerClient = OperationsPerClient };
            await workload.SetUpAsync(SettleWithin);

            // The first cut comes before any client starts, so every run has writes made while C is
            // cut off, however fast the clients are.
            Ensure(await clients[1].DeleteAsync($"/v1/dbs/{database}/peers/{link}"), "cutting the link");
            int cuts = 1;
            bool cut = true;
            var histories = await workload.RunAsync(async stop =>
            {
                try
                {
                    while (true)
                    {
                        await Task.Delay(CutEvery, stop);
                        link = await LinkAsync(clients[1], servers[2]);
                        cut = false;
                        await Task.Delay(CutEvery, stop);
                        Ensure(await clients[1].DeleteAsync($"/v1/dbs/{database}/peers/{link}"), "cutting the link");
                        cut = true;
                        cuts++;
                    }
                }
                catch (OperationCanceledException) { }
            });
            // Mend the link if the run ended while it was cut, so the replicas can settle.
            if (cut) await LinkAsync(clients[1], servers[2]);

            var deadline = DateTime.UtcNow + SettleWithin;
            while (true)
            {
                var heads = await Task.WhenAll(clients.Select(HeadsAsync));
                if (heads.All(h => h == heads[0])) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the replicas did not reach the same heads within {SettleWithin.TotalSeconds:0} s");
                await Task.Delay(50);
            }
            var final = new List<SnapshotRead>();
            for (int i = 0; i < clients.Count; i++) final.Add(await workload.ReadAsync(clients[i], -1, i));
            var history = new RecordedHistory(histories, final);
            return new HistoryReport(history, HistoryChecker.Check(history), workload.ServerErrors, cuts, clock.Elapsed);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private async Task<string> LinkAsync(HttpClient from, (Uri Url, string Token) to)
    {
        string body = JsonSerializer.Serialize(new { peer = to.Url.AbsoluteUri, token = to.Token, mode = "continuous" });
        var response = await from.PostAsync($"/v1/dbs/{database}/replicate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Ensure(response, "linking two servers");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private async Task<string> HeadsAsync(HttpClient client)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync($"/v1/dbs/{database}"));
        return string.Join(",", json.RootElement.GetProperty("heads").EnumerateArray().Select(h => h.GetString()).Order(StringComparer.Ordinal));
    }

    private static void Ensure(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }
}

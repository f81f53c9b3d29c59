using System.Net.Http.Headers;
using System.Text.Json;
using Causeway.Simulator.History;
using Causeway.Tests.Http;
using Causeway.Tests.Support;
using Xunit.Abstractions;

namespace Causeway.Tests.History;

/// <summary>A recorded multi-replica run over real HTTP, checked by <see cref="HistoryChecker"/>:
/// three servers on loopback in a chain (A–B–C, so C gets A's writes only relayed by B), clients on
/// each making transactions and snapshot reads while a nemesis keeps cutting and restoring the B–C
/// link; then everything settles and every replica is read once more.</summary>
public sealed class HttpHistoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Db = "history";
    private readonly List<ServerFixture> _servers = [];

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 3; i++) _servers.Add(await ServerFixture.StartOnLoopbackAsync());
        foreach (var server in _servers) (await server.Admin.PutAsync($"/v1/dbs/{Db}", null)).EnsureSuccessStatusCode();
        await LinkAsync(_servers[0], _servers[1]);
        await LinkAsync(_servers[1], _servers[2]);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }

    private static async Task<string> LinkAsync(ServerFixture from, ServerFixture to)
    {
        string body = JsonSerializer.Serialize(new { peer = to.Url.AbsoluteUri, token = to.AdminToken, mode = "continuous" });
        var response = await from.Admin.PostAsync($"/v1/dbs/{Db}/replicate", HttpExtensions.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private HttpClient Client(ServerFixture server)
    {
        var client = server.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    private async Task<string[]> HeadsAsync(ServerFixture server)
        => [.. (await (await server.Admin.GetAsync($"/v1/dbs/{Db}")).JsonAsync()).GetProperty("heads").EnumerateArray().Select(h => h.GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_run_with_a_flapping_link_is_read_atomic_causal_and_converges()
    {
        var clients = _servers.Select(Client).ToList();
        var workload = new HttpWorkload(clients, Db, seed: 7) { Keys = 5, ClientsPerReplica = 2, OperationsPerClient = 30 };
        await workload.SetUpAsync(TimeSpan.FromSeconds(30));

        int cuts = 0;
        var histories = await workload.RunAsync(async stop =>
        {
            var (b, c) = (_servers[1], _servers[2]);
            string link = (await (await b.Admin.GetAsync($"/v1/dbs/{Db}/peers")).JsonAsync()).GetProperty("peers").EnumerateArray()
                .Single(p => p.GetProperty("role").GetString() == "outbound").GetProperty("id").GetString()!;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(150, stop);
                    (await b.Admin.DeleteAsync($"/v1/dbs/{Db}/peers/{link}")).EnsureSuccessStatusCode();
                    cuts++;
                    await Task.Delay(150, CancellationToken.None);
                    link = await LinkAsync(b, c);
                }
            }
            catch (OperationCanceledException) { }
        });

        await Deadline.UntilAsync(async () =>
        {
            var heads = await Task.WhenAll(_servers.Select(HeadsAsync));
            return heads.All(h => h.SequenceEqual(heads[0]));
        }, TimeSpan.FromSeconds(60), () => "the three replicas to reach the same heads");
        var final = new List<SnapshotRead>();
        for (int i = 0; i < clients.Count; i++) final.Add(await workload.ReadAsync(clients[i], -1, i));

        var history = new RecordedHistory(histories, final);
        var anomalies = HistoryChecker.Check(history);
        var appends = histories.SelectMany(h => h).OfType<Append>().ToList();
        var reads = histories.SelectMany(h => h).OfType<SnapshotRead>().ToList();
        output.WriteLine($"{history.Operations} operations: {appends.Count(a => a.End == WriteEnd.Ok)} acknowledged writes, {appends.Count(a => a.End != WriteEnd.Ok)} not, {reads.Count} reads; the B–C link cut {cuts} times");
        Assert.Empty(workload.ServerErrors);
        Assert.True(anomalies.Count == 0, string.Join("\n", anomalies.Take(20)));
        // The history means something: most writes landed, and reads saw other replicas' writes.
        Assert.True(appends.Count(a => a.End == WriteEnd.Ok) >= appends.Count * 9 / 10, $"{appends.Count(a => a.End == WriteEnd.Ok)} of {appends.Count} writes acknowledged");
        Assert.Contains(reads, r => r.Sets.Values.SelectMany(s => s).Any(t => appends.First(a => a.Txn == t).Replica != r.Replica));
        Assert.True(cuts >= 1, "the nemesis never cut the link");
        Assert.All(final, f => Assert.Equal(5, f.Sets.Count));
    }
}

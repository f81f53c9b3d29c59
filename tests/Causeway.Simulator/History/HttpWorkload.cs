using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Causeway.Simulator.History;

/// <summary>A client workload over the public HTTP API, recorded for <see cref="HistoryChecker"/>:
/// <see cref="ClientsPerReplica"/> clients on each replica (each its own <see cref="HttpClient"/>
/// session, sticky to its replica), each making <see cref="OperationsPerClient"/> operations one
/// at a time: a transaction (<c>POST /tx</c>) adding its unique id to the add-wins set <c>txs</c> of
/// 1–3 random keys, or a read of every key in one snapshot (<c>POST /query</c> on the keys'
/// collection, whose one page reads at one position). Every answer is recorded as the client saw it:
/// a 2xx is acknowledged, a 4xx refused, anything else (a 5xx, a timeout, a dropped connection)
/// unknown, and a 5xx also fails the run, since the server must never answer one.</summary>
public sealed class HttpWorkload(IReadOnlyList<HttpClient> replicas, string database, int seed)
{
    public const string Collection = "keys";

    public int Keys { get; init; } = 5;
    public int ClientsPerReplica { get; init; } = 2;
    public int OperationsPerClient { get; init; } = 30;

    /// <summary>Answers with 5xx the servers gave (each fails the run).</summary>
    public List<string> ServerErrors { get; } = [];

    private string Key(int i) => $"k{i}";

    /// <summary>Creates every key (on replica 0), then waits until every replica holds them all.</summary>
    public async Task SetUpAsync(TimeSpan within)
    {
        for (int i = 0; i < Keys; i++)
        {
            var response = await replicas[0].PutAsJsonAsync($"/v1/dbs/{database}/docs/{Collection}/{Key(i)}", new { name = Key(i) });
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"creating {Key(i)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var deadline = DateTime.UtcNow + within;
        foreach (var replica in replicas)
            while ((await ReadAsync(replica, -1, 0)).Sets.Count < Keys)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the keys did not reach every replica within {within.TotalSeconds:0} s");
                await Task.Delay(50);
            }
    }

    /// <summary>Runs every client at once; <paramref name="nemesis"/> runs alongside (it breaks and mends
    /// links) and is told to stop when the clients are done.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<Operation>>> RunAsync(Func<CancellationToken, Task>? nemesis = null)
    {
        using var stop = new CancellationTokenSource();
        var faults = nemesis?.Invoke(stop.Token) ?? Task.CompletedTask;
        var clients = Enumerable.Range(0, replicas.Count * ClientsPerReplica).Select(RunClientAsync).ToList();
        var histories = await Task.WhenAll(clients);
        stop.Cancel();
        await faults;
        return histories;
    }

    private async Task<IReadOnlyList<Operation>> RunClientAsync(int client)
    {
        int replica = client % replicas.Count;
        var http = replicas[replica];
        var random = new Random(HashCode.Combine(seed, client));
        var ops = new List<Operation>();
        for (int n = 0; n < OperationsPerClient; n++)
        {
            await Task.Yield();
            if (random.Next(2) == 0) ops.Add(await ReadAsync(http, client, replica));
            else
            {
                var keys = Enumerable.Range(0, Keys).OrderBy(_ => random.Next()).Take(1 + random.Next(3)).Select(Key).Order().ToList();
                ops.Add(await AppendAsync(http, client, replica, $"t{client}-{n}", keys));
            }
        }
        return ops;
    }

    private async Task<Append> AppendAsync(HttpClient http, int client, int replica, string txn, IReadOnlyList<string> keys)
    {
        var body = new JsonObject
        {
            ["ops"] = new JsonArray([.. keys.Select(k => (JsonNode)new JsonObject
            {
                ["op"] = "update", ["collection"] = Collection, ["id"] = k,
                ["ops"] = new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "txs", ["value"] = txn }),
            })]),
        };
        WriteEnd end;
        try
        {
            using var response = await http.PostAsync($"/v1/dbs/{database}/tx", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            end = (int)response.StatusCode switch
            {
                >= 200 and < 300 => WriteEnd.Ok,
                >= 400 and < 500 => WriteEnd.Failed,
                _ => WriteEnd.Unknown,
            };
            if ((int)response.StatusCode >= 500) Fail($"tx {txn} on replica {replica}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { end = WriteEnd.Unknown; }
        return new Append(client, replica, txn, keys, end);
    }

    /// <summary>Every key's set in one snapshot; a read that fails records no sets (it saw nothing).</summary>
    public async Task<SnapshotRead> ReadAsync(HttpClient http, int client, int replica)
    {
        var sets = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        try
        {
            using var response = await http.PostAsync($"/v1/dbs/{database}/query?values=plain",
                new StringContent($$"""{ "collection": "{{Collection}}", "limit": 1000 }""", System.Text.Encoding.UTF8, "application/json"));
            if ((int)response.StatusCode >= 500) Fail($"query on replica {replica}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (!response.IsSuccessStatusCode) return new SnapshotRead(client, replica, sets);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (json.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String)
                throw new InvalidOperationException("the keys did not fit one page: raise the query's limit");
            foreach (var doc in json.RootElement.GetProperty("docs").EnumerateArray())
            {
                var set = new HashSet<string>(StringComparer.Ordinal);
                if (doc.TryGetProperty("txs", out var txs))
                    foreach (var t in txs.EnumerateArray()) set.Add(t.GetString()!);
                sets[doc.GetProperty("_id").GetString()!] = set;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        return new SnapshotRead(client, replica, sets);
    }

    private void Fail(string what)
    {
        lock (ServerErrors) ServerErrors.Add(what);
    }
}

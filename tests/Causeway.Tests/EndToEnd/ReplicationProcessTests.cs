using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.EndToEnd;

/// <summary>Three real `causeway serve` processes in a chain A – B – C, kept in sync by continuous
/// replication over WebSockets, written to concurrently while the middle one is SIGKILLed and restarted.</summary>
public sealed class ReplicationProcessTests
{
    private const string Db = "chain";

    [Fact]
    public async Task A_chain_of_three_servers_converges_with_every_acknowledged_write_after_the_middle_one_is_killed()
    {
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        using var folderC = new TempFolder();
        int portB = ServerProcess.FreePort();
        var started = await Task.WhenAll(ServerProcess.StartAsync(folderA.Path), ServerProcess.StartAsync(folderB.Path, portB), ServerProcess.StartAsync(folderC.Path));
        using var a = started[0];
        using var c = started[2];
        var b = started[1];
        try
        {
            var tokens = new[] { folderA, folderB, folderC }.Select(f => File.ReadAllText(Path.Combine(f.Path, "admin.token")).Trim()).ToArray();
            var urls = new[] { a.Url, b.Url, c.Url };
            // One client per server, kept across B's restart (same port): new connections find the new process.
            var http = urls.Select((url, i) => Client(url, tokens[i])).ToArray();
            foreach (var client in http) Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/v1/dbs/{Db}", null)).StatusCode);

            // A and C each dial B; when B comes back, they re-dial it by themselves.
            foreach (var end in new[] { 0, 2 })
            {
                var body = JsonSerializer.Serialize(new { peer = b.Url, token = tokens[1], mode = "continuous", direction = "both" });
                var response = await http[end].PostAsync($"/v1/dbs/{Db}/replicate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            }

            // Three writers per server, each recording every write its server acknowledged.
            var acknowledged = new List<(int Server, string Id, string Commit)>();
            int Acknowledged() { lock (acknowledged) return acknowledged.Count; }
            using var stop = new CancellationTokenSource();
            int bDown = 0; // 1 from just before B's SIGKILL on: a connection to B may die (or be a stale one to the killed process)
            var writers = Enumerable.Range(0, 9).Select(n => Task.Run(async () =>
            {
                int server = n % 3;
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    string id = $"s{server}-w{n}-{i}";
                    HttpResponseMessage response;
                    try
                    {
                        response = await http[server].PutAsync($"/v1/dbs/{Db}/docs/items/{id}",
                            new StringContent($$"""{"server": {{server}}, "writer": {{n}}, "i": {{i}}}""", System.Text.Encoding.UTF8, "application/json"));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && server == 1 && Volatile.Read(ref bDown) == 1)
                    {
                        // B is down (killed, not yet restarted): not acknowledged, try the next write. A and C never are.
                        await Task.Delay(50);
                        continue;
                    }
                    // Any answer but 201 (a 5xx above all) fails the test: no error answer is skipped.
                    Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT {id} on server {server} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    string commit = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("commit").GetString()!;
                    lock (acknowledged) acknowledged.Add((server, id, commit));
                    // A few documents every server writes at once: their concurrent versions merge.
                    if (i % 4 == 0)
                    {
                        HttpResponseMessage merged;
                        try
                        {
                            merged = await http[server].PutAsync($"/v1/dbs/{Db}/docs/shared/s{i % 3}",
                                new StringContent($$"""{"server": {{server}}, "writer": {{n}}}""", System.Text.Encoding.UTF8, "application/json"));
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && server == 1 && Volatile.Read(ref bDown) == 1) { continue; }
                        Assert.True(merged.IsSuccessStatusCode, $"PUT shared/s{i % 3} on server {server} answered {(int)merged.StatusCode}: {await merged.Content.ReadAsStringAsync()}");
                    }
                }
            })).ToArray();
            // A writer that failed fails every wait below at once, rather than at its deadline.
            void ThrowIfAWriterFailed() { if (writers.FirstOrDefault(t => t.IsFaulted) is { } failed) failed.GetAwaiter().GetResult(); }

            await WaitUntilAsync(() => { ThrowIfAWriterFailed(); return Task.FromResult(Acknowledged() >= 150); }, "150 acknowledged writes");
            var killed = b;
            Volatile.Write(ref bDown, 1);
            killed.KillHard();
            int atKill = Acknowledged();
            await WaitUntilAsync(() => { ThrowIfAWriterFailed(); return Task.FromResult(Acknowledged() >= atKill + 60); }, "writes on A and C while B is down");
            b = await ServerProcess.StartAsync(folderB.Path, portB);
            killed.Dispose();
            int atRestart = Acknowledged();
            bool WrittenEverywhereSinceRestart()
            {
                lock (acknowledged) return acknowledged.Count >= atRestart + 90 && acknowledged.Skip(atRestart).Any(w => w.Server == 1);
            }
            await WaitUntilAsync(() => { ThrowIfAWriterFailed(); return Task.FromResult(WrittenEverywhereSinceRestart()); }, "writes on all three after B restarted");
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

            // All three reach the same heads and documents.
            JsonElement[] infos = [];
            await WaitUntilAsync(async () =>
            {
                infos = await Task.WhenAll(http.Select(async client => JsonDocument.Parse(await client.GetStringAsync($"/v1/dbs/{Db}")).RootElement.Clone()));
                var heads = infos.Select(i => string.Join(',', i.GetProperty("heads").EnumerateArray().Select(h => h.GetString()).Order(StringComparer.Ordinal))).ToArray();
                var documents = infos.Select(i => i.GetProperty("documents").GetInt64()).ToArray();
                return heads.Distinct().Count() == 1 && documents.Distinct().Count() == 1;
            }, "convergence", describe: () => string.Join(" | ", infos.Select(i => $"position {i.GetProperty("position")}, documents {i.GetProperty("documents")}")));
            Assert.True(infos[0].GetProperty("documents").GetInt64() >= acknowledged.Select(w => w.Id).Distinct().Count());

            // Replicas with the same heads answer the same document, byte for byte, but for _meta.position
            // (which is each replica's own): _meta names the document's causally latest change everywhere.
            for (int k = 0; k < 3; k++)
            {
                var answers = await Task.WhenAll(http.Select(async client =>
                {
                    var doc = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/v1/dbs/{Db}/docs/shared/s{k}"))!.AsObject();
                    doc["_meta"]!.AsObject().Remove("position");
                    return doc.ToJsonString();
                }));
                Assert.True(answers.Distinct().Count() == 1, string.Join("\n", answers));
            }

            // Every acknowledged write, with the very commit that acknowledged it, is on every server; every ledger verifies.
            foreach (var client in http)
            {
                foreach (var (_, id, commit) in acknowledged)
                {
                    Assert.True((await client.GetAsync($"/v1/dbs/{Db}/commits/{commit}")).StatusCode == HttpStatusCode.OK, $"commit {commit} of {id} is missing on {client.BaseAddress}");
                    Assert.True((await client.GetAsync($"/v1/dbs/{Db}/docs/items/{id}")).StatusCode == HttpStatusCode.OK, $"{id} is missing on {client.BaseAddress}");
                }
                var verify = JsonDocument.Parse(await client.GetStringAsync($"/v1/dbs/{Db}/verify")).RootElement;
                Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
            }
            Assert.Contains(acknowledged, w => w.Server == 1);

            // A's link re-dialed B after the kill, and is live again.
            var link = JsonDocument.Parse(await http[0].GetStringAsync($"/v1/dbs/{Db}/peers")).RootElement.GetProperty("peers").EnumerateArray()
                .Single(p => p.GetProperty("role").GetString() == "outbound");
            Assert.True(link.GetProperty("attempts").GetInt32() > 1, link.ToString());
            Assert.Equal("live", link.GetProperty("state").GetString());
            foreach (var client in http) client.Dispose();

            // SIGTERM still stops a server cleanly with sessions open: B with two it accepted, A with the link it keeps.
            Assert.Equal(0, b.Terminate(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, a.Terminate(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            b.Dispose();
        }
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30, Func<string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) throw new TimeoutException($"No {what} in {seconds} s. {describe?.Invoke()}");
            await Task.Delay(50);
        }
    }
}

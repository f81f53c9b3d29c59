using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Causeway.Tests.Support;

namespace Causeway.Tests.Durability;

/// <summary>An acknowledged commit survives a power loss, not only a process death: a SIGKILL keeps
/// the page cache, so these tests also drop everything that was not made durable (Support/PowerLoss,
/// tests/powerloss/shim.c) before reopening. A lying disk (fsync that does nothing) must lose
/// acknowledged commits here: that proves the check would see a missing sync.</summary>
public sealed partial class PowerLossTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Writers = 16;
    private const int Rounds = 4; // a round whose kill left no unsynced write-ahead log is redone, at most this often

    [Fact]
    public async Task Acknowledged_http_writes_survive_power_loss()
    {
        var outcome = await ServeUnderPowerLossAsync(lyingDisk: false);
        output.WriteLine($"{outcome.Acknowledged} acknowledged, {outcome.Missing.Count} lost. {outcome.Log}");
        Assert.True(outcome.Missing.Count == 0, $"{outcome.Missing.Count} of {outcome.Acknowledged} acknowledged writes lost to a power loss, e.g. {string.Join(", ", outcome.Missing.Take(5))}. {outcome.Log}");
        Assert.True(outcome.VerifyOk, $"the ledger does not verify after the power loss: {outcome.Verify}. {outcome.Log}");
        Assert.True(outcome.SameIdentity, $"the replica's identity changed across the power loss. {outcome.Log}");
        Assert.True(outcome.Misordered.Count == 0, $"a file was renamed into place before its bytes were synced. {outcome.Log}");
    }

    [Fact]
    public async Task A_lying_disk_loses_acknowledged_http_writes_and_the_check_sees_it()
    {
        var outcome = await ServeUnderPowerLossAsync(lyingDisk: true);
        output.WriteLine($"{outcome.Acknowledged} acknowledged, {outcome.Missing.Count} lost. {outcome.Log}");
        Assert.True(outcome.Missing.Count > 0, $"with fsync ignored, no acknowledged write was lost: the power-loss check cannot see a missing sync. {outcome.Log}");
        Assert.True(outcome.Misordered.Count > 0, $"with fsync ignored, the order check saw no rename of unsynced bytes. {outcome.Log}");
    }

    [Fact]
    public async Task Acknowledged_embedded_commits_survive_power_loss()
    {
        var outcome = await EmbeddedUnderPowerLossAsync(lyingDisk: false);
        output.WriteLine($"{outcome.Acknowledged} acknowledged, {outcome.Missing.Count} lost. {outcome.Log}");
        Assert.True(outcome.Missing.Count == 0, $"{outcome.Missing.Count} of {outcome.Acknowledged} acknowledged commits lost to a power loss, e.g. {string.Join(", ", outcome.Missing.Take(5))}. {outcome.Log}");
        Assert.True(outcome.VerifyOk, $"the ledger does not verify after the power loss: {outcome.Verify}. {outcome.Log}");
        Assert.True(outcome.RecycledLogs > 0, $"no write-ahead log was reused in place, so the run did not test recycled logs. {outcome.Log}");
        Assert.True(outcome.Misordered.Count == 0, $"a file was renamed into place before its bytes were synced. {outcome.Log}");
    }

    [Fact]
    public async Task A_lying_disk_loses_acknowledged_embedded_commits_and_the_check_sees_it()
    {
        var outcome = await EmbeddedUnderPowerLossAsync(lyingDisk: true);
        output.WriteLine($"{outcome.Acknowledged} acknowledged, {outcome.Missing.Count} lost. {outcome.Log}");
        Assert.True(outcome.Missing.Count > 0, $"with fsync ignored, no acknowledged commit was lost: the power-loss check cannot see a missing sync. {outcome.Log}");
        Assert.True(outcome.Misordered.Count > 0, $"with fsync ignored, the order check saw no rename of unsynced bytes. {outcome.Log}");
    }

    /// <param name="RecycledLogs">Write-ahead logs RocksDB reused in place during the rounds: acknowledged
    /// commits were then written over an old log's bytes, the case a power loss must not turn into a loss.</param>
    private sealed record Outcome(int Acknowledged, IReadOnlyList<string> Missing, bool VerifyOk, string Verify, bool SameIdentity, IReadOnlyList<string> Misordered, int RecycledLogs, string Log);

    /// <summary>The embedded writer's store write buffer: small, so RocksDB moves to another write-ahead log
    /// every few dozen commits, and reuses old ones in place, within a round.</summary>
    private const long WriteBufferBytes = 64 << 10;

    /// <summary>Rounds of: a server under <see cref="Writers"/> concurrent HTTP writers, SIGKILLed mid-load,
    /// then a power loss. It stops after the first round whose kill found unsynced write-ahead log bytes
    /// (something a power loss could take), or at the first round that lost an acknowledged write.</summary>
    private static async Task<Outcome> ServeUnderPowerLossAsync(bool lyingDisk)
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data");
        Directory.CreateDirectory(data);
        var powerLoss = new PowerLoss(data, Path.Combine(folder.Path, "powerloss"), lyingDisk);
        var acknowledged = new List<(string Id, string Commit)>();
        var log = new StringBuilder();
        var misordered = new List<string>();
        int recycled = 0;
        string? identity = null;
        int port = ServerProcess.FreePort();
        for (int round = 1; round <= Rounds; round++)
        {
            using (var server = await ServerProcess.StartAsync(data, port, environment: powerLoss.Environment))
            {
                identity ??= Did(server.Output);
                using var http = server.Client(Token(data));
                if (round == 1) Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/v1/dbs/power", null)).StatusCode);
                int before;
                lock (acknowledged) before = acknowledged.Count;
                await WriteUntilKilledAsync(server, powerLoss, http, round, acknowledged, before + 300);
            }
            var report = powerLoss.Apply();
            misordered.AddRange(report.Misordered);
            recycled += report.RecycledLogs;
            log.Append($"round {round}: {acknowledged.Count} acknowledged; {report}. ");

            using (var server = await ServerProcess.StartAsync(data, port))
            {
                bool sameIdentity = Did(server.Output) == identity;
                using var http = server.Client(Token(data));
                var missing = await MissingAsync(http, acknowledged);
                var verifyAnswer = await http.GetAsync("/v1/dbs/power/verify");
                string verify = await verifyAnswer.Content.ReadAsStringAsync();
                bool verifyOk = verifyAnswer.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(verify).RootElement.GetProperty("ok").GetBoolean();
                Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
                if (missing.Count > 0 || !verifyOk || !sameIdentity || report.UnsyncedWalBytes > 0)
                    return new Outcome(acknowledged.Count, missing, verifyOk, verify, sameIdentity, misordered, recycled, log.ToString());
            }
        }
        throw new InvalidOperationException($"No kill in {Rounds} rounds left unsynced write-ahead log bytes, so no round could show a loss. {log}");
    }

    private static async Task WriteUntilKilledAsync(ServerProcess server, PowerLoss powerLoss, HttpClient http, int round, List<(string Id, string Commit)> acknowledged, int target)
    {
        using var stop = new CancellationTokenSource();
        int killed = 0; // set just before SIGKILL: from then on, and only then, a request may fail
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string id = $"r{round}-w{w}-{i}";
                HttpResponseMessage response;
                try { response = await http.PutAsync($"/v1/dbs/power/docs/items/{id}", new StringContent($$"""{"w": {{w}}, "i": {{i}}, "body": "{{new string('x', 200)}}"}""", System.Text.Encoding.UTF8, "application/json")); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && Volatile.Read(ref killed) == 1) { return; }
                if (Volatile.Read(ref killed) == 1 && response.StatusCode != HttpStatusCode.Created) return;
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var commit = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("commit").GetString()!;
                lock (acknowledged) acknowledged.Add((id, commit));
            }
        })).ToArray();
        await Deadline.UntilAsync(() =>
        {
            if (writers.FirstOrDefault(t => t.IsFaulted) is { } failed) failed.GetAwaiter().GetResult();
            lock (acknowledged) return acknowledged.Count >= target;
        }, TimeSpan.FromSeconds(60), () => $"{target} acknowledged writes (have {acknowledged.Count})", pollMilliseconds: 5);
        // Killed while the writers are mid-request, so some write is in the log but not yet synced.
        powerLoss.WaitForUnsyncedLog(TimeSpan.FromSeconds(5));
        Volatile.Write(ref killed, 1);
        server.KillHard();
        stop.Cancel();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task<List<string>> MissingAsync(HttpClient http, List<(string Id, string Commit)> acknowledged)
    {
        var missing = new List<string>();
        await Parallel.ForEachAsync(acknowledged.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (write, _) =>
        {
            var doc = await http.GetAsync($"/v1/dbs/power/docs/items/{write.Id}");
            var commit = doc.StatusCode == HttpStatusCode.OK ? await http.GetAsync($"/v1/dbs/power/commits/{write.Commit}") : null;
            if (doc.StatusCode != HttpStatusCode.OK || commit!.StatusCode != HttpStatusCode.OK)
                lock (missing) missing.Add($"{write.Id} ({(int)doc.StatusCode}{(commit is null ? "" : $", commit {(int)commit.StatusCode}")})");
        });
        return missing;
    }

    /// <summary>The same for an embedded replica: tests/Causeway.CrashWriter commits from
    /// <see cref="Writers"/> tasks and prints each acknowledged commit; this process reopens the folder.</summary>
    private static async Task<Outcome> EmbeddedUnderPowerLossAsync(bool lyingDisk)
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data");
        Directory.CreateDirectory(data);
        var powerLoss = new PowerLoss(data, Path.Combine(folder.Path, "powerloss"), lyingDisk);
        var acknowledged = new List<(Causeway.Encoding.Cid Commit, string Collection, string Id)>();
        var log = new StringBuilder();
        var misordered = new List<string>();
        int recycled = 0;
        for (int round = 1; round <= Rounds; round++)
        {
            using (var writer = new CrashWriterProcess(data, Writers, powerLoss.Environment, WriteBufferBytes))
            {
                await writer.WaitReadyAsync(TimeSpan.FromSeconds(60));
                await writer.WaitForAcksAsync(writer.AcknowledgedCount + 300, TimeSpan.FromSeconds(60));
                string waited = powerLoss.WaitForUnsyncedLog(TimeSpan.FromSeconds(5), recycled: true);
                var killClock = System.Diagnostics.Stopwatch.StartNew();
                acknowledged.AddRange(writer.KillHard());
                log.Append($"({waited}; kill took {killClock.Elapsed.TotalMilliseconds:0.0} ms) ");
            }
            var report = powerLoss.Apply();
            misordered.AddRange(report.Misordered);
            recycled += report.RecycledLogs;
            log.Append($"round {round}: {acknowledged.Count} acknowledged; {report}. ");

            var missing = new List<string>();
            string verify;
            bool verifyOk;
            await using (var replica = await Replica.OpenAsync(data))
            {
                var db = replica.TryGetDatabase("crash");
                foreach (var (commit, collection, id) in acknowledged)
                    if (db is null || !db.HasCommit(commit) || await db.GetAsync(collection, id) is null) missing.Add($"{collection}/{id} ({commit})");
                var verified = db is null ? null : await db.VerifyAsync();
                verifyOk = verified?.Ok ?? false;
                verify = verified is null ? "no database 'crash'" : string.Join("; ", verified.Problems);
            }
            // The round counts when the kill caught commits written over an old log's bytes and not yet synced.
            if (missing.Count > 0 || !verifyOk || report.UnsyncedRecycledWalBytes > 0)
                return new Outcome(acknowledged.Count, missing, verifyOk, verify, true, misordered, recycled, log.ToString());
        }
        throw new InvalidOperationException($"No kill in {Rounds} rounds left unsynced bytes in a recycled write-ahead log, so no round could show a loss. {log}");
    }

    private static string Token(string data) => File.ReadAllText(Path.Combine(data, "admin.token")).Trim();

    private static string? Did(string output) => DidPattern().Match(output) is { Success: true } m ? m.Value : null;

    [GeneratedRegex("did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+")]
    private static partial Regex DidPattern();
}

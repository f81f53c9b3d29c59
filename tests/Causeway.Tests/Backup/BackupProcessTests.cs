using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Backup;

/// <summary><c>causeway backup</c> of a running server (real processes, over HTTP) while clients write,
/// <c>causeway restore</c> into a new folder, and a server started on it that waits for a peer before
/// it signs anything; and the errors of both commands and of <c>POST /v1/backup</c>.</summary>
public sealed class BackupProcessTests
{
    private static string Token(string folder, string file = "admin.token") => File.ReadAllText(Path.Combine(folder, file)).Trim();

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<string> ProblemCode(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task A_server_backed_up_while_clients_write_restores_with_every_acknowledged_write_and_waits_for_a_peer()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup"), restored = Path.Combine(folder.Path, "restored");
        string[] names = ["shop", "shop.eu"];
        var acknowledged = names.ToDictionary(n => n, _ => new ConcurrentQueue<string>());
        Dictionary<string, string[]> before;
        string did;
        string peerData = Path.Combine(folder.Path, "peer");
        using var peer = await ServerProcess.StartAsync(peerData);
        string peerAdmin = Token(peerData);
        using (var server = await ServerProcess.StartAsync(data))
        using (var http = server.Client(Token(data)))
        {
            foreach (var name in names) Assert.Equal(HttpStatusCode.Created, (await http.PutAsync($"/v1/dbs/{name}", null)).StatusCode);
            did = JsonDocument.Parse(await http.GetStringAsync("/v1/status")).RootElement.GetProperty("replica").GetString()!;
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                string db = names[w % names.Length];
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    string id = $"w{w}-{n}";
                    var response = await http.PutAsync($"/v1/dbs/{db}/docs/orders/{id}", Json($$"""{ "writer": {{w}}, "n": {{n}} }"""));
                    if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"PUT {db}/orders/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    acknowledged[db].Enqueue(id);
                }
            })).ToArray();
            await Deadline.UntilAsync(() => acknowledged.Values.All(q => q.Count >= 30) || writers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(30), () => "the clients to make 30 writes in each database");
            before = acknowledged.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            int countBefore = before.Values.Sum(ids => ids.Length);

            var (exit, output, error) = await CliProcess.RunAsync(["backup", "--url", server.Url, "--token", Token(data), "--out", backup]);
            Assert.True(exit == 0, $"causeway backup exited {exit}: {error}");
            var report = JsonDocument.Parse(output).RootElement;
            Assert.Equal(backup, report.GetProperty("dir").GetString());
            Assert.Equal(did, report.GetProperty("replica").GetString());

            await Deadline.UntilAsync(() => acknowledged.Values.Sum(q => q.Count) >= countBefore + 20 || writers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(30), () => "the clients to go on writing after the backup");
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));

            // Its commits after the backup reach a peer; then the server is lost.
            var pushed = await http.PostAsync("/v1/dbs/shop/replicate", Json($$"""{ "peer": "{{peer.Url}}", "token": "{{peerAdmin}}", "direction": "push" }"""));
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync());
            server.KillHard();
        }
        // The server's own files came along: its key and its tokens.
        foreach (var file in new[] { "identity.key", "admin.token", "read.token" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(data, file)), File.ReadAllBytes(Path.Combine(backup, file)));

        var restore = await CliProcess.RunAsync(["restore", "--from", backup, "--data", restored]);
        Assert.True(restore.Exit == 0, $"causeway restore exited {restore.Exit}: {restore.Err}");
        await using (var back = await Replica.OpenAsync(restored))
        {
            Assert.Equal(did, back.Did);
            foreach (var name in names)
            {
                var db = back.GetDatabase(name);
                var verified = await db.VerifyAsync();
                Assert.True(verified.Ok, string.Join("; ", verified.Problems));
                foreach (var id in before[name]) Assert.True(await db.GetAsync("orders", id) is not null, $"{name}/orders/{id} was acknowledged before the backup began but is not in it");
            }
        }

        // A server on the restored folder takes no writes until a database has synced with a peer, which
        // brings back the commits it signed after the backup; what it signs next follows them.
        using var second = await ServerProcess.StartAsync(restored);
        using var restoredHttp = second.Client(Token(restored));
        var refused = await restoredHttp.PutAsync("/v1/dbs/shop/docs/orders/new", Json("{}"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("replica_restored", await ProblemCode(refused));
        var pulled = await restoredHttp.PostAsync("/v1/dbs/shop/replicate", Json($$"""{ "peer": "{{peer.Url}}", "token": "{{peerAdmin}}", "direction": "pull" }"""));
        Assert.True(pulled.IsSuccessStatusCode, await pulled.Content.ReadAsStringAsync());
        foreach (var id in acknowledged["shop"]) Assert.Equal(HttpStatusCode.OK, (await restoredHttp.GetAsync($"/v1/dbs/shop/docs/orders/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await restoredHttp.PutAsync("/v1/dbs/shop/docs/orders/new", Json("{}"))).StatusCode);
        var pushedBack = await restoredHttp.PostAsync("/v1/dbs/shop/replicate", Json($$"""{ "peer": "{{peer.Url}}", "token": "{{peerAdmin}}", "direction": "push" }"""));
        Assert.True(pushedBack.IsSuccessStatusCode, "the peer takes the restored replica's next commit (no fork): " + await pushedBack.Content.ReadAsStringAsync());
        using var peerHttp = peer.Client(peerAdmin);
        Assert.Equal(HttpStatusCode.OK, (await peerHttp.GetAsync("/v1/dbs/shop/docs/orders/new")).StatusCode);
        Assert.Equal("replica_restored", await ProblemCode(await restoredHttp.PutAsync("/v1/dbs/shop.eu/docs/orders/new", Json("{}"))));
    }

    [Fact]
    public async Task Backup_and_restore_refuse_bad_folders_with_one_line_exit_2_and_problem_json()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), full = Path.Combine(folder.Path, "full"), empty = Path.Combine(folder.Path, "empty");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "keep.txt"), "mine");
        Directory.CreateDirectory(empty);
        using var server = await ServerProcess.StartAsync(data);
        string admin = Token(data);

        async Task OneLineExit2(string[] args, string code)
        {
            var (exit, _, error) = await CliProcess.RunAsync(args);
            Assert.True(exit == 2, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"[{code}]", error);
        }
        await OneLineExit2(["backup", "--url", server.Url, "--token", admin, "--out", full], "folder_not_empty");
        await OneLineExit2(["restore", "--from", empty, "--data", Path.Combine(folder.Path, "out")], "not_a_backup");
        await OneLineExit2(["restore", "--from", data, "--data", Path.Combine(folder.Path, "out")], "not_a_backup");
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName));

        // The folder of a running server is locked: the CLI says to go through the server.
        var (lockedExit, _, lockedError) = await CliProcess.RunAsync(["backup", "--data", data, "--out", Path.Combine(folder.Path, "locked")]);
        Assert.Equal(1, lockedExit);
        Assert.Contains("--url", lockedError);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "locked")));

        using var http = server.Client(admin);
        var notEmpty = await http.PostAsync("/v1/backup", JsonContent.Create(new { dir = full }));
        Assert.Equal(HttpStatusCode.Conflict, notEmpty.StatusCode);
        Assert.Equal("folder_not_empty", await ProblemCode(notEmpty));
        var relative = await http.PostAsync("/v1/backup", Json("""{ "dir": "backups/today" }"""));
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        Assert.Equal("invalid_value", await ProblemCode(relative));
        var unknown = await http.PostAsync("/v1/backup", Json("""{ "folder": "/tmp/x" }"""));
        Assert.Equal("invalid_op", await ProblemCode(unknown));
        using var reader = server.Client(Token(data, "read.token"));
        var forbidden = await reader.PostAsync("/v1/backup", JsonContent.Create(new { dir = Path.Combine(folder.Path, "by-reader") }));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", await ProblemCode(forbidden));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "by-reader")));
    }

    [Fact]
    public async Task A_stopped_replica_is_backed_up_and_restored_with_the_cli_and_its_ledger_verifies()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup");
        string did;
        long commits;
        await using (var replica = await Replica.OpenAsync(data))
        {
            did = replica.Did;
            var shop = await replica.CreateDatabaseAsync("shop");
            for (int i = 0; i < 5; i++) await shop.PutJsonAsync("orders", $"o-{i}", $$"""{ "i": {{i}} }""");
            commits = (await shop.InfoAsync()).Commits;
        }

        async Task<(string Out, string Err)> Ok(params string[] args)
        {
            var (exit, output, error) = await CliProcess.RunAsync(args);
            Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
            return (output, error);
        }
        var report = JsonDocument.Parse((await Ok("backup", "--data", data, "--out", backup)).Out).RootElement;
        Assert.Equal(did, report.GetProperty("replica").GetString());
        Assert.Equal("shop", Assert.Single(report.GetProperty("databases").EnumerateArray()).GetString());

        // Unfenced (this replica's later commits went nowhere): the ledger verifies and it takes writes at once.
        string unfenced = Path.Combine(folder.Path, "unfenced");
        var restored = JsonDocument.Parse((await Ok("restore", "--from", backup, "--data", unfenced, "--unfenced")).Out).RootElement;
        Assert.Equal(unfenced, restored.GetProperty("dir").GetString());
        Assert.Equal(did, restored.GetProperty("replica").GetString());
        var verified = JsonDocument.Parse((await Ok("verify", "shop", "--data", unfenced)).Out).RootElement;
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(commits, verified.GetProperty("commits").GetInt64());
        await Ok("doc", "put", "shop", "orders", "o-5", "{}", "--data", unfenced);

        // Fenced, the default: a write waits for a sync with a peer, said in one line.
        string fenced = Path.Combine(folder.Path, "fenced");
        await Ok("restore", "--from", backup, "--data", fenced);
        var (exit, _, error) = await CliProcess.RunAsync(["doc", "put", "shop", "orders", "o-5", "{}", "--data", fenced]);
        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("[replica_restored]", error);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway sync</c> and <c>causeway peers</c> as processes: from a folder to a real server,
/// through one server to another, and a continuous sync that runs until Ctrl-C.</summary>
public sealed class SyncCommandTests
{
    private static async Task<JsonElement> Ok(string[] args, IDictionary<string, string>? environment = null)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, environment: environment);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string Token(string folder, string file = "admin.token") => File.ReadAllText(Path.Combine(folder, file)).Trim();

    [Fact]
    public async Task Sync_from_a_folder_to_a_server_and_through_a_server_to_another()
    {
        using var local = new TempFolder();
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        using var a = await ServerProcess.StartAsync(folderA.Path);
        using var b = await ServerProcess.StartAsync(folderB.Path);
        string tokenA = Token(folderA.Path), tokenB = Token(folderB.Path);
        string[] L(params string[] args) => [.. args, "--data", local.Path];
        string[] A(params string[] args) => [.. args, "--url", a.Url, "--token", tokenA];
        string[] B(params string[] args) => [.. args, "--url", b.Url, "--token", tokenB];

        await Ok(L("db", "create", "shop"));
        for (int i = 0; i < 3; i++) await Ok(L("doc", "put", "shop", "c", $"local{i}", $$"""{"i": {{i}}}"""));
        await Ok(A("db", "create", "shop"));
        await Ok(A("doc", "put", "shop", "c", "on-a", """{"v": 1}"""));

        // From a folder: the CLI dials the server itself. Piped, the result is JSON.
        var synced = await Ok(L("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop"));
        Assert.Equal("shop", synced.GetProperty("database").GetString());
        Assert.Equal(1, synced.GetProperty("applied").GetInt64());
        Assert.Equal(3, synced.GetProperty("sent").GetInt64());
        Assert.Equal(4, (await Ok(A("db", "info", "shop"))).GetProperty("documents").GetInt64());
        Assert.Equal(1, (await Ok(L("doc", "get", "shop", "c", "on-a"))).GetProperty("v").GetInt64());

        // Without --db every database here is synced; the peer token may come from the environment.
        var again = await Ok(L("sync", "--peer", a.Url), new Dictionary<string, string> { ["CAUSEWAY_PEER_TOKEN"] = tokenA });
        Assert.Equal(0, again.GetProperty("applied").GetInt64());

        // Through a server: B pulls from A (creating the database), then keeps a link that 'peers' shows and stops.
        var pulled = await Ok(B("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop", "--direction", "pull"));
        Assert.Equal(4, pulled.GetProperty("applied").GetInt64());
        var link = await Ok(B("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop", "--continuous"));
        Assert.Equal("live", link.GetProperty("state").GetString());
        string id = link.GetProperty("id").GetString()!;
        await Ok(A("doc", "put", "shop", "c", "later", """{"v": 2}"""));
        await WaitUntilAsync(async () => (await CliProcess.RunAsync(B("doc", "get", "shop", "c", "later"))).Exit == 0);
        var peers = (await Ok(B("peers", "--db", "shop"))).GetProperty("peers").EnumerateArray().ToList();
        var outbound = Assert.Single(peers);
        Assert.Equal(id, outbound.GetProperty("id").GetString());
        Assert.Equal("outbound", outbound.GetProperty("role").GetString());
        Assert.Equal("shop", outbound.GetProperty("database").GetString());
        Assert.Contains((await Ok(A("peers"))).GetProperty("peers").EnumerateArray(), p => p.GetProperty("role").GetString() == "inbound");
        Assert.True((await Ok(B("peers", "--db", "shop", "--stop", id))).GetProperty("stopped").GetBoolean());
        Assert.Empty((await Ok(B("peers", "--db", "shop"))).GetProperty("peers").EnumerateArray());

        // Failures: one line, exit 1 for the peer's refusal, 2 for bad arguments.
        var (exit, _, error) = await CliProcess.RunAsync(L("sync", "--peer", a.Url, "--peer-token", "cw_wrong", "--db", "shop"));
        Assert.Equal(1, exit);
        Assert.Contains("[sync_refused]", error);
        Assert.Single(error.Trim().Split('\n'));
        (exit, _, error) = await CliProcess.RunAsync(L("sync", "--peer", a.Url, "--direction", "sideways"));
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        (exit, _, error) = await CliProcess.RunAsync(L("sync", "--peer", "not a url"));
        Assert.Equal(2, exit);
        Assert.Contains("--peer", error);
        (exit, _, _) = await CliProcess.RunAsync(L("sync", "--db", "shop"));
        Assert.Equal(2, exit);
        (exit, _, error) = await CliProcess.RunAsync(L("sync", "--peer", a.Url, "--collections", "c"));
        Assert.Equal(2, exit);
        Assert.Contains("--db", error);

        // A partial replica in another folder: only what it holds, and a clear refusal for the rest.
        using var phone = new TempFolder();
        string[] P(params string[] args) => [.. args, "--data", phone.Path];
        await Ok(A("doc", "put", "shop", "other", "x", """{"v": 3}"""));
        var partial = await Ok(P("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop", "--direction", "pull", "--collections", "c/local"));
        Assert.True(partial.GetProperty("applied").GetInt64() >= 6);
        Assert.Equal(3, (await Ok(P("db", "info", "shop"))).GetProperty("documents").GetInt64());
        (exit, _, error) = await CliProcess.RunAsync(P("doc", "get", "shop", "other", "x"));
        Assert.Equal(1, exit);
        Assert.Contains("[not_held]", error);

        // 'db info' says what a partial replica holds, in a folder and through a server (read by the client) alike.
        static string[] Holds(JsonElement info) => [.. info.GetProperty("holds").EnumerateArray().Select(h => h.GetString()!)];
        Assert.Equal(["c/local"], Holds(await Ok(P("db", "info", "shop"))));
        await Ok(A("db", "create", "mirror"));
        await Ok(B("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "mirror", "--direction", "pull", "--collections", "c/local"));
        Assert.Equal(["c/local"], Holds(await Ok(B("db", "info", "mirror"))));
        Assert.False((await Ok(A("db", "info", "mirror"))).TryGetProperty("holds", out _));
    }

    [Fact]
    public async Task With_wait_a_write_on_one_server_waits_for_the_rights_the_other_hands_over()
    {
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        using var a = await ServerProcess.StartAsync(folderA.Path);
        using var b = await ServerProcess.StartAsync(folderB.Path);
        string tokenA = Token(folderA.Path), tokenB = Token(folderB.Path);
        string[] A(params string[] args) => [.. args, "--url", a.Url, "--token", tokenA];
        string[] B(params string[] args) => [.. args, "--url", b.Url, "--token", tokenB];
        await Ok(A("db", "create", "shop"));
        await Ok(A("schema", "shop", Invariants.SchemaTests.Exchange.Replace("\n", " ")));
        await Ok(A("doc", "put", "shop", "players", "p", """{"name": "Ann", "credits": 100}"""));
        await Ok(B("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop", "--direction", "pull"));
        Assert.Equal("live", (await Ok(B("sync", "--peer", a.Url, "--peer-token", tokenA, "--db", "shop", "--continuous"))).GetProperty("state").GetString());

        // B holds no rights over A's counter: at once, the spend is refused (and B asks A for rights).
        string[] spend = ["doc", "patch", "shop", "players", "p", """[{"op": "increment", "path": "credits", "by": -30}]"""];
        var (exit, _, error) = await CliProcess.RunAsync(B(spend));
        Assert.True(exit == 1, error);
        Assert.EndsWith("[insufficient_rights]", error.Trim());
        (exit, _, error) = await CliProcess.RunAsync(B([.. spend, "--wait", "301"]));
        Assert.True(exit == 2, error);
        Assert.EndsWith("[invalid_value]", error.Trim());
        // With --wait, it waits for A's grant to arrive by sync and commits.
        await Ok(B([.. spend, "--wait", "20"]));
        Assert.Equal(70, (await Ok(B("doc", "get", "shop", "players", "p"))).GetProperty("credits").GetInt64());
        await WaitUntilAsync(async () => (await Ok(A("doc", "get", "shop", "players", "p"))).GetProperty("credits").GetInt64() == 70);
    }

    [Fact]
    public async Task A_continuous_sync_from_a_folder_runs_until_ctrl_c()
    {
        using var local = new TempFolder();
        using var folderA = new TempFolder();
        using var a = await ServerProcess.StartAsync(folderA.Path);
        string tokenA = Token(folderA.Path);
        await Ok(["db", "create", "shop", "--url", a.Url, "--token", tokenA]);
        await Ok(["doc", "put", "shop", "c", "first", """{"v": 1}""", "--url", a.Url, "--token", tokenA]);

        // A terminal's Ctrl-C: SIGINT at its default. A runner started in the background (as CI may be) ignores
        // SIGINT, children inherit that, and .NET then rightly leaves it ignored; env puts the default back.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"), "sync", "--continuous", "--data", local.Path, "--peer", a.Url, "--db", "shop", "--direction", "pull" })
            start.ArgumentList.Add(arg);
        start.Environment["CAUSEWAY_PEER_TOKEN"] = Token(folderA.Path, "read.token");
        using var process = Process.Start(start)!;
        var lines = new List<JsonElement>();
        var errors = new List<string>();
        process.OutputDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) lock (lines) lines.Add(JsonDocument.Parse(e.Data).RootElement.Clone()); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The pull created the database and the link went live; a write on the server arrives and the status line says so.
            await WaitUntilAsync(() => Task.FromResult(Snapshot(lines).Any(l => l.GetProperty("state").GetString() == "live")), what: () => string.Join('\n', errors));
            await Ok(["doc", "put", "shop", "c", "second", """{"v": 2}""", "--url", a.Url, "--token", tokenA]);
            await WaitUntilAsync(() => Task.FromResult(Snapshot(lines).Any(l => l.GetProperty("applied").GetInt64() >= 2 && l.GetProperty("behind").GetInt64() == 0)), what: () => string.Join('\n', errors));

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString()])) await interrupt.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(process.ExitCode == 0, string.Join('\n', errors));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        Assert.Empty(errors);
        Assert.Equal(2, (await Ok(["doc", "get", "shop", "c", "second", "--data", local.Path])).GetProperty("v").GetInt64());
    }

    private static List<JsonElement> Snapshot(List<JsonElement> lines)
    {
        lock (lines) return [.. lines];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 30, Func<string>? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The condition did not hold in time. {what?.Invoke()}");
            await Task.Delay(100);
        }
    }
}

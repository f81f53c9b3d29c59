using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary>The data commands, on a folder and through a real server, as processes.</summary>
public sealed class DataCommandTests
{
    private static async Task<JsonElement> Ok(string[] args, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, stdin, environment);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task Commands_work_on_a_data_folder_and_piped_output_is_json()
    {
        using var folder = new TempFolder();
        using var other = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        Assert.Equal("shop", (await Ok(D("db", "create", "shop"))).GetProperty("name").GetString());
        await Ok(D("doc", "put", "shop", "orders", "o1", """{"total": 5, "status": "paid"}"""));
        await Ok(D("doc", "put", "shop", "orders", "o2"), stdin: """{"total": 7, "status": "new"}""");
        await Ok(D("doc", "patch", "shop", "orders", "o1", """[{"op": "increment", "path": "n", "by": 3}]"""));
        var doc = await Ok(D("doc", "get", "shop", "orders", "o1"));
        Assert.Equal(3, doc.GetProperty("n").GetInt64());
        Assert.Equal(5, (await Ok(D("doc", "get", "shop", "orders", "o1", "--at", "1"))).GetProperty("total").GetInt64());
        var found = await Ok(D("query", "shop", """{"collection": "orders", "where": {"path": "status", "eq": "paid"}}"""));
        Assert.Equal(["o1"], found.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("_id").GetString()));
        var explained = await Ok(D("query", "shop", """{"collection": "orders", "where": {"path": "status", "eq": "paid"}}""", "--explain"));
        Assert.Equal("index", explained.GetProperty("plan").GetProperty("access").GetString());
        var counted = await Ok(D("query", "shop", """{"collection": "orders", "where": {"path": "total", "gte": 5}}""", "--count"));
        Assert.Equal(2, counted.GetProperty("count").GetInt64());
        var (both, _, bothError) = await CliProcess.RunAsync(D("query", "shop", """{"collection": "orders"}""", "--count", "--explain"));
        Assert.Equal(2, both);
        Assert.Contains("--count", bothError);
        var tx = await Ok(D("tx", "shop", """[{"op": "create", "collection": "orders", "doc": {"total": 1}}, {"op": "delete", "collection": "orders", "id": "o2"}]"""));
        Assert.Equal(4, tx.GetProperty("position").GetInt64());
        Assert.Equal(2, (await Ok(D("doc", "history", "shop", "orders", "o1"))).GetArrayLength());
        Assert.True((await Ok(D("verify", "shop"))).GetProperty("ok").GetBoolean());
        var (_, changes, _) = await CliProcess.RunAsync(D("changes", "shop"));
        Assert.Equal(4, changes.Trim().Split('\n').Length);

        string car = Path.Combine(other.Path, "shop.car");
        var (exportExit, _, exportError) = await CliProcess.RunAsync(D("export", "shop", car));
        Assert.True(exportExit == 0, exportError);
        string[] O(params string[] args) => [.. args, "--data", Path.Combine(other.Path, "replica")];
        await Ok(O("db", "create", "shop"));
        var imported = await Ok(O("import", "shop", car));
        Assert.Equal(4, imported.GetProperty("applied").GetInt32());
        Assert.Equal(3, (await Ok(O("doc", "get", "shop", "orders", "o1"))).GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Commands_work_through_a_server_with_url_and_token_or_environment()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path);
        string token = File.ReadAllText(Path.Combine(folder.Path, "admin.token")).Trim();
        string[] R(params string[] args) => [.. args, "--url", server.Url, "--token", token];
        await Ok(R("db", "create", "shop"));
        await Ok(R("doc", "put", "shop", "c", "d", """{"v": 1}"""));
        var environment = new Dictionary<string, string> { ["CAUSEWAY_URL"] = server.Url, ["CAUSEWAY_TOKEN"] = token };
        await Ok(["doc", "patch", "shop", "c", "d", """{"ops": [{"op": "set", "path": "v", "value": 2}]}"""], environment: environment);
        Assert.Equal(2, (await Ok(["doc", "get", "shop", "c", "d"], environment: environment)).GetProperty("v").GetInt64());
        // Conditions go to the server as If-Match / If-None-Match; its 412 is the same refusal.
        await Refused(R("doc", "put", "shop", "c", "d", """{"v": 3}""", "--if-none-match"), "precondition_failed");
        string version = (await Ok(R("doc", "get", "shop", "c", "d"))).GetProperty("_meta").GetProperty("commit").GetString()!;
        await Ok(R("doc", "put", "shop", "c", "d", """{"v": 3}""", "--if-match", version));
        await Refused(R("doc", "delete", "shop", "c", "d", "--if-match", version), "precondition_failed");
        Assert.Equal(["shop"], (await Ok(R("db", "list"))).EnumerateArray().Select(e => e.GetString()));
        Assert.True((await Ok(R("verify", "shop"))).GetProperty("ok").GetBoolean());

        // The server's folder is locked while it runs: the CLI says to go through the server.
        var (exit, _, error) = await CliProcess.RunAsync(["db", "list", "--data", folder.Path]);
        Assert.Equal(1, exit);
        Assert.Contains("use --url", error);
        (exit, _, error) = await CliProcess.RunAsync(["doc", "get", "shop", "c", "d", "--url", server.Url, "--token", "cw_wrong"]);
        Assert.Equal(1, exit);
        Assert.Contains("[unauthorized]", error);
        // A token that is not a static one (cw_…) is read as a UCAN, and this one is not.
        (exit, _, error) = await CliProcess.RunAsync(["doc", "get", "shop", "c", "d", "--url", server.Url, "--token", "wrong"]);
        Assert.Equal(1, exit);
        Assert.Contains("[token_invalid]", error);
    }

    [Fact]
    public async Task Schema_sets_and_shows_the_analysis_refusals_exit_2_and_reservations_hand_out_ranges()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        await Ok(D("db", "create", "shop"));
        var set = await Ok(D("schema", "shop", Invariants.SchemaTests.Exchange.Replace("\n", " ")));
        Assert.Equal(1, set.GetProperty("version").GetInt64());
        string home = set.GetProperty("home").GetString()!;
        var shown = await Ok(D("schema", "shop"));
        Assert.Equal(set.GetProperty("commit").GetString(), shown.GetProperty("commit").GetString());
        Assert.Contains(shown.GetProperty("analysis").EnumerateArray(), a => a.GetProperty("technique").GetString() == "bounded_counter");

        await Ok(D("doc", "put", "shop", "players", "p", """{"name": "Ann", "credits": 1}"""));
        var (exit, output, error) = await CliProcess.RunAsync(D("doc", "put", "shop", "players", "q", """{"name": "Ann"}"""));
        Assert.True(exit == 2, error);
        Assert.Equal("", output);
        Assert.EndsWith("[constraint_violation]", error.Trim());
        (exit, _, error) = await CliProcess.RunAsync(D("schema", "shop", """{"collections": {"c": {"fields": {"n": {"kind": "lww", "min": 0}}}}}"""));
        Assert.True(exit == 2, error);
        Assert.EndsWith("[schema_violation]", error.Trim());
        // 1 credit never pays 2: no transfer could allow it, so it is a constraint violation (exit 2).
        (exit, _, error) = await CliProcess.RunAsync(D("doc", "patch", "shop", "players", "p", """[{"op": "increment", "path": "credits", "by": -2}]"""));
        Assert.True(exit == 2, error);
        Assert.EndsWith("[constraint_violation]", error.Trim());

        string other = Causeway.Security.ReplicaIdentity.FromSeed(new byte[32]).Did;
        var handed = await Ok(D("reservations", "shop", "players", "name", "--ranges", "0-7", "--to", other));
        Assert.True(handed.GetProperty("position").GetInt64() > 1);
        (exit, _, error) = await CliProcess.RunAsync(D("reservations", "shop", "players", "name", "--ranges", "0-7", "--to", "nobody"));
        Assert.True(exit == 2, error);
        Assert.EndsWith("[invalid_value]", error.Trim());
        Assert.NotEqual(other, home);
    }

    private static async Task Refused(string[] args, string code)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 2, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.EndsWith($"[{code}]", error.Trim());
    }

    [Fact]
    public async Task Writes_take_if_match_and_if_none_match_and_a_failed_precondition_exits_2()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        await Ok(D("db", "create", "shop"));
        string v1 = (await Ok(D("doc", "put", "shop", "forms", "f", """{"title": "a"}""", "--if-none-match"))).GetProperty("commit").GetString()!;
        await Refused(D("doc", "put", "shop", "forms", "f", """{"title": "x"}""", "--if-none-match"), "precondition_failed");

        string v2 = (await Ok(D("doc", "patch", "shop", "forms", "f", """[{"op": "set", "path": "title", "value": "b"}]""", "--if-match", v1))).GetProperty("commit").GetString()!;
        Assert.Equal(v2, (await Ok(D("doc", "get", "shop", "forms", "f"))).GetProperty("_meta").GetProperty("commit").GetString());
        await Refused(D("doc", "put", "shop", "forms", "f", """{"title": "c"}""", "--if-match", v1), "precondition_failed");
        await Refused(D("doc", "patch", "shop", "forms", "f", """[{"op": "set", "path": "title", "value": "c"}]""", "--if-match", v1), "precondition_failed");
        await Refused(D("doc", "delete", "shop", "forms", "f", "--if-match", v1), "precondition_failed");
        Assert.Equal("b", (await Ok(D("doc", "get", "shop", "forms", "f"))).GetProperty("title").GetString());

        await Refused(D("doc", "put", "shop", "forms", "f", "{}", "--if-match", "not-a-cid"), "invalid_value");
        await Refused(D("doc", "put", "shop", "forms", "f", "{}", "--if-match", v2, "--if-none-match"), "invalid_value");
        // The ETag as an HTTP answer quotes it is taken too.
        await Ok(D("doc", "delete", "shop", "forms", "f", "--if-match", $"\"{v2}\""));
        await Refused(D("doc", "delete", "shop", "forms", "f", "--if-match", v2), "precondition_failed");
    }

    [Theory]
    [InlineData("doc get")]
    [InlineData("doc put shop c")]
    [InlineData("db create Bad_Name! --data DATA")]
    [InlineData("doc put shop c d {\"a\":tru --data DATA")]
    [InlineData("tx shop [{\"op\": --data DATA")]
    [InlineData("doc get shop c d --at yesterday --data DATA")]
    [InlineData("query shop {\"collection\":\"c\",\"limit\":0} --data DATA")]
    [InlineData("db list --url ftp://x --token t")]
    [InlineData("db list --url http://127.0.0.1:9")]
    [InlineData("nonsense")]
    public async Task Bad_arguments_are_one_line_on_stderr_and_exit_code_2(string command)
    {
        using var folder = new TempFolder();
        var args = command.Split(' ').Select(a => a == "DATA" ? folder.Path : a).ToArray();
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 2, $"'{command}' exited {exit}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", error);
    }
}

/// <summary>On a terminal (a real pseudo-terminal from `script`), lists and summaries are tables.</summary>
public sealed class TerminalOutputTests
{
    [Fact]
    public async Task On_a_terminal_the_output_is_a_table()
    {
        using var folder = new TempFolder();
        var (exit, _, error) = await CliProcess.RunAsync(["db", "create", "shop", "--data", folder.Path]);
        Assert.True(exit == 0, error);
        string cli = $"dotnet {Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll")} db info shop --data {folder.Path}";
        var start = new System.Diagnostics.ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", cli, "/dev/null" }) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("│ name │", output);
        Assert.Contains("│ shop │", output);
        Assert.DoesNotContain("{\"name\"", output);
    }
}

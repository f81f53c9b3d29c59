using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway db quota show|set</c>, as processes, on a folder and through a real server.</summary>
public sealed class QuotaCommandTests
{
    private static async Task<JsonElement> Ok(string[] args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Runs a command that must fail: its exit code, and its one line on stderr.</summary>
    private static async Task<string> Fails(int expected, string[] args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == expected, $"causeway {string.Join(' ', args)} exited {exit}, not {expected}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("causeway: ", error);
        return error.Trim();
    }

    private static string Limits(JsonElement quotas) => quotas.GetProperty("limits").GetRawText();

    [Fact]
    public async Task Quotas_are_shown_and_set_on_a_folder_and_bad_input_exits_2()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        await Ok(D("db", "create", "shop"));
        Assert.Equal("""{"limits":{"documents":null,"bytes":null,"writesPerSecond":null,"syncSessions":null},"usage":{"documents":0,"bytes":0,"syncSessions":0}}""",
            (await Ok(D("db", "quota", "show", "shop"))).GetRawText());

        Assert.Equal("""{"documents":1,"bytes":1000,"writesPerSecond":null,"syncSessions":null}""", Limits(await Ok(D("db", "quota", "set", "shop", "--documents", "1", "--bytes", "1000"))));
        // Options not given stay as they are.
        Assert.Equal("""{"documents":1,"bytes":1000,"writesPerSecond":20,"syncSessions":2}""", Limits(await Ok(D("db", "quota", "set", "shop", "--writes-per-second", "20", "--sync-sessions", "2"))));

        await Ok(D("doc", "put", "shop", "c", "a", "{}"));
        string refused = await Fails(1, D("doc", "put", "shop", "c", "b", "{}"));
        Assert.Equal("causeway: Database 'shop' is limited to 1 documents; this write would have made it 2. [quota_exceeded]", refused);
        Assert.Equal(1, (await Ok(D("db", "quota", "show", "shop"))).GetProperty("usage").GetProperty("documents").GetInt64());

        Assert.EndsWith("[invalid_value]", await Fails(2, D("db", "quota", "set", "shop", "--documents", "-1")));
        Assert.EndsWith("[invalid_value]", await Fails(2, D("db", "quota", "set", "shop", "--writes-per-second", "0")));
        Assert.Contains("'abc'", await Fails(2, D("db", "quota", "set", "shop", "--bytes", "abc")));
        Assert.EndsWith("[invalid_value]", await Fails(2, D("db", "quota", "set", "shop")));
        await Fails(2, D("db", "quota", "set", "shop", "--files", "3"));
        Assert.EndsWith("[invalid_name]", await Fails(2, D("db", "quota", "show", "Bad Name")));
        Assert.EndsWith("[not_found]", await Fails(1, D("db", "quota", "set", "nope", "--documents", "1")));
        Assert.Equal("""{"documents":1,"bytes":1000,"writesPerSecond":20,"syncSessions":2}""", Limits(await Ok(D("db", "quota", "show", "shop"))));

        // 'none' removes one limit; the write passes.
        Assert.Equal("""{"documents":null,"bytes":1000,"writesPerSecond":20,"syncSessions":2}""", Limits(await Ok(D("db", "quota", "set", "shop", "--documents", "none"))));
        await Ok(D("doc", "put", "shop", "c", "b", "{}"));
    }

    [Fact]
    public async Task Quotas_are_shown_and_set_through_a_server()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path);
        string token = File.ReadAllText(Path.Combine(folder.Path, "admin.token")).Trim();
        string read = File.ReadAllText(Path.Combine(folder.Path, "read.token")).Trim();
        string[] R(params string[] args) => [.. args, "--url", server.Url, "--token", token];
        await Ok(R("db", "create", "shop"));
        Assert.Equal("""{"documents":2,"bytes":null,"writesPerSecond":null,"syncSessions":null}""", Limits(await Ok(R("db", "quota", "set", "shop", "--documents", "2"))));
        await Ok(R("tx", "shop", """[{"op": "put", "collection": "c", "id": "a", "doc": {}}, {"op": "put", "collection": "c", "id": "b", "doc": {}}]"""));
        Assert.EndsWith("[quota_exceeded]", await Fails(1, R("doc", "put", "shop", "c", "x", "{}")));
        var shown = await Ok(R("db", "quota", "show", "shop"));
        Assert.Equal(2, shown.GetProperty("usage").GetProperty("documents").GetInt64());
        Assert.EndsWith("[invalid_value]", await Fails(2, R("db", "quota", "set", "shop", "--sync-sessions", "-3")));
        // The read token may look, not set.
        await Ok(["db", "quota", "show", "shop", "--url", server.Url, "--token", read]);
        Assert.EndsWith("[forbidden]", await Fails(1, ["db", "quota", "set", "shop", "--documents", "9", "--url", server.Url, "--token", read]));
    }
}

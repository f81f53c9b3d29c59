using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary>`causeway doc get` prints values in the typed forms `doc put` takes (as the server answers),
/// so its output goes back unchanged; `--plain` prints plain JSON. Numbers that would lose digits are
/// refused as bad input.</summary>
public sealed class ValueCommandTests
{
    private const string Typed = """{"d": {"$decimal": "1.50"}, "t": {"$time": "2026-01-02T03:04:05Z"}, "b": {"$bytes": "AQID"}, "x": 34.0, "n": 34, "deep": {"l": [{"$decimal": "0.10"}, 2.0]}}""";

    private static async Task<string> Ok(string[] args, string? stdin = null)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, stdin);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return output;
    }

    private static string Raw(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty(name).GetRawText();

    private static async Task GetPutBackAndCompare(Func<string[], string[]> at)
    {
        await Ok(at(["doc", "put", "shop", "c", "d", Typed]));
        string read = await Ok(at(["doc", "get", "shop", "c", "d"]));
        Assert.Equal("""{"$decimal":"1.50"}""", Raw(read, "d"));
        Assert.Equal("""{"$time":"2026-01-02T03:04:05.000000Z"}""", Raw(read, "t"));
        Assert.Equal("""{"$bytes":"AQID"}""", Raw(read, "b"));
        Assert.Equal("34.0", Raw(read, "x"));
        Assert.Equal("34", Raw(read, "n"));
        Assert.Equal("""{"l":[{"$decimal":"0.10"},2.0]}""", Raw(read, "deep"));

        // The output of doc get, fed to doc put as it is: accepted, and no field changes.
        await Ok(at(["doc", "put", "shop", "c", "d"]), stdin: read);
        var versions = JsonDocument.Parse(await Ok(at(["doc", "history", "shop", "c", "d"]))).RootElement;
        Assert.Equal(2, versions.GetArrayLength());
        Assert.DoesNotContain(versions[1].GetProperty("changes").EnumerateArray(), c => c.TryGetProperty("path", out _));
        Assert.Contains(versions[0].GetProperty("changes").EnumerateArray(), c => c.TryGetProperty("value", out var v) && v.GetRawText() == """{"$decimal":"1.50"}""");
        string again = await Ok(at(["doc", "get", "shop", "c", "d"]));
        foreach (var field in new[] { "d", "t", "b", "x", "n", "deep" }) Assert.Equal(Raw(read, field), Raw(again, field));

        // --plain: today's plain JSON, on get, history and query alike.
        string plain = await Ok(at(["doc", "get", "shop", "c", "d", "--plain"]));
        Assert.Equal("\"1.50\"", Raw(plain, "d"));
        Assert.Equal("\"2026-01-02T03:04:05.000000Z\"", Raw(plain, "t"));
        Assert.Equal("\"AQID\"", Raw(plain, "b"));
        Assert.Equal("34", Raw(plain, "x"));
        var plainHistory = JsonDocument.Parse(await Ok(at(["doc", "history", "shop", "c", "d", "--plain"]))).RootElement;
        Assert.Contains(plainHistory[0].GetProperty("changes").EnumerateArray(), c => c.TryGetProperty("value", out var v) && v.GetRawText() == "\"1.50\"");
        string query = """{"collection": "c", "where": {"path": "t", "eq": {"$time": "2026-01-02T03:04:05Z"}}}""";
        var found = JsonDocument.Parse(await Ok(at(["query", "shop", query]))).RootElement.GetProperty("docs");
        Assert.Equal("""{"$decimal":"1.50"}""", Assert.Single(found.EnumerateArray()).GetProperty("d").GetRawText());
        found = JsonDocument.Parse(await Ok(at(["query", "shop", query, "--plain"]))).RootElement.GetProperty("docs");
        Assert.Equal("\"1.50\"", Assert.Single(found.EnumerateArray()).GetProperty("d").GetRawText());

        // An integer beyond 64 bits is bad input (exit 2), one line that says what to write instead.
        var (exit, output, error) = await CliProcess.RunAsync(at(["doc", "put", "shop", "c", "big", """{"n": 12345678901234567890}"""]));
        Assert.True(exit == 2, $"exited {exit}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("""{"$decimal": "12345678901234567890"}""", error);
        Assert.EndsWith("[invalid_value]", error.Trim());
    }

    [Fact]
    public async Task Doc_get_output_goes_back_to_doc_put_unchanged_on_a_folder()
    {
        using var folder = new TempFolder();
        await Ok(["db", "create", "shop", "--data", folder.Path]);
        await GetPutBackAndCompare(args => [.. args, "--data", folder.Path]);
    }

    [Fact]
    public async Task Doc_get_output_goes_back_to_doc_put_unchanged_through_a_server()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path);
        string token = File.ReadAllText(Path.Combine(folder.Path, "admin.token")).Trim();
        string[] R(string[] args) => [.. args, "--url", server.Url, "--token", token];
        await Ok(R(["db", "create", "shop"]));
        await GetPutBackAndCompare(R);
    }
}

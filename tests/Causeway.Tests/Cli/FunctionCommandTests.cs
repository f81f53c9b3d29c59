using System.Text.Json;
using Causeway.Tests.Functions;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway fn put|get|list|call|delete|limits</c>, as processes, on a folder and through a real server.</summary>
public sealed class FunctionCommandTests
{
    private const string Schema = """{"collections": {"items": {"fields": {"stock": {"kind": "bcounter", "min": 0}}}, "players": {"fields": {"credits": {"kind": "counter"}, "owns": {"kind": "awset"}}}}}""";
    private const string Role = """[{"cmd": "/doc", "collections": ["items", "players"]}]""";
    private const string Args = """{"item": "string", "player": "string"}""";
    private const string Buy = """{"item": "cat", "player": "ann"}""";

    private static async Task<JsonElement> Ok(string[] args, string? stdin = null)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, stdin);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Runs a command that must fail: its one line on stderr, which ends with the code.</summary>
    private static async Task<string> Fails(int expected, string code, string[] args, string? stdin = null)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, stdin);
        Assert.True(exit == expected, $"causeway {string.Join(' ', args)} exited {exit}, not {expected}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("causeway: ", error);
        Assert.EndsWith($"[{code}]", error.Trim());
        return error.Trim();
    }

    /// <summary>A database "shop" with Ann (100 credits) and a cat (price 30, two in stock).</summary>
    private static async Task SeedAsync(Func<string[], string[]> at)
    {
        await Ok(at(["db", "create", "shop"]));
        await Ok(at(["schema", "shop", Schema]));
        await Ok(at(["tx", "shop", """[{"op": "put", "collection": "items", "id": "cat", "doc": {"price": 30, "stock": 2}}, {"op": "put", "collection": "players", "id": "ann", "doc": {"credits": 100}}]"""]));
    }

    [Fact]
    public async Task Functions_are_defined_read_listed_called_and_deleted_on_a_data_folder()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        await SeedAsync(D);
        string source = Path.Combine(folder.Path, "purchase.js");
        File.WriteAllText(source, StoredFunctionTests.Purchase);

        var defined = await Ok(D("fn", "put", "shop", "purchase", "--source", source, "--role", Role, "--args", Args));
        Assert.Equal("purchase", defined.GetProperty("name").GetString());
        Assert.Equal(StoredFunctionTests.Purchase, defined.GetProperty("source").GetString());
        Assert.Equal("/doc", defined.GetProperty("role")[0].GetProperty("cmd").GetString());
        Assert.Equal("string", defined.GetProperty("args").GetProperty("player").GetString());
        Assert.StartsWith("did:key:", defined.GetProperty("definer").GetString());
        // The source on stdin, no role (it may then read and write nothing), any argument.
        var echo = await Ok(D("fn", "put", "shop", "echo", "--source", "-"), stdin: "function (a) { return { got: a }; }");
        Assert.Equal(0, echo.GetProperty("role").GetArrayLength());
        Assert.False(echo.TryGetProperty("args", out _));
        // The whole definition body, as the HTTP PUT takes it, replaces a function.
        await Ok(D("fn", "put", "shop", "echo", "--file", "-"), stdin: """{"source": "function (a) { return { got: a, twice: true, price: { $decimal: '1.50' } }; }", "role": []}""");

        // A source that does not compile is the caller's to fix: exit 2, and nothing is defined.
        Assert.Contains("Unexpected token ')'", await Fails(2, "function_error", D("fn", "put", "shop", "broken", "--source", "-"), stdin: "function (a) { return ; ) }"));

        var read = await Ok(D("fn", "get", "shop", "purchase"));
        Assert.Equal(defined.GetRawText(), read.GetRawText());
        var listed = await Ok(D("fn", "list", "shop"));
        Assert.Equal(["echo", "purchase"], listed.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));

        var call = await Ok(D("fn", "call", "shop", "purchase", Buy, "--idempotency-key", "order-1"));
        Assert.Equal("""{"left":70,"paid":30}""", call.GetProperty("result").GetRawText());
        Assert.False(call.GetProperty("replayed").GetBoolean());
        long position = call.GetProperty("position").GetInt64();
        Assert.Equal(70, (await Ok(D("doc", "get", "shop", "players", "ann"))).GetProperty("credits").GetInt64());
        // A retry with the key answers the first result and runs nothing.
        var again = await Ok(D("fn", "call", "shop", "purchase", "-", "--idempotency-key", "order-1"), stdin: Buy);
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(call.GetProperty("commit").GetString(), again.GetProperty("commit").GetString());
        Assert.Equal(position, (await Ok(D("db", "info", "shop"))).GetProperty("position").GetInt64());
        await Fails(1, "idempotency_conflict", D("fn", "call", "shop", "purchase", """{"item": "cat", "player": "bob"}""", "--idempotency-key", "order-1"));

        // Without an argument the function gets null; a call that writes nothing has no commit.
        var nothing = await Ok(D("fn", "call", "shop", "echo"));
        Assert.Equal("""{"got":null,"price":{"$decimal":"1.50"},"twice":true}""", nothing.GetProperty("result").GetRawText());
        Assert.Equal(JsonValueKind.Null, nothing.GetProperty("commit").ValueKind);
        Assert.Equal(position, nothing.GetProperty("position").GetInt64());
        // Values print typed, as reads do (above), or plain with --plain.
        Assert.Equal("""{"got":[1,"a"],"price":"1.50","twice":true}""", (await Ok(D("fn", "call", "shop", "echo", """[1, "a"]""", "--plain"))).GetProperty("result").GetRawText());

        Assert.Equal("causeway: no_such_item: There is no item dog. [function_aborted]", await Fails(1, "function_aborted", D("fn", "call", "shop", "purchase", """{"item": "dog", "player": "ann"}""")));
        Assert.Contains("'item' as string", await Fails(2, "invalid_value", D("fn", "call", "shop", "purchase", """{"item": 5, "player": "ann"}""")));
        await Fails(1, "not_found", D("fn", "call", "shop", "nothing"));

        var limits = await Ok(D("fn", "limits", "shop", "--set", """{"timeoutMs": 250, "statements": 5000}"""));
        Assert.Equal(250, limits.GetProperty("timeoutMs").GetDouble());
        Assert.Equal(24, limits.GetProperty("idempotencyHours").GetDouble());
        Assert.Equal(limits.GetRawText(), (await Ok(D("fn", "limits", "shop"))).GetRawText());

        var deleted = await Ok(D("fn", "delete", "shop", "purchase"));
        Assert.True(deleted.GetProperty("position").GetInt64() > position);
        Assert.Equal("causeway: Function 'purchase' does not exist in database 'shop'. [not_found]", await Fails(1, "not_found", D("fn", "get", "shop", "purchase")));
        await Fails(1, "not_found", D("fn", "delete", "shop", "purchase"));
        Assert.Equal(["echo"], (await Ok(D("fn", "list", "shop"))).GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Functions_work_through_a_server()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path);
        string admin = File.ReadAllText(Path.Combine(folder.Path, "admin.token")).Trim();
        string reader = File.ReadAllText(Path.Combine(folder.Path, "read.token")).Trim();
        string[] R(params string[] args) => [.. args, "--url", server.Url, "--token", admin];
        await SeedAsync(R);
        string body = JsonSerializer.Serialize(new { source = StoredFunctionTests.Purchase, role = JsonDocument.Parse(Role).RootElement, args = JsonDocument.Parse(Args).RootElement });
        string definition = Path.Combine(folder.Path, "purchase.json");
        File.WriteAllText(definition, body);

        var defined = await Ok(R("fn", "put", "shop", "purchase", "--file", definition));
        Assert.Equal("admin", defined.GetProperty("definer").GetString());   // the static token that defined it
        Assert.Equal(defined.GetProperty("commit").GetString(), (await Ok(R("fn", "get", "shop", "purchase"))).GetProperty("commit").GetString());
        Assert.Single((await Ok(R("fn", "list", "shop"))).GetProperty("functions").EnumerateArray());
        var call = await Ok(R("fn", "call", "shop", "purchase", Buy, "--idempotency-key", "k"));
        Assert.Equal("""{"left":70,"paid":30}""", call.GetProperty("result").GetRawText());
        Assert.True((await Ok(R("fn", "call", "shop", "purchase", Buy, "--idempotency-key", "k"))).GetProperty("replayed").GetBoolean());
        Assert.Equal(1, (await Ok(R("doc", "get", "shop", "items", "cat"))).GetProperty("stock").GetInt64());
        Assert.Equal("causeway: no_such_item: There is no item dog. [function_aborted]", await Fails(1, "function_aborted", R("fn", "call", "shop", "purchase", """{"item": "dog", "player": "ann"}""")));
        await Fails(2, "invalid_value", R("fn", "call", "shop", "purchase", """{"item": "cat"}"""));
        Assert.Equal(500, (await Ok(R("fn", "limits", "shop", "--set", """{"timeoutMs": 500}"""))).GetProperty("timeoutMs").GetDouble());
        Assert.Equal(500, (await Ok(R("fn", "limits", "shop"))).GetProperty("timeoutMs").GetDouble());

        // The read token may neither define nor call.
        await Fails(1, "forbidden", ["fn", "put", "shop", "other", "--file", definition, "--url", server.Url, "--token", reader]);
        await Fails(1, "forbidden", ["fn", "call", "shop", "purchase", Buy, "--url", server.Url, "--token", reader]);

        await Ok(R("fn", "delete", "shop", "purchase"));
        await Fails(1, "not_found", R("fn", "get", "shop", "purchase"));
    }

    [Theory]
    [InlineData("fn put shop f --data DATA", "invalid_value")]                                             // no source
    [InlineData("fn put shop f --source DATA/none.js --data DATA", "invalid_value")]                       // no such file
    [InlineData("fn put shop 9f --source - --data DATA", "invalid_name")]
    [InlineData("fn put shop f --source - --role [{ --data DATA", "invalid_json")]
    [InlineData("fn put shop f --source - --role [{\"cmd\":\"/db/admin\"}] --data DATA", "invalid_value")]
    [InlineData("fn put shop f --source - --args {\"a\":\"date\"} --data DATA", "invalid_value")]
    [InlineData("fn put shop f --source - --file - --data DATA", "invalid_value")]
    [InlineData("fn put shop f --file - --data DATA", "invalid_json")]                                      // stdin is not JSON
    [InlineData("fn get shop bad/name --data DATA", "invalid_name")]
    [InlineData("fn call shop f {\"a\": --data DATA", "invalid_json")]
    [InlineData("fn call shop f {} --idempotency-key k --file - --data DATA", "invalid_value")]
    [InlineData("fn limits shop --set {\"timeoutMs\":-1} --data DATA", "invalid_value")]
    [InlineData("fn limits shop --set {\"seconds\":1} --data DATA", "invalid_value")]
    [InlineData("fn call --data DATA", null)]
    [InlineData("fn nonsense shop", null)]
    public async Task Bad_arguments_are_one_line_and_exit_code_2(string command, string? code)
    {
        using var folder = new TempFolder();
        var args = command.Split(' ').Select(a => a.Replace("DATA", folder.Path)).ToArray();
        var (exit, output, error) = await CliProcess.RunAsync(args, stdin: "function (a) { return a; }");
        Assert.True(exit == 2, $"'{command}' exited {exit}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", error);
        if (code is not null) Assert.EndsWith($"[{code}]", error.Trim());
        // Refused before the replica was opened: the folder is as it was, empty.
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}

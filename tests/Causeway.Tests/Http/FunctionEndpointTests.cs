using System.Text.Json;
using Causeway.Authority;
using Causeway.Errors;
using Causeway.Tests.Functions;
using Causeway.Values;

namespace Causeway.Tests.Http;

/// <summary>Stored functions over real HTTP on loopback (docs/api.md, Functions): defining, reading,
/// listing and deleting them, calls with their result, commit and position, idempotency keys, the
/// argument shape, every function error as problem+json with its status, the limits, and authority:
/// a key that may only call one function does what the function does and nothing else, and a definer
/// cannot give a function more than it holds itself.</summary>
public sealed class FunctionEndpointTests : IAsyncLifetime
{
    private const string PurchaseArgs = """{ "item": "string", "player": "string" }""";
    private const string PurchaseRole = """[ { "cmd": "/doc", "collections": ["items", "players"] } ]""";
    private const string Ann = """{ "item": "cat", "player": "ann" }""";

    private readonly PrincipalKey _user = PrincipalKey.Create();
    private ServerFixture _server = null!;

    private HttpClient Admin => _server.Admin;
    private PrincipalKey Owner => _server.Replica.Key;
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartOnLoopbackAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/schema", HttpExtensions.Json("""
            { "collections": {
                "items": { "fields": { "stock": { "kind": "bcounter", "min": 0 } } },
                "players": { "fields": { "credits": { "kind": "counter" }, "owns": { "kind": "awset" } } } } }
            """))).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/docs/items/cat", HttpExtensions.Json("""{ "price": 30, "stock": 2 }"""))).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/docs/players/ann", HttpExtensions.Json("""{ "credits": 100 }"""))).EnsureSuccessStatusCode();
        var purchase = await Define("purchase", StoredFunctionTests.Purchase, PurchaseRole, PurchaseArgs);
        Assert.Equal(201, (int)purchase.StatusCode);
        var price = await Define("price", "function (arg) { return db.get('items', arg.item).price; }", """[ { "cmd": "/doc/read", "collections": ["items"] } ]""");
        Assert.Equal(201, (int)price.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _user.Dispose();
    }

    private static string Definition(string source, string role, string? args = null)
        => $$"""{ "source": {{JsonSerializer.Serialize(source)}}, "role": {{role}}{{(args is null ? "" : $", \"args\": {args}")}} }""";

    private Task<HttpResponseMessage> Define(string name, string source, string role = "[]", string? args = null)
        => Admin.PutAsync($"/v1/dbs/shop/functions/{name}", HttpExtensions.Json(Definition(source, role, args)));

    private async Task<HttpResponseMessage> Call(string name, string? argument, string? key = null, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/dbs/shop/functions/{name}/call{query}");
        if (argument is not null) request.Content = HttpExtensions.Json(argument);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await Admin.SendAsync(request);
    }

    private async Task<long> PositionAsync() => (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64();

    private async Task<JsonElement> DocAsync(string collection, string id) => await (await Admin.GetAsync($"/v1/dbs/shop/docs/{collection}/{id}")).JsonAsync();

    [Fact]
    public async Task Functions_are_defined_replaced_read_listed_and_deleted()
    {
        long before = await PositionAsync();
        var created = await Define("restock", "function (arg) { db.patch('items', arg.item, [{ op: 'increment', path: 'stock', by: arg.qty }]); }",
            """[ { "cmd": "/doc/write", "collections": ["items"] } ]""", """{ "item": "string", "qty": "integer" }""");
        Assert.Equal(201, (int)created.StatusCode);
        var info = await created.JsonAsync();
        Assert.Equal("restock", info.GetProperty("name").GetString());
        Assert.Contains("increment", info.GetProperty("source").GetString());
        Assert.Equal("""[{"cmd":"/doc/write","collections":["items"]}]""", info.GetProperty("role").GetRawText());
        Assert.Equal("""{"item":"string","qty":"integer"}""", info.GetProperty("args").GetRawText());
        Assert.Equal("admin", info.GetProperty("definer").GetString());
        Assert.StartsWith("bafy", info.GetProperty("commit").GetString());
        Assert.Equal(before + 1, info.GetProperty("position").GetInt64());

        // Defining it again replaces it: 200, a new commit, and no 'args' when the body has none.
        var replaced = await Define("restock", "function (arg) { return 'replaced'; }", """[ { "cmd": "/doc/write" } ]""");
        Assert.Equal(200, (int)replaced.StatusCode);
        var second = await replaced.JsonAsync();
        Assert.NotEqual(info.GetProperty("commit").GetString(), second.GetProperty("commit").GetString());
        Assert.Equal(before + 2, second.GetProperty("position").GetInt64());
        Assert.False(second.TryGetProperty("args", out _));

        var read = await (await Admin.GetAsync("/v1/dbs/shop/functions/restock")).JsonAsync();
        Assert.Equal(second.GetRawText(), read.GetRawText());
        var list = await (await Admin.GetAsync("/v1/dbs/shop/functions")).JsonAsync();
        Assert.Equal(["price", "purchase", "restock"], list.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("replaced", (await (await Call("restock", null)).JsonAsync()).GetProperty("result").GetString());

        var deleted = await (await Admin.DeleteAsync("/v1/dbs/shop/functions/restock")).JsonAsync();
        Assert.Equal(before + 3, deleted.GetProperty("position").GetInt64());
        Assert.StartsWith("bafy", deleted.GetProperty("commit").GetString());
        await (await Admin.GetAsync("/v1/dbs/shop/functions/restock")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.DeleteAsync("/v1/dbs/shop/functions/restock")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Call("restock", null)).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.GetAsync("/v1/dbs/nowhere/functions")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.GetAsync("/v1/dbs/shop/functions/9lives")).ProblemAsync(400, ErrorCodes.InvalidName);
        // The read token neither defines nor reads definitions (/fn/define), nor calls (/fn/call).
        await (await _server.Reader.GetAsync("/v1/dbs/shop/functions/purchase")).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _server.Reader.GetAsync("/v1/dbs/shop/functions")).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _server.Reader.PostAsync("/v1/dbs/shop/functions/price/call", HttpExtensions.Json("""{ "item": "cat" }"""))).ProblemAsync(403, ErrorCodes.Forbidden);
        Assert.Equal(before + 3, await PositionAsync());
    }

    [Fact]
    public async Task A_definition_that_is_malformed_or_does_not_give_a_function_is_refused_and_writes_nothing()
    {
        // Few statements, so a source that spins is stopped by them, never by the clock first.
        (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("""{ "statements": 10000 }"""))).EnsureSuccessStatusCode();
        long before = await PositionAsync();
        async Task Refused(string body, int status, string code, string? name = "bad")
        {
            var response = await Admin.PutAsync($"/v1/dbs/shop/functions/{name}", HttpExtensions.Json(body));
            await response.ProblemAsync(status, code);
        }
        await Refused("""{ "role": [] }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}" }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": 42, "role": [] }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}", "role": [], "extra": 1 }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}", "role": [ { "cmd": "/db/admin" } ] }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}", "role": [ { "cmd": "/doc", "collections": ["_functions"] } ] }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}", "role": [], "args": { "a": "text" } }""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "   ", "role": [] }""", 400, ErrorCodes.InvalidValue);
        await Refused("""[]""", 400, ErrorCodes.InvalidValue);
        await Refused("""{ "source": "function () {}", "role": [] """, 400, ErrorCodes.InvalidJson);
        await Refused(Definition(new string(' ', 300_000) + "function () {}", "[]"), 400, ErrorCodes.InvalidValue);
        await Refused(Definition("function () {}", "[]"), 400, ErrorCodes.InvalidName, "a b");
        // A source that does not compile, or that gives no function, is the script's error (422).
        var syntax = await (await Admin.PutAsync("/v1/dbs/shop/functions/bad", HttpExtensions.Json(Definition("function (a) {\n  return ; )\n}", "[]"))))
            .ProblemAsync(422, ErrorCodes.FunctionError);
        Assert.StartsWith("Function 'bad' does not compile at line 2", syntax.GetProperty("detail").GetString());
        await Refused(Definition("42", "[]"), 422, ErrorCodes.FunctionError);
        await Refused(Definition("(function () { while (true) {} })()", "[]"), 422, ErrorCodes.FunctionLimit);
        var wrongType = await Admin.PutAsync("/v1/dbs/shop/functions/bad", new StringContent(Definition("function () {}", "[]"), System.Text.Encoding.UTF8, "text/plain"));
        await wrongType.ProblemAsync(415, ErrorCodes.UnsupportedMediaType);
        await (await Admin.GetAsync("/v1/dbs/shop/functions/bad")).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Equal(before, await PositionAsync());
    }

    [Fact]
    public async Task A_call_answers_its_result_commit_and_position_and_a_call_that_reads_only_commits_nothing()
    {
        long before = await PositionAsync();
        var response = await Call("purchase", Ann);
        Assert.Equal(200, (int)response.StatusCode);
        var call = await response.JsonAsync();
        Assert.Equal(30, call.GetProperty("result").GetProperty("paid").GetInt64());
        Assert.Equal(70, call.GetProperty("result").GetProperty("left").GetInt64());
        Assert.StartsWith("bafy", call.GetProperty("commit").GetString());
        Assert.Equal(before + 1, call.GetProperty("position").GetInt64());
        Assert.False(call.GetProperty("replayed").GetBoolean());
        Assert.Equal(before + 1, await PositionAsync());
        Assert.Equal(1, (await DocAsync("items", "cat")).GetProperty("stock").GetInt64());
        var ann = await DocAsync("players", "ann");
        Assert.Equal(70, ann.GetProperty("credits").GetInt64());
        Assert.Equal(["cat"], ann.GetProperty("owns").EnumerateArray().Select(e => e.GetString()));
        // The commit is the call's: its documents are the writes and the call's record.
        var changes = await (await Admin.GetAsync($"/v1/dbs/shop/changes?since={before}")).JsonAsync();
        var change = Assert.Single(changes.GetProperty("changes").EnumerateArray());
        Assert.Equal(call.GetProperty("commit").GetString(), change.GetProperty("commit").GetString());
        var touched = change.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("collection").GetString()).Order();
        Assert.Equal(["_calls", "items", "players"], touched);

        var read = await (await Call("price", """{ "item": "cat" }""")).JsonAsync();
        Assert.Equal(30, read.GetProperty("result").GetInt64());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("commit").ValueKind);
        Assert.Equal(before + 1, read.GetProperty("position").GetInt64());
        Assert.False(read.GetProperty("replayed").GetBoolean());
        Assert.Equal(before + 1, await PositionAsync());
    }

    [Fact]
    public async Task A_call_without_a_body_passes_null_and_a_result_is_typed_unless_asked_plain()
    {
        Assert.Equal(201, (int)(await Define("echo", "function (arg) { return { arg: arg, price: { $decimal: '1.50' } }; }")).StatusCode);
        // No body at all (and so no content type), and an empty JSON body: the argument is null.
        using (var bare = new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/shop/functions/echo/call"))
        {
            var answer = await (await Admin.SendAsync(bare)).JsonAsync();
            Assert.Equal("""{"arg":null,"price":{"$decimal":"1.50"}}""", answer.GetProperty("result").GetRawText());
        }
        var empty = await (await Call("echo", "")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("result").GetProperty("arg").ValueKind);
        var plain = await (await Call("echo", """[1, "x"]""", query: "?values=plain")).JsonAsync();
        Assert.Equal("""{"arg":[1,"x"],"price":"1.50"}""", plain.GetProperty("result").GetRawText());
        await (await Call("echo", "1", query: "?values=odd")).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Call("echo", "{ broken")).ProblemAsync(400, ErrorCodes.InvalidJson);
        var text = await Admin.PostAsync("/v1/dbs/shop/functions/echo/call", new StringContent("1", System.Text.Encoding.UTF8, "text/plain"));
        await text.ProblemAsync(415, ErrorCodes.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_idempotency_key_answers_a_retry_with_the_first_call_and_refuses_another_call_under_it()
    {
        var first = await (await Call("purchase", Ann, key: "order-1")).JsonAsync();
        Assert.False(first.GetProperty("replayed").GetBoolean());
        long position = await PositionAsync();
        Assert.Equal(position, first.GetProperty("position").GetInt64());

        var again = await (await Call("purchase", Ann, key: "order-1")).JsonAsync();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(first.GetProperty("commit").GetString(), again.GetProperty("commit").GetString());
        Assert.Equal(first.GetProperty("result").GetRawText(), again.GetProperty("result").GetRawText());
        Assert.Equal(position, again.GetProperty("position").GetInt64());
        Assert.Equal(position, await PositionAsync());
        Assert.Equal(70, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());

        // The same key for another argument or another function is a conflict, and runs nothing.
        var conflict = await (await Call("purchase", """{ "item": "cat", "player": "bob" }""", key: "order-1")).ProblemAsync(409, ErrorCodes.IdempotencyConflict);
        Assert.Contains("order-1", conflict.GetProperty("detail").GetString());
        await (await Call("price", """{ "item": "cat" }""", key: "order-1")).ProblemAsync(409, ErrorCodes.IdempotencyConflict);
        await (await Call("purchase", Ann, key: "no spaces")).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Call("purchase", Ann, key: new string('k', 257))).ProblemAsync(400, ErrorCodes.InvalidValue);
        using (var twice = new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/shop/functions/purchase/call") { Content = HttpExtensions.Json(Ann) })
        {
            twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["order-2", "order-3"]);
            await (await Admin.SendAsync(twice)).ProblemAsync(400, ErrorCodes.InvalidValue);
        }
        Assert.Equal(position, await PositionAsync());

        // A new key is a new call.
        var second = await (await Call("purchase", Ann, key: "order-2")).JsonAsync();
        Assert.False(second.GetProperty("replayed").GetBoolean());
        Assert.Equal(position + 1, second.GetProperty("position").GetInt64());
        Assert.Equal(40, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task An_argument_that_does_not_fit_the_shape_is_refused_before_the_function_runs()
    {
        long before = await PositionAsync();
        foreach (var argument in new[]
        {
            """{ "item": 5, "player": "ann" }""", """{ "item": "cat" }""", """{ "item": "cat", "player": "ann", "extra": 1 }""",
            """["cat", "ann"]""", "\"cat\"", "null", "", """{ "item": null, "player": "ann" }""",
        })
        {
            var problem = await (await Call("purchase", argument)).ProblemAsync(400, ErrorCodes.InvalidValue);
            Assert.Contains("purchase", problem.GetProperty("detail").GetString());
        }
        var named = await (await Call("purchase", """{ "item": 5, "player": "ann" }""")).ProblemAsync(400, ErrorCodes.InvalidValue);
        Assert.Contains("'item' as string", named.GetProperty("detail").GetString());
        await (await Call("nothing", "{}")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Call("no thing", "{}")).ProblemAsync(400, ErrorCodes.InvalidName);
        Assert.Equal(before, await PositionAsync());
        Assert.Equal(100, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Each_function_error_is_problem_json_with_its_status_and_writes_nothing()
    {
        (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("""{ "statements": 100000 }"""))).EnsureSuccessStatusCode();
        async Task<JsonElement> Fails(string source, int status, string code, string role = """[ { "cmd": "/doc" } ]""", string argument = "null")
        {
            Assert.True((await Define("bad", source, role)).IsSuccessStatusCode);
            long at = await PositionAsync();
            var problem = await (await Call("bad", argument)).ProblemAsync(status, code);
            Assert.Equal(at, await PositionAsync());
            return problem;
        }
        var thrown = await Fails("function (arg) {\n  db.put('log', 'x', { a: 1 });\n  const o = null;\n  return o.x;\n}", 422, ErrorCodes.FunctionError);
        Assert.Contains("line 4", thrown.GetProperty("detail").GetString());
        Assert.DoesNotContain("   at ", thrown.GetProperty("detail").GetString()); // no stack trace
        await Fails("function f() { db.put('log', 'x', { a: 1 }); return f(); }", 422, ErrorCodes.FunctionLimit);
        await Fails("function () { db.put('log', 'x', { a: 1 }); while (true) {} }", 422, ErrorCodes.FunctionLimit);
        var aborted = await (await Call("purchase", """{ "item": "dog", "player": "ann" }""")).ProblemAsync(409, ErrorCodes.FunctionAborted);
        Assert.StartsWith("no_such_item: There is no item dog.", aborted.GetProperty("detail").GetString());
        await Fails("function () { db.put('log', 'x', { a: 1 }); abort('closed', 'The shop is closed.'); }", 409, ErrorCodes.FunctionAborted);
        // A write outside the function's role is the caller's 403, and so is a read.
        var outside = await Fails("function () { db.put('admins', 'me', { root: true }); }", 403, ErrorCodes.Forbidden, """[ { "cmd": "/doc", "collections": ["log"] } ]""");
        Assert.Contains("admins", outside.GetProperty("detail").GetString());

        // Past the time limit: 408. Statements are not what stops it here.
        var limits = await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("""{ "timeoutMs": 150, "statements": 1000000000 }"""));
        Assert.Equal(200, (int)limits.StatusCode);
        var timeout = await Fails("function () { db.put('log', 'x', { a: 1 }); while (true) {} }", 408, ErrorCodes.FunctionTimeout);
        Assert.Contains("time limit", timeout.GetProperty("detail").GetString());
        // An async function whose promise never settles times out too, rather than holding the call for ever.
        await Fails("async function () { db.put('log', 'x', { a: 1 }); await new Promise(() => {}); }", 408, ErrorCodes.FunctionTimeout);
        (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("{}"))).EnsureSuccessStatusCode();
        await (await Admin.GetAsync("/v1/dbs/shop/docs/log/x")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Function_limits_are_read_and_set_by_the_database_admin()
    {
        var defaults = await (await Admin.GetAsync("/v1/dbs/shop/function-limits")).JsonAsync();
        Assert.Equal("""{"timeoutMs":1000,"statements":1000000,"memoryBytes":33554432,"recursionDepth":256,"arrayLength":100000,"regexTimeoutMs":100,"resultBytes":1048576,"idempotencyHours":24}""",
            defaults.GetRawText());
        var set = await (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("""{ "timeoutMs": 250, "recursionDepth": 64 }"""))).JsonAsync();
        Assert.Equal(250, set.GetProperty("timeoutMs").GetInt64());
        Assert.Equal(64, set.GetProperty("recursionDepth").GetInt64());
        Assert.Equal(1000000, set.GetProperty("statements").GetInt64()); // left out: the default
        Assert.Equal(set.GetRawText(), (await (await Admin.GetAsync("/v1/dbs/shop/function-limits")).JsonAsync()).GetRawText());

        foreach (var body in new[]
        {
            """{ "nope": 1 }""", """{ "timeoutMs": -1 }""", """{ "timeoutMs": 0 }""", """{ "timeoutMs": "100" }""", """{ "timeoutMs": 600000 }""",
            """{ "recursionDepth": 1e300 }""", """{ "statements": null }""", "[]", "1",
        })
            await (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json(body))).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("{ \"timeoutMs\": "))).ProblemAsync(400, ErrorCodes.InvalidJson);
        Assert.Equal(set.GetRawText(), (await (await Admin.GetAsync("/v1/dbs/shop/function-limits")).JsonAsync()).GetRawText());
        await (await _server.Reader.GetAsync("/v1/dbs/shop/function-limits")).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _server.Reader.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("{}"))).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await Admin.GetAsync("/v1/dbs/nowhere/function-limits")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    // ------------------------------------------------------------------ authority

    private Delegation SessionOf(PrincipalKey key, string command)
        => Ucans.Delegate(key, _server.Replica.Did, Owner.Did, command, null, Now.AddMinutes(30));

    private Task<(int Status, JsonElement Body)> AskAsync(HttpRequestMessage request) => _server.Anonymous.AskAsync(request);

    /// <summary>The key of the issue: a player's key that may only call <c>purchase</c> buys the item (the
    /// function writes items and players as its role allows) but cannot write those documents itself,
    /// call another function, or define one.</summary>
    [Fact]
    public async Task A_key_that_may_only_call_purchase_buys_through_it_and_can_do_nothing_else()
    {
        var grant = Ucans.Delegate(Owner, _user.Did, Owner.Did, Commands.FnCall,
            Value.Array([Policy("==", ".db", "shop"), Policy("==", ".fn", "purchase")]), Now.AddDays(1));
        var session = SessionOf(_user, Commands.FnCall);
        Delegation[] chain = [grant];

        var bought = Ucans.Ok(await AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/functions/purchase/call", session, chain, Ann)));
        Assert.Equal(30, bought.GetProperty("result").GetProperty("paid").GetInt64());
        Assert.Equal(1, (await DocAsync("items", "cat")).GetProperty("stock").GetInt64());
        Assert.Equal(70, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());
        // The call's record names the caller by its DID.
        string record = Assert.Single((await (await Admin.GetAsync($"/v1/dbs/shop/changes?since={bought.GetProperty("position").GetInt64() - 1}")).JsonAsync())
            .GetProperty("changes")[0].GetProperty("docs").EnumerateArray(), d => d.GetProperty("collection").GetString() == "_calls").GetProperty("id").GetString()!;
        Assert.Equal(_user.Did, (await DocAsync("_calls", record)).GetProperty("caller").GetString());

        long position = await PositionAsync();
        async Task Forbidden(HttpMethod method, string path, string? json = null)
        {
            var answer = await AskAsync(Ucans.Session(method, path, session, chain, json));
            Assert.True(answer.Status == 403, $"{method} {path}: expected 403, got {answer.Status}: {answer.Body}");
            Assert.Equal(ErrorCodes.Forbidden, answer.Body.GetProperty("code").GetString());
        }
        // The documents the function writes, written directly.
        await Forbidden(HttpMethod.Put, "/v1/dbs/shop/docs/items/cat", """{ "price": 0, "stock": 99 }""");
        await Forbidden(HttpMethod.Patch, "/v1/dbs/shop/docs/players/ann", """{ "ops": [ { "op": "increment", "path": "credits", "by": 1000 } ] }""");
        await Forbidden(HttpMethod.Put, "/v1/dbs/shop/docs/players/ann", """{ "credits": 1000 }""");
        await Forbidden(HttpMethod.Post, "/v1/dbs/shop/tx", """{ "ops": [ { "op": "delete", "collection": "items", "id": "cat" } ] }""");
        await Forbidden(HttpMethod.Get, "/v1/dbs/shop/docs/items/cat");
        // Another function, and the functions themselves.
        await Forbidden(HttpMethod.Post, "/v1/dbs/shop/functions/price/call", """{ "item": "cat" }""");
        await Forbidden(HttpMethod.Put, "/v1/dbs/shop/functions/purchase", Definition("function () { return 1; }", "[]"));
        await Forbidden(HttpMethod.Put, "/v1/dbs/shop/functions/mine", Definition("function () { return 1; }", "[]"));
        await Forbidden(HttpMethod.Get, "/v1/dbs/shop/functions/purchase");
        await Forbidden(HttpMethod.Delete, "/v1/dbs/shop/functions/purchase");
        await Forbidden(HttpMethod.Put, "/v1/dbs/shop/function-limits", """{ "timeoutMs": 60000 }""");
        var elsewhere = Ucans.Refused(await AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/functions/price/call", session, chain, """{ "item": "cat" }""")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), grant.Cid);
        Assert.Contains("price", elsewhere.GetProperty("detail").GetString());
        Assert.Equal(position, await PositionAsync());
        Assert.Equal(70, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());

        // An invocation of /fn/call on purchase works the same, once.
        var invocation = Ucans.Invocation(_user, Owner.Did, Commands.FnCall, Resource.Of("shop", fn: "purchase"), chain, Now, audience: _server.Replica.Did);
        Ucans.Ok(await AskAsync(Ucans.Invoke(HttpMethod.Post, "/v1/dbs/shop/functions/purchase/call", invocation, chain, Ann)));
        Assert.Equal(40, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());
        Assert.Equal(0, (await DocAsync("items", "cat")).GetProperty("stock").GetInt64());
        // The stock's bound holds: a third purchase is refused, and writes nothing.
        var sold = await AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/functions/purchase/call", session, chain, Ann));
        Assert.True(sold.Status is 409 or 422, $"expected the stock's bound to refuse the call, got {sold.Status}: {sold.Body}");
        Assert.Equal(40, (await DocAsync("players", "ann")).GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task An_invocation_to_call_one_function_cannot_be_spent_on_another()
    {
        var grant = Ucans.Delegate(Owner, _user.Did, Owner.Did, Commands.FnCall, Scope.Database("shop"), Now.AddDays(1));
        Delegation[] chain = [grant];
        var forPrice = Ucans.Invocation(_user, Owner.Did, Commands.FnCall, Resource.Of("shop", fn: "price"), chain, Now);
        long position = await PositionAsync();
        Ucans.Refused(await AskAsync(Ucans.Invoke(HttpMethod.Post, "/v1/dbs/shop/functions/purchase/call", forPrice, chain, Ann)),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), forPrice.Cid);
        Assert.Equal(position, await PositionAsync());
        var price = Ucans.Invocation(_user, Owner.Did, Commands.FnCall, Resource.Of("shop", fn: "price"), chain, Now);
        Assert.Equal(30, Ucans.Ok(await AskAsync(Ucans.Invoke(HttpMethod.Post, "/v1/dbs/shop/functions/price/call", price, chain, """{ "item": "cat" }""")))
            .GetProperty("result").GetInt64());
    }

    /// <summary>One chain carries one command, so this definer holds <c>/</c> narrowed by its policy to
    /// the functions of <c>shop</c> and the collection <c>items</c>: it may define a function that writes
    /// items, never one that writes players or every collection.</summary>
    [Fact]
    public async Task A_definer_cannot_give_a_function_more_than_it_holds()
    {
        var grant = Ucans.Delegate(Owner, _user.Did, Owner.Did, Commands.All, Value.Array([
            Policy("==", ".db", "shop"),
            Value.Array([Value.String("or"), Value.Array([Policy("==", ".coll?", "items"), Policy("like", ".fn?", "*")])]),
        ]), Now.AddDays(1));
        var session = SessionOf(_user, Commands.All);
        Delegation[] chain = [grant];
        const string Source = "function (arg) { db.patch('items', 'cat', [{ op: 'increment', path: 'stock', by: 5 }]); db.patch('players', 'ann', [{ op: 'increment', path: 'credits', by: 5 }]); }";
        long position = await PositionAsync();

        foreach (var role in new[]
        {
            """[ { "cmd": "/doc/write", "collections": ["items", "players"] } ]""",
            """[ { "cmd": "/doc/write", "collections": ["players"] } ]""",
            """[ { "cmd": "/doc/write" } ]""",
            """[ { "cmd": "/doc/write", "collections": ["items"] }, { "cmd": "/doc/read", "collections": ["players"] } ]""",
        })
        {
            var refused = Ucans.Refused(await AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/functions/gift", session, chain, Definition(Source, role))),
                403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), grant.Cid);
            Assert.Contains("'gift'", refused.GetProperty("detail").GetString());
        }
        await (await Admin.GetAsync("/v1/dbs/shop/functions/gift")).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Equal(position, await PositionAsync());

        var defined = Ucans.Ok(await AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/functions/gift", session, chain,
            Definition(Source, """[ { "cmd": "/doc/write", "collections": ["items"] } ]"""))), 201);
        Assert.Equal(_user.Did, defined.GetProperty("definer").GetString());
        // Its role is what it runs with: the write to players is refused when it is called, whoever calls.
        await (await Call("gift", null)).ProblemAsync(403, ErrorCodes.Forbidden);
        Assert.Equal(2, (await DocAsync("items", "cat")).GetProperty("stock").GetInt64());
    }

    private static Value Policy(string op, string selector, string operand) => Value.Array([Value.String(op), Value.String(selector), Value.String(operand)]);
}

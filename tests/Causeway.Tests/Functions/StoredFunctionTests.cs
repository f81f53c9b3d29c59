using Causeway.Errors;
using Causeway.Functions;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Tests.Functions;

/// <summary>Stored functions on an embedded replica: define, call inside one transaction, the API a
/// script sees, errors and limits, and idempotent calls.</summary>
public sealed class StoredFunctionTests : IAsyncLifetime
{
    internal const string Purchase = """
        function (arg) {
          const item = db.get('items', arg.item);
          if (item === null) abort('no_such_item', 'There is no item ' + arg.item + '.');
          const player = db.get('players', arg.player);
          if (player.credits < item.price) abort('too_poor', 'Not enough credits.');
          db.patch('items', arg.item, [{ op: 'increment', path: 'stock', by: -1 }]);
          db.patch('players', arg.player, [{ op: 'increment', path: 'credits', by: -item.price }, { op: 'add', path: 'owns', value: arg.item }]);
          return { paid: item.price, left: player.credits - item.price };
        }
        """;

    internal static readonly FunctionGrant[] PurchaseRole = [new("/doc", ["items", "players"])];

    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("shop");
        await SeedShopAsync(_db, boundedStock: true);
        await _db.DefineFunctionAsync(new FunctionDefinition("purchase", Purchase, PurchaseRole,
            new ArgumentShape(new Dictionary<string, string> { ["item"] = "string", ["player"] = "string" })));
    }

    /// <summary>The shop's schema (stock a counter, bounded at 0 when <paramref name="boundedStock"/>), a cat for 30 and Ann with 100 credits.</summary>
    internal static async Task SeedShopAsync(Database db, bool boundedStock = false)
    {
        string stock = boundedStock ? """{ "kind": "bcounter", "min": 0 }""" : """{ "kind": "counter" }""";
        await db.SetSchemaAsync(SchemaJson.Parse($$"""
            { "collections": {
                "items": { "fields": { "stock": {{stock}} } },
                "players": { "fields": { "credits": { "kind": "counter" }, "owns": { "kind": "awset" } } } } }
            """));
        await db.PutJsonAsync("items", "cat", """{ "price": 30, "stock": 2 }""");
        await db.PutJsonAsync("players", "ann", """{ "credits": 100 }""");
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private static Value Arg(string json) => ValueJson.Parse(json);

    [Fact]
    public async Task A_call_runs_its_writes_as_one_commit_and_answers_its_result()
    {
        long before = _db.Position;
        var call = await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        Assert.Equal(Arg("""{ "paid": 30, "left": 70 }"""), call.Result);
        Assert.NotNull(call.Commit);
        Assert.Equal(before + 1, call.Position);
        Assert.Equal(1L, (await _db.GetAsync("items", "cat"))!["stock"]!.AsInt());
        var ann = (await _db.GetAsync("players", "ann"))!;
        Assert.Equal(70L, ann["credits"]!.AsInt());
        Assert.Equal(Value.Array([Value.String("cat")]), ann["owns"]);
        // The commit records the call: function, caller, argument, result.
        var change = await _db.ChangesAsync(before).FirstAsync();
        var record = change.Documents.Single(d => d.Collection == SystemCollections.Calls);
        var stored = (await _db.GetAsync(SystemCollections.Calls, record.Id))!;
        Assert.Equal("purchase", stored["fn"]!.AsString());
        Assert.Equal(_replica.Did, stored["caller"]!.AsString());
        Assert.Equal(call.Result, stored["result"]);
    }

    [Fact]
    public async Task An_abort_or_a_refused_write_writes_nothing()
    {
        long before = _db.Position;
        var aborted = await Assert.ThrowsAsync<FunctionAbortedException>(() => _db.CallAsync("purchase", Arg("""{ "item": "dog", "player": "ann" }""")));
        Assert.Equal("no_such_item", aborted.Reason);
        Assert.Equal(ErrorCodes.FunctionAborted, aborted.Code);
        await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        // The stock's bound holds inside a function as in any transaction.
        await Assert.ThrowsAnyAsync<CausewayException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }""")));
        Assert.Equal(before + 2, _db.Position);
        Assert.Equal(40L, (await _db.GetAsync("players", "ann"))!["credits"]!.AsInt());
    }

    [Fact]
    public async Task The_argument_is_checked_against_its_shape_before_the_function_runs()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _db.CallAsync("purchase", Arg("""{ "item": 5, "player": "ann" }""")));
        Assert.Contains("'item' as string", e.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat" }""")));
        await Assert.ThrowsAsync<InvalidInputException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann", "extra": 1 }""")));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.CallAsync("nothing", Value.Null));
    }

    [Fact]
    public async Task A_function_cannot_reach_outside_its_role()
    {
        await _db.DefineFunctionAsync(new FunctionDefinition("sneak", "function (a) { db.put('admins', 'me', { root: true }); }", PurchaseRole));
        var e = await Assert.ThrowsAsync<ForbiddenException>(() => _db.CallAsync("sneak", Value.Null));
        Assert.Contains("may not write collection 'admins'", e.Message);
        await _db.DefineFunctionAsync(new FunctionDefinition("peek", "function (a) { return db.get('admins', 'me'); }", [new FunctionGrant("/doc/write", ["items"])]));
        await Assert.ThrowsAsync<ForbiddenException>(() => _db.CallAsync("peek", Value.Null));
        await _db.DefineFunctionAsync(new FunctionDefinition("system", "function (a) { db.put('_functions', 'x', { source: 'y' }); }", [new FunctionGrant("/doc")]));
        await Assert.ThrowsAsync<ForbiddenException>(() => _db.CallAsync("system", Value.Null));
        Assert.Null(await _db.GetAsync("admins", "me"));
    }

    [Fact]
    public async Task Queries_creates_and_deletes_work_inside_a_function()
    {
        await _db.DefineFunctionAsync(new FunctionDefinition("restock", """
            function (arg) {
              const page = db.query({ collection: 'items', where: { path: 'price', lt: 100 } });
              const id = db.create('orders', { items: page.docs.map(d => d._id), at: Date.now() });
              db.put('log', 'last', { order: id });
              db.delete('log', 'last');
              return { id, count: page.docs.length };
            }
            """, [new FunctionGrant("/doc")]));
        var call = await _db.CallAsync("restock", Value.Null);
        string id = call.Result.Get("id")!.AsString();
        Assert.Equal(1L, call.Result.Get("count")!.AsInt());
        var order = (await _db.GetAsync("orders", id))!;
        Assert.Equal(Value.Array([Value.String("cat")]), order["items"]);
        Assert.Null(await _db.GetAsync("log", "last"));
    }

    [Fact]
    public async Task A_read_only_call_makes_no_commit()
    {
        await _db.DefineFunctionAsync(new FunctionDefinition("price", "function (arg) { return db.get('items', arg.item).price * 2; }", [new FunctionGrant("/doc/read", ["items"])]));
        long before = _db.Position;
        var call = await _db.CallAsync("price", Arg("""{ "item": "cat" }"""));
        Assert.Equal(Value.Int(60), call.Result);
        Assert.Null(call.Commit);
        Assert.Equal(before, _db.Position);
    }

    [Fact]
    public async Task Script_errors_and_limits_fail_with_clear_codes_and_write_nothing()
    {
        await _db.Functions.SetLimitsAsync(FunctionLimits.Default with { Timeout = TimeSpan.FromSeconds(30), Statements = 100_000, MemoryBytes = 4_000_000 });
        long before = _db.Position;
        async Task<FunctionException> Fails(string source)
        {
            await _db.DefineFunctionAsync(new FunctionDefinition("bad", source, [new FunctionGrant("/doc")]));
            long at = _db.Position;
            var e = await Assert.ThrowsAnyAsync<FunctionException>(() => _db.CallAsync("bad", Value.Null));
            Assert.Equal(at, _db.Position);
            return e;
        }
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { db.put('x', 'y', { a: 1 }); while (true) {} }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function f() { return f(); }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { const a = []; for (;;) a.push('xxxxxxxxxxxxxxxx' + a.length); }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { return new Array(1e9); }")).Code);
        var error = await Fails("function () {\n  const o = null;\n  return o.x;\n}");
        Assert.Equal(ErrorCodes.FunctionError, error.Code);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("42", (await Fails("function () { throw 42; }")).Message);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { return eval('1'); }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { return new Function('return 1')(); }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { return System.IO.File; }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { const a = {}; a.self = a; return a; }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { return db.drop(); }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { undeclared = 1; }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { return 'x'.repeat(2000000); }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { const s = 'x'.repeat(2 ** 28); return s.length; }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { return 'x'.padStart(2 ** 28).length; }")).Code);
        Assert.Equal(ErrorCodes.FunctionError, (await Fails("function () { return function () {}; }")).Code);
        var misuse = await Fails("function () {\n  db.patch('items', 'cat', [{ op: 'increment', path: 'price', by: 1 }]);\n}");
        Assert.Equal(ErrorCodes.FunctionError, misuse.Code);
        Assert.StartsWith("Function 'bad' called db.patch wrongly at line 2: Cannot increment 'price'", misuse.Message);
        Assert.Contains("wrongly at line 1: Document id", (await Fails("function () { return db.get('items', 'no spaces'); }")).Message);
        Assert.Contains("null", (await Fails("function () { throw null; }")).Message);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { const o = { get x() { return this.x; } }; return o; }")).Code);
        Assert.Equal(ErrorCodes.FunctionLimit, (await Fails("function () { return /(a+)+$/.test('a'.repeat(40) + '!'); }")).Code);
        await _db.Functions.SetLimitsAsync(FunctionLimits.Default with { Timeout = TimeSpan.FromMilliseconds(100), Statements = 1_000_000_000 });
        Assert.Equal(ErrorCodes.FunctionTimeout, (await Fails("function () { while (true) {} }")).Code);
    }

    [Fact]
    public async Task A_source_that_does_not_compile_or_give_a_function_is_refused_at_definition()
    {
        var e = await Assert.ThrowsAsync<FunctionException>(() => _db.DefineFunctionAsync(new FunctionDefinition("broken", "function (a) {\n  return ; ) }", [])));
        Assert.Equal(ErrorCodes.FunctionError, e.Code);
        Assert.StartsWith("Function 'broken' does not compile at line 2: Unexpected token", e.Message);
        await Assert.ThrowsAsync<FunctionException>(() => _db.DefineFunctionAsync(new FunctionDefinition("number", "42", [])));
        await Assert.ThrowsAsync<FunctionException>(() => _db.DefineFunctionAsync(new FunctionDefinition("spin", "(function () { while (true) {} })()", [])));
        var deep = "function () { return " + new string('(', 100_000) + "1" + new string(')', 100_000) + "; }";
        Assert.Equal("Function 'deep' does not compile: its source is nested too deeply.", (await Assert.ThrowsAsync<FunctionException>(() => _db.DefineFunctionAsync(new FunctionDefinition("deep", deep, [])))).Message);
        Assert.Null(await _db.GetFunctionAsync("broken"));
        Assert.Null(await _db.GetFunctionAsync("deep"));
    }

    [Fact]
    public async Task Time_and_randomness_are_fixed_per_call_and_recorded()
    {
        await _db.DefineFunctionAsync(new FunctionDefinition("dice", "function () { db.put('rolls', 'r', { a: Math.random() }); return [Date.now(), Date.now(), Math.random(), Math.random(), new Date().getTime()]; }", [new FunctionGrant("/doc/write", ["rolls"])]));
        var call = await _db.CallAsync("dice", Value.Null);
        var r = call.Result.AsArray();
        Assert.Equal(r[0], r[1]);
        Assert.Equal(r[0], r[4]);
        Assert.NotEqual(r[2], r[3]);
        var change = await _db.ChangesAsync(call.Position - 1).FirstAsync();
        var record = (await _db.GetAsync(SystemCollections.Calls, change.Documents.Single(d => d.Collection == SystemCollections.Calls).Id))!;
        Assert.Equal(r[0].AsInt(), record["time"]!.AsTimestamp().ToUnixTimeMilliseconds());
        // The same clock and seed give the same numbers.
        var clock = new CallClock(record["time"]!.AsTimestamp(), record["seed"]!.AsInt());
        double first = clock.NextDouble();
        Assert.Equal((await _db.GetAsync("rolls", "r"))!["a"]!.AsDouble(), first);
        Assert.Equal(r[2].AsDouble(), clock.NextDouble());
    }

    [Fact]
    public async Task An_idempotency_key_answers_retries_with_the_first_result()
    {
        var options = new CallOptions("order-1");
        var first = await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), options);
        long position = _db.Position;
        var again = await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), options);
        Assert.True(again.Replayed);
        Assert.Equal(first.Result, again.Result);
        Assert.Equal(first.Commit, again.Commit);
        Assert.Equal(position, _db.Position);
        Assert.Equal(70L, (await _db.GetAsync("players", "ann"))!["credits"]!.AsInt());
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "bob" }"""), options));
        await Assert.ThrowsAsync<InvalidInputException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("no spaces")));
    }

    [Fact]
    public async Task Concurrent_calls_with_one_key_run_once()
    {
        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("same")))));
        Assert.Single(calls, c => !c.Replayed);
        Assert.All(calls, c => Assert.Equal(calls[0].Result, c.Result));
        Assert.Single(calls.Select(c => c.Commit).Distinct());
        Assert.Equal(1L, (await _db.GetAsync("items", "cat"))!["stock"]!.AsInt());
    }

    [Fact]
    public async Task A_key_used_again_after_its_record_expires_makes_a_new_call_that_its_retries_answer()
    {
        long now = 1_800_000_000_000;
        await using var replica = Replica.OpenInMemory(new ReplicaOptions { PhysicalClock = () => Interlocked.Read(ref now) });
        var db = await replica.CreateDatabaseAsync("clock");
        await db.DefineFunctionAsync(new FunctionDefinition("stamp", "function () { return Date.now(); }", []));
        var options = new CallOptions("k-1");
        var first = await db.CallAsync("stamp", Value.Null, options);
        Assert.True((await db.CallAsync("stamp", Value.Null, options)).Replayed);
        Interlocked.Add(ref now, (long)(FunctionLimits.Default.IdempotencyRetention + TimeSpan.FromMinutes(1)).TotalMilliseconds);
        // The expired record (just read by the retry above) is replaced by the new call's, which the next retry answers.
        var second = await db.CallAsync("stamp", Value.Null, options);
        Assert.False(second.Replayed);
        Assert.NotEqual(first.Result, second.Result);
        var retry = await db.CallAsync("stamp", Value.Null, options);
        Assert.True(retry.Replayed);
        Assert.Equal(second.Result, retry.Result);
        Assert.Equal(second.Commit, retry.Commit);
    }

    [Fact]
    public async Task A_replaced_function_runs_as_replaced_from_its_next_call()
    {
        await _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        // The same name, now read-only and with another source: the next call sees both.
        await _db.DefineFunctionAsync(new FunctionDefinition("purchase", "function (arg) { db.patch('items', arg.item, [{ op: 'increment', path: 'stock', by: -1 }]); return 'v2'; }",
            [new FunctionGrant("/doc/read", ["items"])]));
        await Assert.ThrowsAsync<ForbiddenException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat" }""")));
        await _db.DefineFunctionAsync(new FunctionDefinition("purchase", "function (arg) { return 'v3 ' + db.get('items', arg.item).stock; }", [new FunctionGrant("/doc/read", ["items"])]));
        Assert.Equal(Value.String("v3 1"), (await _db.CallAsync("purchase", Arg("""{ "item": "cat" }"""))).Result);
    }

    [Fact]
    public async Task Functions_are_listed_read_and_deleted()
    {
        var info = (await _db.GetFunctionAsync("purchase"))!;
        Assert.Equal(PurchaseRole, info.Definition.Role);
        Assert.Equal(_replica.Did, info.Definer);
        Assert.Equal(["purchase"], (await _db.ListFunctionsAsync()).Select(f => f.Name));
        await _db.DefineFunctionAsync(info.Definition with { });   // a new version, in the function's history like any document's
        var history = await _db.HistoryAsync(SystemCollections.Functions, "purchase");
        Assert.Equal(2, history.Count);
        Assert.Equal(info.Commit, history[0].Commit);
        await _db.DeleteFunctionAsync("purchase");
        Assert.Null(await _db.GetFunctionAsync("purchase"));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.DeleteFunctionAsync("purchase"));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }""")));
    }
}

using Causeway.Client;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Tests.Http;
using Causeway.Values;

namespace Causeway.Tests.Client;

/// <summary>The same failing call on an embedded database and on a remote one, side by side: the
/// exception type, the code and the message (the one line meant for a person) are the same.</summary>
public sealed class SameErrorsOnBothSidesTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private ServerFixture _server = null!;
    private CausewayClient _client = null!;
    private IDocumentDatabase _embedded = null!;
    private IDocumentDatabase _remote = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _server = await ServerFixture.StartAsync();
        _client = _server.CreateClient();
        _embedded = await _replica.CreateDatabaseAsync("shop");
        _remote = await _client.CreateDatabaseAsync("shop");
        foreach (var db in new[] { _embedded, _remote })
        {
            await db.PutJsonAsync("p", "1", """{"name": "lamp", "n": 1}""");
            await db.PatchAsync("p", "1", FieldOp.Add("tags", Value.String("a")));
            await db.DefineFunctionAsync(new FunctionDefinition("echo", "function (a) { return a; }", [], new ArgumentShape(new Dictionary<string, string> { ["n"] = "integer" })));
            await db.DefineFunctionAsync(new FunctionDefinition("throws", "function (a) {\n  throw new Error('boom');\n}", []));
            await db.DefineFunctionAsync(new FunctionDefinition("aborts", "function (a) { abort('too_poor', 'Not enough credits: ' + a + '.'); }", []));
            await db.DefineFunctionAsync(new FunctionDefinition("deep", "function f(a) { return f(a); }", []));
            await db.CallAsync("echo", ValueJson.Parse("""{"n": 1}"""), new CallOptions("k1"));
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _replica.DisposeAsync();
    }

    public static TheoryData<string> Calls => [.. FailingCalls.Keys];

    private static readonly Dictionary<string, Func<IDocumentDatabase, Task>> FailingCalls = new()
    {
        ["patch a missing document"] = db => db.PatchAsync("p", "missing", FieldOp.Set("a", Value.Int(1))),
        ["delete a missing document"] = db => db.DeleteAsync("p", "missing"),
        ["increment a set"] = db => db.PatchAsync("p", "1", FieldOp.Increment("tags", 1)),
        ["set below a plain value"] = db => db.PatchAsync("p", "1", FieldOp.Set("n.deeper", Value.Int(2))),
        ["add to a plain value"] = db => db.PatchAsync("p", "1", FieldOp.Add("name", Value.Int(2))),
        ["bad collection"] = db => db.PutAsync("no spaces", "d", Value.EmptyMap),
        ["bad id"] = db => db.GetAsync("p", "a/b"),
        ["too long id"] = db => db.HistoryAsync("p", new string('x', 257)),
        ["position in the future"] = db => db.GetAsync("p", "1", ReadPoint.AtPosition(99)),
        ["commit not in the database"] = db => db.HistoryAsync("p", "1", ReadPoint.AtCommit(Cid.ForDagCbor([0xa0]))),
        ["empty patch"] = db => db.PatchAsync("p", "1", Array.Empty<FieldOp>(), CancellationToken.None),
        ["document that is not an object"] = db => db.PutAsync("p", "2", Value.Int(5)),
        ["empty field name"] = db => db.PutAsync("p", "2", Value.Map([new("a", Value.Map([new("", Value.Int(1))]))])),
        ["empty transaction"] = db => db.TransactAsync(_ => { }),
        ["transaction patching a missing document"] = db => db.TransactAsync(tx => { tx.Put("p", "3", Value.EmptyMap); tx.Patch("p", "missing", FieldOp.Set("a", Value.Int(1))); }),
        ["transaction with a type mismatch"] = db => db.TransactAsync(tx => tx.Patch("p", "1", FieldOp.Increment("name", 1))),
        ["delete required to exist, of a missing document"] = db => db.DeleteAsync("p", "missing", WriteCondition.IfExists),
        ["patch at a version, of a missing document"] = db => db.PatchAsync("p", "missing", WriteCondition.IfVersion(Cid.ForDagCbor([0xa0])), FieldOp.Set("a", Value.Int(1))),
        ["put at one of two versions, of a missing document"] = db => db.PutAsync("p", "missing", Value.EmptyMap, WriteCondition.IfVersion(Cid.ForDagCbor([0xa0]), Cid.ForDagCbor([0x80]))),
        ["create-only delete"] = db => db.DeleteAsync("p", "1", WriteCondition.IfAbsent),
        ["create-only patch"] = db => db.PatchAsync("p", "1", WriteCondition.IfAbsent, FieldOp.Set("a", Value.Int(1))),
        ["changes beyond the end"] = async db => await db.ChangesAsync(since: 99).ToListAsync(),
        ["changes before the start"] = async db => await db.ChangesAsync(since: -1).ToListAsync(),
        ["call an unknown function"] = db => db.CallAsync("nothing", Value.Null),
        ["call a bad function name"] = db => db.CallAsync("no spaces", Value.Null),
        ["call with an argument of the wrong type"] = db => db.CallAsync("echo", ValueJson.Parse("""{"n": "one"}""")),
        ["call with an argument the shape does not name"] = db => db.CallAsync<System.Text.Json.JsonElement>("echo", new { n = 1, m = 2 }),
        ["call with no argument where one is needed"] = db => db.CallAsync("echo", Value.Null),
        ["call a function that throws"] = db => db.CallAsync("throws", Value.Null),
        ["call a function that aborts"] = db => db.CallAsync("aborts", Value.Int(3)),
        ["call a function past its recursion limit"] = db => db.CallAsync("deep", Value.Null),
        ["reuse an idempotency key with another argument"] = db => db.CallAsync("echo", ValueJson.Parse("""{"n": 2}"""), new CallOptions("k1")),
        ["reuse an idempotency key for another function"] = db => db.CallAsync("throws", Value.Null, new CallOptions("k1")),
        ["call with a bad idempotency key"] = db => db.CallAsync("echo", ValueJson.Parse("""{"n": 2}"""), new CallOptions("a/b")),
        ["define a source that does not compile"] = db => db.DefineFunctionAsync(new FunctionDefinition("broken", "function (a) { return ; ) }", [])),
        ["define a source that is not a function"] = db => db.DefineFunctionAsync(new FunctionDefinition("number", "42", [])),
        ["delete a missing function"] = db => db.DeleteFunctionAsync("nothing"),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Same_type_code_and_message(string call)
    {
        var embedded = await Assert.ThrowsAnyAsync<CausewayException>(() => FailingCalls[call](_embedded));
        var remote = await Assert.ThrowsAnyAsync<CausewayException>(() => FailingCalls[call](_remote));
        Assert.Equal(embedded.GetType(), remote.GetType());
        Assert.Equal(embedded.Code, remote.Code);
        Assert.Equal(embedded.Message, remote.Message);
        if (embedded is FunctionAbortedException aborted) Assert.Equal(aborted.Reason, ((FunctionAbortedException)remote).Reason);
        Assert.Equal((await _embedded.InfoAsync()).Position, (await _remote.InfoAsync()).Position);
    }
}

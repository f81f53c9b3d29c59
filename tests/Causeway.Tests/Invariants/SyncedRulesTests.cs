using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Tests.Invariants;

/// <summary>Synced commits are held to the schema too: a replica running a modified program (here, a
/// commit signed by hand with no schema in its editor) cannot write a field of another kind, a value
/// of another type, part of a check's group, or values a check forbids; honest synced writes pass.</summary>
public sealed class SyncedRulesTests
{
    private const string Items = """
        { "collections": { "items": {
            "fields": { "price": { "type": "number" }, "discounted_price": { "type": "number" }, "name": { "type": "string" },
                        "stock": { "kind": "counter" } },
            "checks": [ { "name": "discount_below_price", "expr": "discounted_price > 0 and price > discounted_price" } ] } } }
        """;

    [Theory]
    [InlineData("""{"name": 5}""", "must be a string")]
    [InlineData("""{"stock": 3}""", "declared counter")]
    [InlineData("""{"price": 10}""", "not 'discounted_price'")]
    [InlineData("""{"price": 10, "discounted_price": 12}""", "breaks check 'discount_below_price'")]
    public async Task A_commit_that_breaks_the_schema_is_refused_when_synced(string document, string why)
    {
        await using var pair = await TwoReplicas.StartAsync(Items);
        await pair.A.PutAsync("items", "ok", Doc.Of("""{"price": 20, "discounted_price": 10, "name": "fox", "stock": 1}"""));
        await pair.SyncAsync();
        long before = pair.B.Position;

        var forged = Forge(pair.ReplicaA, pair.B, "items", "bad", Doc.Of(document));
        var refused = await Assert.ThrowsAsync<InvalidCommitException>(() => pair.B.ApplyAsync([forged]));
        Assert.Contains(why, refused.Message);
        Assert.Equal(before, pair.B.Position);
        Assert.Null(await pair.B.GetAsync("items", "bad"));
        Assert.NotNull(await pair.B.GetAsync("items", "ok"));
    }

    [Fact]
    public async Task Honest_writes_of_every_kind_sync_through_the_checks()
    {
        await using var pair = await TwoReplicas.StartAsync(Items);
        await pair.A.PutAsync("items", "i", Doc.Of("""{"price": 20, "discounted_price": 10, "name": "fox", "stock": 5}"""));
        await pair.A.PatchAsync("items", "i", FieldOp.Set("price", Value.Int(12)), FieldOp.Increment("stock", -2));
        await pair.A.PatchAsync("items", "i", FieldOp.Set("name", Value.String("red fox")));
        await pair.A.DeleteAsync("items", "i");
        await pair.A.PutAsync("items", "j", Doc.Of("""{"price": 3, "discounted_price": 1}"""));
        Assert.Equal(5, (await pair.A.SyncWithAsync(pair.B)).Sent);
        Assert.Equal(3, (await pair.B.GetAsync("items", "j"))!.Fields.Get("price")!.AsInt());
    }

    /// <summary>A commit by <paramref name="signer"/> as the next one <paramref name="receiver"/> expects,
    /// made by an editor that knows no schema.</summary>
    private static RemoteCommit Forge(Replica signer, Database receiver, string collection, string id, Value document)
    {
        var time = Causeway.Clocks.HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
        long seq = receiver.Runtime.Record.Clock.Get(signer.Did) + 1;
        var context = new EffectContext(signer.Did, seq, time);
        var editor = new DocumentEditor(new DocumentState(), context);
        editor.Apply(new DocumentIntent.Put(document), $"{collection}/{id}");
        var op = DocumentOp.Create(collection, id, editor.Effects, context, new DagCborWriter());
        return new RemoteCommit(Commit.Create(receiver.Name, signer.Identity, seq, time, receiver.Runtime.Record.Heads, [op.Cid]), [op.Block]);
    }
}

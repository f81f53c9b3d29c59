using Causeway.Errors;
using Causeway.Functions;
using Causeway.Tests.Invariants;
using Causeway.Values;

namespace Causeway.Tests.Functions;

/// <summary>A call is a transaction like any other for bounded counters: short of rights it fails
/// with insufficient_rights and writes nothing, and inside a wait for rights it runs again, on a fresh
/// snapshot, once a connected peer has transferred them.</summary>
public sealed class FunctionRightsTests
{
    [Fact]
    public async Task A_call_short_of_rights_waits_for_a_transfer_when_asked_to()
    {
        await using var pair = await TwoReplicas.StartAsync("""{ "collections": { "players": { "fields": { "credits": { "kind": "bcounter", "min": 0 } } } } }""");
        await pair.A.PutAsync("players", "p", Doc.Of("""{ "credits": 100 }"""));   // A holds the rights to spend them
        await pair.A.DefineFunctionAsync(new FunctionDefinition("spend", """
            function (arg) {
              const p = db.get('players', 'p');
              db.patch('players', 'p', [{ op: 'increment', path: 'credits', by: -arg.amount }]);
              return p.credits - arg.amount;
            }
            """, [new FunctionGrant("/doc", ["players"])]));
        await pair.SyncAsync();
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => pair.A.Peers.List().Any(p => p.State == "live"));

        // The refused call writes nothing: B makes no commit of its own (the live link may still bring
        // A's, so B's position alone would not say so), and the credits it sees are unchanged.
        long ownBefore = (await pair.B.InfoAsync()).Clock.GetValueOrDefault(pair.ReplicaB.Did);
        await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.CallAsync("spend", Doc.Of("""{ "amount": 10 }""")));
        Assert.Equal(ownBefore, (await pair.B.InfoAsync()).Clock.GetValueOrDefault(pair.ReplicaB.Did));
        Assert.Equal(100, (await pair.B.GetAsync("players", "p"))!["credits"]!.AsInt());
        CallResult call;
        using (Database.WaitingForRights(TimeSpan.FromSeconds(10)))
            call = await pair.B.CallAsync("spend", Doc.Of("""{ "amount": 40 }"""));
        Assert.Equal(Value.Int(60), call.Result);
        await Eventually.TrueAsync(async () => (await pair.A.GetAsync("players", "p"))!["credits"]!.AsInt() == 60);
    }
}

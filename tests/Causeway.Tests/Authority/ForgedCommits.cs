using Causeway.Encoding;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>Commits a replica running a modified program would send: validly signed, but made
/// without any of the engine's checks.</summary>
internal static class ForgedCommits
{
    /// <summary>Signs a commit as <paramref name="signer"/> would if its program skipped every check,
    /// as the next commit <paramref name="receiver"/> expects from it, shipped with the signer's proofs.</summary>
    public static RemoteCommit Make(Replica signer, Database signerDb, Database receiver, string collection, string id, CommitCapability? capability, DateTimeOffset? time = null)
    {
        var clock = Causeway.Clocks.HlcTimestamp.FromParts((time ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(), 0);
        long seq = receiver.Runtime.Record.Clock.Get(signer.Did) + 1;
        var context = new Causeway.Documents.EffectContext(signer.Did, seq, clock);
        var editor = new Causeway.Documents.DocumentEditor(new Causeway.Documents.DocumentState(), context);
        editor.Apply(new Causeway.Documents.DocumentIntent.Put(Value.Map([new("n", Value.Int(7))])), $"{collection}/{id}");
        var op = DocumentOp.Create(collection, id, editor.Effects, context, new DagCborWriter());
        var commit = Commit.Create("shop", signer.Identity, seq, clock, receiver.Runtime.Record.Heads, [op.Cid], capability);
        var proofs = signer.Authority.Of(signerDb.Runtime).OwnProofs.Select(p => signer.Authority.Find(p)!.Bytes.ToArray());
        return new RemoteCommit(commit, [op.Block]) { ProofBlocks = [.. proofs] };
    }

    /// <summary>The same, with chosen parents (to place it after, or beside, other commits).</summary>
    public static RemoteCommit After(Replica signer, Database signerDb, long seq, IReadOnlyList<Cid> parents, string collection, string id, CommitCapability? capability)
    {
        var clock = Causeway.Clocks.HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
        var context = new Causeway.Documents.EffectContext(signer.Did, seq, clock);
        var editor = new Causeway.Documents.DocumentEditor(new Causeway.Documents.DocumentState(), context);
        editor.Apply(new Causeway.Documents.DocumentIntent.Put(Value.Map([new("n", Value.Int(8))])), $"{collection}/{id}");
        var op = DocumentOp.Create(collection, id, editor.Effects, context, new DagCborWriter());
        var commit = Commit.Create(signerDb.Name, signer.Identity, seq, clock, parents, [op.Cid], capability);
        var proofs = signer.Authority.Of(signerDb.Runtime).OwnProofs.Select(p => signer.Authority.Find(p)!.Bytes.ToArray());
        return new RemoteCommit(commit, [op.Block]) { ProofBlocks = [.. proofs] };
    }
}

using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Security;

namespace Causeway.Tests.Ledger;

public sealed class CommitTests
{
    private static readonly Cid Op1 = Cid.ForDagCbor([0xA0]);
    private static readonly Cid Parent = Cid.ForDagCbor([0x80]);

    [Fact]
    public void A_commit_round_trips_and_its_signature_verifies()
    {
        using var identity = ReplicaIdentity.CreateEphemeral();
        var commit = Commit.Create("acme.shop", identity, 7, HlcTimestamp.FromParts(1_700_000_000_000, 3), [Parent], [Op1]);
        var decoded = Commit.Decode(commit.Block);
        Assert.Equal(commit.Id, decoded.Id);
        Assert.Equal("acme.shop", decoded.Database);
        Assert.Equal(identity.Did, decoded.Origin);
        Assert.Equal(7, decoded.Seq);
        Assert.Equal(commit.Time, decoded.Time);
        Assert.Equal([Parent], decoded.Parents);
        Assert.Equal([Op1], decoded.Ops);
        Assert.Null(decoded.Capability);
        Assert.True(decoded.HasValidSignature());
        Assert.StartsWith("bafyrei", commit.Id.ToString());
    }

    [Fact]
    public void A_commit_signed_by_another_key_does_not_verify()
    {
        using var victim = ReplicaIdentity.CreateEphemeral();
        using var attacker = ReplicaIdentity.CreateEphemeral();
        var honest = Commit.Create("db", victim, 1, HlcTimestamp.FromParts(1, 0), [], [Op1]);
        var forged = Forge(honest, attacker);
        Assert.Equal(victim.Did, Commit.Decode(forged).Origin);
        Assert.False(Commit.Decode(forged).HasValidSignature());
    }

    [Fact]
    public void Non_canonical_or_misshapen_blocks_are_refused()
    {
        using var identity = ReplicaIdentity.CreateEphemeral();
        var block = Commit.Create("db", identity, 1, HlcTimestamp.FromParts(1, 0), [], [Op1]).Block;
        // An indefinite-length map header in place of the definite one.
        var indefinite = (byte[])block.Clone();
        indefinite[0] = 0xBF;
        Assert.Throws<NonCanonicalCborException>(() => Commit.Decode(indefinite));
        Assert.Throws<NonCanonicalCborException>(() => Commit.Decode([.. block, 0x00]));
        Assert.Throws<InvalidCommitException>(() => Commit.Decode(DagCbor.Encode(IpldNode.Map(("v", IpldNode.Integer(1))))));
    }

    /// <summary>Re-signs a commit's content with another key while keeping the origin field.</summary>
    internal static byte[] Forge(Commit honest, ReplicaIdentity attacker)
    {
        var node = (IpldMap)DagCbor.Decode(honest.Block);
        var fakeSignature = attacker.Sign(honest.UnsignedBytes());
        return DagCbor.Encode(IpldNode.Map(node.Entries.Select(e => e.Key == "sig" ? new KeyValuePair<string, IpldNode>("sig", IpldNode.Bytes(fakeSignature)) : e)));
    }
}

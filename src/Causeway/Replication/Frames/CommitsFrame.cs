using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Commits in causal order, each with the blocks of its operations and, the first time a
/// frame needs them, the UCAN delegations its capability names (a third item, absent when none).</summary>
public sealed record CommitsFrame(IReadOnlyList<ShippedCommit> Commits) : SyncFrame
{
    internal const string Tag = "commits";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 2);
        w.WriteStartArray(Commits.Count);
        foreach (var commit in Commits)
        {
            w.WriteStartArray(commit.Proofs.Count == 0 ? 2 : 3);
            w.WriteBytes(commit.Block);
            w.WriteStartArray(commit.OpBlocks.Count);
            foreach (var op in commit.OpBlocks)
                if (op is null) w.WriteNull(); else w.WriteBytes(op);
            w.WriteEndArray();
            if (commit.Proofs.Count > 0)
            {
                w.WriteStartArray(commit.Proofs.Count);
                foreach (var proof in commit.Proofs) w.WriteBytes(proof);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    internal static CommitsFrame? Read(DagCborReader r, int length)
    {
        if (length != 2) return null;
        int n = r.ReadStartArray();
        var commits = new ShippedCommit[n];
        for (int i = 0; i < n; i++)
        {
            int items = r.ReadStartArray();
            if (items is not (2 or 3)) throw Refusal.PeerSent("a shipped commit is not [block, [operation blocks], [proofs]?]");
            var block = r.ReadBytes();
            var ops = new byte[]?[r.ReadStartArray()];
            for (int j = 0; j < ops.Length; j++) ops[j] = FrameItems.ReadNull(r) ? null : r.ReadBytes();
            r.ReadEndArray();
            byte[][] proofs = [];
            if (items == 3)
            {
                proofs = new byte[r.ReadStartArray()][];
                for (int j = 0; j < proofs.Length; j++) proofs[j] = r.ReadBytes();
                r.ReadEndArray();
            }
            r.ReadEndArray();
            commits[i] = new ShippedCommit(block, ops) { Proofs = proofs };
        }
        r.ReadEndArray();
        return new CommitsFrame(commits);
    }
}

/// <summary>A commit block and its operation blocks, in the commit's order. A projection has null
/// for the operations the receiver does not hold.</summary>
public sealed record ShippedCommit(byte[] Block, IReadOnlyList<byte[]?> OpBlocks)
{
    /// <summary>Delegations the commit's capability names that this frame has not carried yet.</summary>
    public IReadOnlyList<byte[]> Proofs { get; init; } = [];

    public int ByteSize => Block.Length + OpBlocks.Sum(o => o?.Length ?? 0) + Proofs.Sum(p => p.Length);
}

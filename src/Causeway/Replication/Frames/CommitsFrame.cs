using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Commits in causal order, each with the blocks of its operations.</summary>
public sealed record CommitsFrame(IReadOnlyList<ShippedCommit> Commits) : SyncFrame
{
    internal const string Tag = "commits";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 2);
        w.WriteStartArray(Commits.Count);
        foreach (var commit in Commits)
        {
            w.WriteStartArray(2);
            w.WriteBytes(commit.Block);
            w.WriteStartArray(commit.OpBlocks.Count);
            foreach (var op in commit.OpBlocks)
                if (op is null) w.WriteNull(); else w.WriteBytes(op);
            w.WriteEndArray();
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
            if (r.ReadStartArray() != 2) throw Refusal.PeerSent("a shipped commit is not [block, [operation blocks]]");
            var block = r.ReadBytes();
            var ops = new byte[]?[r.ReadStartArray()];
            for (int j = 0; j < ops.Length; j++) ops[j] = FrameItems.ReadNull(r) ? null : r.ReadBytes();
            r.ReadEndArray();
            r.ReadEndArray();
            commits[i] = new ShippedCommit(block, ops);
        }
        r.ReadEndArray();
        return new CommitsFrame(commits);
    }
}

/// <summary>A commit block and its operation blocks, in the commit's order. A projection has null
/// for the operations the receiver does not hold.</summary>
public sealed record ShippedCommit(byte[] Block, IReadOnlyList<byte[]?> OpBlocks)
{
    public int ByteSize => Block.Length + OpBlocks.Sum(o => o?.Length ?? 0);
}

using Causeway.Encoding;
using Causeway.Storage;

namespace Causeway.Transactions.Stages;

/// <summary>Records each commit's block with its operation blocks, and where the commit of an
/// origin's seq was applied (so sync resumes from a version vector).</summary>
internal sealed class CommitLog : ICommitStage
{
    public void Write(StagedCommit staged, StoreBatch batch, DagCborWriter scratch)
    {
        uint db = staged.Database.Id;
        var opBlocks = new byte[]?[staged.Ops.Length];
        for (int i = 0; i < opBlocks.Length; i++) opBlocks[i] = staged.Ops[i]?.Block;
        batch.Put(StoreLayout.CommitKey(db, staged.Commit.Id.Bytes), new CommitRecord(staged.Commit.Block, opBlocks, staged.Position).Encode(scratch));
        batch.Put(StoreLayout.OriginKey(db, staged.Commit.Origin, staged.Commit.Seq), StoreLayout.EncodePosition(staged.Position));
    }
}

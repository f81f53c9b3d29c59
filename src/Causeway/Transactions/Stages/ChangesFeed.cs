using Causeway.Encoding;
using Causeway.Storage;

namespace Causeway.Transactions.Stages;

/// <summary>Records what happened at each position (the commit, when it was applied here, the
/// documents it touched): the changes feed reads these, and readers following it wake when the
/// database publishes its new position.</summary>
internal sealed class ChangesFeed : ICommitStage
{
    public void Write(StagedCommit staged, StoreBatch batch, DagCborWriter scratch)
        => batch.Put(StoreLayout.PositionKey(staged.Database.Id, staged.Position), new PositionRecord(staged.Commit.Id, staged.AppliedAt, staged.Changed).Encode(scratch));
}

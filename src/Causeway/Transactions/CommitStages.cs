namespace Causeway.Transactions;

/// <summary>The stages of a replica's commit pipeline, in the order they run. A replica registers
/// them when it opens; a new capability that has to check, record or publish something with every
/// commit adds a stage here and touches nothing else.</summary>
internal sealed class CommitStages
{
    private readonly List<ICommitStage> _stages = [];

    /// <summary>The stages every replica has: the commit log, document versions and the changes feed.</summary>
    public static CommitStages Ledger(VersionCache cache) => new CommitStages()
        .Add(new Stages.CommitLog())
        .Add(new Stages.DocumentVersions(cache))
        .Add(new Stages.ChangesFeed());

    public CommitStages Add(ICommitStage stage)
    {
        _stages.Add(stage);
        return this;
    }

    public IReadOnlyList<ICommitStage> All => _stages;
}

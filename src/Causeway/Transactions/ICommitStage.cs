using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Ledger;
using Causeway.Replication;
using Causeway.Storage;

namespace Causeway.Transactions;

/// <summary>A step of the commit pipeline that a capability plugs into, registered when a replica
/// opens (<see cref="CommitStages"/>). The pipeline runs every stage's hooks in registration order:
/// <list type="bullet">
/// <item><see cref="Check"/> while a local transaction is staged, after its effects are prepared
/// against the latest state and before it is sealed; throwing refuses it, and nothing is left behind;</item>
/// <item><see cref="Staged"/> once the group has taken a commit, local or remote;</item>
/// <item><see cref="Write"/> while the group's one atomic batch is built, so a stage's records are
/// durable exactly when the commit is;</item>
/// <item><see cref="Publish"/> after the batch is durable, under the database's publish lock, so a
/// reader sees every stage's effect of a commit or none.</item>
/// </list>
/// Hooks run on the pipeline's threads, one group at a time: they need no locks of their own, and
/// must not block.</summary>
internal interface ICommitStage
{
    void Check(LocalCommit commit) { }

    /// <summary>Checks a commit made elsewhere before the group takes it, with its operations decoded
    /// (null for those a partial replica leaves out); throwing refuses it and the whole import.</summary>
    void CheckRemote(DatabaseRuntime database, RemoteCommit commit, IReadOnlyList<DocumentOp?> ops) { }

    void Staged(StagedCommit commit) { }

    void Write(StagedCommit commit, StoreBatch batch, DagCborWriter scratch) { }

    void Publish(StagedCommit commit) { }
}

/// <summary>A local transaction as <see cref="ICommitStage.Check"/> sees it: its documents, prepared
/// against the latest state, and a view of the rest of the database as the pipeline sees it.</summary>
internal sealed class LocalCommit(DatabaseRuntime database, StagedDocuments documents, Subscription holds, string replica, Clocks.HlcTimestamp time,
    Func<string, IEnumerable<(string Id, DocumentState State)>> collection, Func<string, IEnumerable<(string Id, DocumentState State)>> stagedIn, long position)
{
    /// <summary>The commit's HLC time.</summary>
    public Clocks.HlcTimestamp Time { get; } = time;

    /// <summary>What authorizes the commit, when a stage finds it needs one; the commit block carries it.</summary>
    public Ledger.CommitCapability? Capability { get; set; }

    public DatabaseRuntime Database { get; } = database;

    /// <summary>The position the commit takes if it passes: the commit staged just before it is at <c>Position - 1</c>.</summary>
    public long Position { get; } = position;
    public StagedDocuments Documents { get; } = documents;

    /// <summary>What this replica holds of the database.</summary>
    public Subscription Holds { get; } = holds;

    /// <summary>The replica making the commit.</summary>
    public string Replica { get; } = replica;

    /// <summary>The newest state of every document of a collection: stored, or staged before this commit.</summary>
    public IEnumerable<(string Id, DocumentState State)> Collection(string name) => collection(name);

    /// <summary>The documents of a collection that commits staged before this one changed and the
    /// store does not hold yet: what an index of the store cannot show.</summary>
    public IEnumerable<(string Id, DocumentState State)> StagedIn(string name) => stagedIn(name);
}

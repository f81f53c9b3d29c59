using Causeway.Errors;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>The invariants' stage of the commit pipeline: every local commit is checked against the
/// schema's constraints on the latest state (references, unique values, sequences, bounded
/// counters), and every commit's spending of bounded counters is logged for rebalancing.</summary>
internal sealed class ConstraintChecks(Storage.IKeyValueReader store) : ICommitStage
{
    public void Check(LocalCommit commit)
    {
        var staged = commit.Documents;
        if (staged.Schema.Collections.Count == 0) return;
        var holds = commit.Holds;
        ReferenceRules.Enforce(staged, (collection, path, parentId) =>
        {
            if (!holds.HoldsWhole(collection)) throw holds.NotHeld(commit.Database.Name, collection, null);
            return Naming(commit, collection, path, parentId);
        }, holds.Matches);
        UniqueRules.Enforce(staged, commit.Replica);
        SequenceRules.Enforce(staged, commit.Replica);
        BoundRules.Enforce(staged, commit.Replica);
    }

    /// <summary>The documents of a collection that may name <paramref name="parentId"/> in <paramref name="path"/>:
    /// from the path index (every durable event, so the latest state), and every document the
    /// pipeline has staged but not yet written; without an index, every document of the collection.</summary>
    private IEnumerable<string> Naming(LocalCommit commit, string collection, string path, string parentId)
    {
        var settings = commit.Database.Extension<Queries.Indexes.IndexSettings>();
        if (!settings.Enabled || settings.Lacking(collection).Excludes(path)) return commit.Collection(collection).Select(c => c.Id);
        var index = new Queries.Indexes.IndexReader(store, commit.Database.Id, collection);
        return index.Walk(Queries.Indexes.IndexRange.Equal(path, Values.Value.String(parentId)), long.MaxValue).Select(e => e.Id)
            .Concat(commit.StagedIn(collection).Select(s => s.Id));
    }

    public void CheckRemote(DatabaseRuntime database, Ledger.RemoteCommit remote, IReadOnlyList<Ledger.DocumentOp?> ops)
    {
        // Judged by the schema it was made under, not this replica's newest: every replica judges it alike.
        var schemas = database.Extension<CausalSchemas>();
        schemas.Observe(store, database, remote.Commit, ops);
        if (!schemas.Known) return;
        var schema = schemas.For(store, database, remote.Commit);
        if (schema.Collections.Count == 0) return;
        string where = $"Commit {remote.Commit.Id} (seq {remote.Commit.Seq} of {remote.Commit.Origin})";
        try
        {
            foreach (var op in ops)
                if (op is not null && schema.For(op.Collection) is { } rules) SyncedRules.Enforce(rules, op, where);
        }
        catch (CausewayException e) when (e is SchemaViolationException or ConstraintViolationException)
        {
            // A peer that sends it broke the rules, not the caller: the import is refused like any invalid commit.
            throw new InvalidCommitException(e.Message);
        }
    }

    public void Staged(StagedCommit commit)
    {
        var schemas = commit.Database.Extension<CausalSchemas>();
        // A local schema commit; remote ones were noted when checked.
        if (commit.Ops.Any(op => op?.Collection == Schemas.SystemCollections.Schema)) schemas.Observe(store, commit.Database, commit.Commit, commit.Ops);
        schemas.Taken(commit.Commit);
        var spending = SpendLog.Of(commit.Database);
        foreach (var op in commit.Ops)
            if (op is not null) spending.Observe(op.Collection, op.Id, op.Effects, commit.Commit.Origin);
    }
}

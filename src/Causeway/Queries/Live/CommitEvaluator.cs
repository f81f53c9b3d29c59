using Causeway.Documents;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Queries.Live;

/// <summary>Turns one commit into the deltas of the live queries it changes. It reads each changed
/// document's new version once, and evaluates it only against the subscriptions on its collection
/// that it can affect (<see cref="CollectionQueries.Candidates"/>); the query itself runs again only
/// when a window must be refilled, or when the commit touched what the collection's visibility
/// depends on (a remove-wins parent, the schema).</summary>
internal sealed class CommitEvaluator(StoredDatabase database)
{
    /// <summary>Numbers each document evaluation, across every evaluator (a subscription moves from its
    /// own catch-up evaluator to the dispatcher's), so a stamp left by one is never taken for another's.</summary>
    private static long s_stamp;
    private Schema? _schema;
    private readonly Dictionary<string, HashSet<string>?> _ancestors = new(StringComparer.Ordinal);

    /// <summary>The subscriptions the commit being evaluated touched (kept from commit to commit).</summary>
    private readonly List<LiveSubscription> _touched = [];

    public List<(LiveSubscription Subscription, LiveQueryEvent Event)> Evaluate(long position, LiveRegistry registry)
    {
        List<(LiveSubscription, LiveQueryEvent)>? output = null;
        if (registry.Count == 0) return [];
        var entry = database.PositionEntry(position) ?? throw new CorruptDataException($"Position {position} of database '{database.Name}' is missing.");
        var touched = _touched;
        touched.Clear();

        // What a commit of a parent collection (or of the schema) may hide or show is found by running the query again.
        var schema = database.SchemaAt(position).Schema;
        bool schemaChanged = false;
        foreach (var document in entry.Documents) schemaChanged |= document.Collection == SystemCollections.Schema;
        foreach (var (collection, queries) in registry.Collections)
        {
            if (!schemaChanged && !TouchesAncestors(schema, collection, entry.Documents)) continue;
            foreach (var subscription in queries.All)
                if (subscription.Position < position)
                {
                    Begin(subscription, position, touched);
                    subscription.Rerun = true;
                }
        }

        string? origin = null;
        foreach (var changed in entry.Documents)
        {
            var queries = registry.Of(changed.Collection);
            if (queries is null) continue;
            var now = Read(changed.Collection, changed.Id, position, ref origin);
            long stamp = Interlocked.Increment(ref s_stamp);
            foreach (var subscription in queries.Candidates(changed.Id, now))
            {
                if (subscription.Stamp == stamp || subscription.Position >= position) continue;
                subscription.Stamp = stamp;
                Begin(subscription, position, touched);
                if (!subscription.Rerun) subscription.Window.Apply(changed.Id, subscription.Matching(now));
            }
        }

        foreach (var subscription in touched)
        {
            if (subscription.Rerun || subscription.Window.NeedsRefill)
                subscription.Window.Replace(QueryExecutor.Run(database, subscription.WindowQuery.At(ReadPoint.AtPosition(position)), CancellationToken.None));
            subscription.Rerun = false;
            var (entered, changedDocuments, left, added, removed) = subscription.Window.EndCommit();
            var queries = registry.Of(subscription.Collection)!;
            foreach (var id in added) queries.Hold(subscription, id);
            foreach (var id in removed) queries.Release(subscription, id);
            if (entered.Count == 0 && changedDocuments.Count == 0 && left.Count == 0) continue;
            origin ??= Commit.Decode((database.CommitRecordOf(entry.Commit) ?? throw new CorruptDataException($"Commit {entry.Commit} is missing.")).Block).Origin;
            (output ??= new(touched.Count)).Add((subscription, new LiveQueryEvent(LiveQueryEventKind.Delta, position, entry.Commit, origin, origin == database.ReplicaDid, entered, changedDocuments, left)));
        }
        return output ?? [];
    }

    private static void Begin(LiveSubscription subscription, long position, List<LiveSubscription> touched)
    {
        if (subscription.Commit == position) return;
        subscription.Commit = position;
        subscription.Rerun = false;
        touched.Add(subscription);
    }

    /// <summary>The document as a query sees it at <paramref name="position"/>: null when it is absent,
    /// deleted, hidden by a remove-wins parent, or not held here.</summary>
    private Document? Read(string collection, string id, long position, ref string? origin)
    {
        if (!database.Holds.Matches(collection, id)) return null;
        var version = database.VersionAt(collection, id, position);
        if (version is null) return null;
        if (version.Position == position) origin ??= version.Origin;
        return database.Visible(collection, version, position) ? database.ToDocument(collection, id, version.Value, version) : null;
    }

    /// <summary>Whether the commit touched a collection whose documents a remove-wins reference of
    /// <paramref name="collection"/> (directly or through its parents) depends on.</summary>
    private bool TouchesAncestors(Schema schema, string collection, IReadOnlyList<ChangedDocument> documents)
    {
        if (!ReferenceEquals(schema, _schema))
        {
            _schema = schema;
            _ancestors.Clear();
        }
        if (!_ancestors.TryGetValue(collection, out var ancestors)) _ancestors[collection] = ancestors = Ancestors(schema, collection);
        if (ancestors is null) return false;
        foreach (var document in documents)
            if (ancestors.Contains(document.Collection)) return true;
        return false;
    }

    private static HashSet<string>? Ancestors(Schema schema, string collection)
    {
        if (!Visibility.DependsOnParents(schema, collection)) return null;
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([collection]);
        while (pending.TryPop(out var child))
            foreach (var field in schema.For(child)?.Fields.Values ?? [])
                if (field is { References: { } parent, Policy: ReferencePolicy.RemoveWins } && found.Add(parent)) pending.Push(parent);
        return found;
    }
}

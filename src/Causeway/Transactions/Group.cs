using Causeway.Encoding;

namespace Causeway.Transactions;

/// <summary>One group of requests on its way to disk: what it will write, in order (staged
/// commits and catalog batches), the drafts of the databases it changes, and the document versions
/// it makes, which the next group, staged on top of it, reads.</summary>
internal sealed class Group
{
    private Group? _previous;

    public Group(Group? previous)
    {
        _previous = previous;
        Catalog = new CatalogStage(this, previous?.Catalog);
    }

    public List<object> Plan { get; } = [];
    public Dictionary<DatabaseRuntime, DatabaseDraft> Drafts { get; } = [];
    public Dictionary<(uint, string, string), VersionRecord> Overlay { get; } = [];

    /// <summary>Commits staged in this group, so later ones can name them as parents or skip them as known.</summary>
    public HashSet<(uint Database, Cid Commit)> Committed { get; } = [];

    public bool HasStaged(uint db, Cid commit) => Committed.Contains((db, commit)) || _previous?.Committed.Contains((db, commit)) == true;
    public List<(CommitPipeline.PipelineRequest Request, Action Publish)> Staged { get; } = [];
    public CatalogStage Catalog { get; }

    /// <summary>Completes when the group is persisted or has failed (see <see cref="Durable"/>).</summary>
    public Task? Persisted { get; set; }
    public bool Durable { get; set; }

    /// <summary>This group's draft of a database, started from the group before it if that one changed it.</summary>
    public DatabaseDraft Draft(DatabaseRuntime db)
    {
        if (Drafts.TryGetValue(db, out var draft)) return draft;
        var before = _previous?.Drafts.GetValueOrDefault(db);
        draft = before is null ? db.StartDraft() : new DatabaseDraft(db, before.ToRecord()) { Dropped = before.Dropped };
        Drafts[db] = draft;
        return draft;
    }

    /// <summary>The versions this group and the one before it staged in a collection (this group's win).</summary>
    public Dictionary<string, VersionRecord> InCollection(uint db, string collection)
    {
        var result = new Dictionary<string, VersionRecord>(StringComparer.Ordinal);
        foreach (var overlay in new[] { _previous?.Overlay, Overlay })
            if (overlay is not null)
                foreach (var ((d, c, id), record) in overlay)
                    if (d == db && c == collection) result[id] = record;
        return result;
    }

    public VersionRecord? Find((uint, string, string) key) => Overlay.GetValueOrDefault(key) ?? _previous?.Overlay.GetValueOrDefault(key);

    /// <summary>Once staged, a group no longer needs the one before it (which is durable by the time
    /// this one is written); letting go keeps a busy pipeline from holding every group it ever made.</summary>
    public void StagingDone()
    {
        _previous = null;
        Catalog.StagingDone();
    }

    public void FailAll(Exception error)
    {
        foreach (var (request, _) in Staged) request.Fail(error);
    }
}

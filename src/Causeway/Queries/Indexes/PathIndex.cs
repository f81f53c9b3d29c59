using Causeway.Schemas;
using Causeway.Encoding;
using Causeway.Storage;
using Causeway.Transactions;

namespace Causeway.Queries.Indexes;

/// <summary>The commit-pipeline stage that keeps every database's path index: for each document a
/// commit changes, the entries its new version has and the old one did not appear at the commit's
/// position, and those it lost disappear there. The events go in the commit's own batch, so the index
/// is durable and visible exactly when the commit is, and a writer's next query sees its write.
/// Commits made here, synced or imported all pass through it alike.</summary>
/// <param name="store">Read only to learn whether a collection has any history when a schema declares a compound index on it.</param>
internal sealed class PathIndex(IKeyValueReader store) : ICommitStage
{
    private static readonly HashSet<byte[]> None = new(ByteArrayComparer.Instance);
    private static readonly byte[] AppearedValue = [IndexKeys.Appeared], DisappearedValue = [IndexKeys.Disappeared];

    public void Write(StagedCommit staged, StoreBatch batch, DagCborWriter scratch)
    {
        uint db = staged.Database.Id;
        var settings = staged.Database.Extension<IndexSettings>();
        for (int i = 0; i < staged.Versions.Length; i++)
        {
            var version = staged.Versions[i];
            var op = staged.Ops[version.OpIndex]!;
            // A schema that leaves paths out applies from this commit on; one that takes a path
            // back in, or declares a compound index over existing documents, leaves the index
            // lacking it until the next build.
            if (op.Collection == SystemCollections.Schema && op.Id == SystemCollections.SchemaDocument
                && settings.Changed(staged.Database.Schemas.Of(version).Schema, c => HasHistory(db, c)))
                settings.Partial = true;
            settings.Written(op.Collection);
            if (Changes(IndexKeys.CollectionPrefix(db, op.Collection), op.Id, staged.Previous[i], version, staged.Position, settings.Lacking(op.Collection), batch, settings.Compounds(op.Collection)))
                settings.Capped(op.Collection);
        }
        // A partial index no longer reaches the position, so the replica builds it again when it next opens.
        if (!settings.Partial) batch.Put(StoreLayout.LocalKey(db, IndexKeys.CoverageRecord), StoreLayout.EncodePosition(staged.Position));
    }

    /// <summary>Whether the store holds any version of a document of the collection (deleted ones too).</summary>
    private bool HasHistory(uint db, string collection)
    {
        using var cursor = store.Scan(StoreLayout.CollectionPrefix(db, collection));
        return cursor.Seek(StoreLayout.CollectionPrefix(db, collection));
    }

    /// <summary>The index events of one document going from <paramref name="before"/> to <paramref name="after"/> at <paramref name="position"/>.</summary>
    /// <returns>Whether the new version is over the entry cap.</returns>
    public static bool Changes(byte[] collectionPrefix, string id, VersionRecord? before, VersionRecord after, long position, IndexExclusions excluded, StoreBatch batch, IReadOnlyList<CompoundIndex> compounds)
    {
        if (excluded.Everything) return false;
        var old = StemsOf(before, excluded, compounds);
        var now = StemsOf(after, excluded, compounds);
        foreach (var stem in now)
            if (!old.Contains(stem)) batch.Put(IndexKeys.Key(collectionPrefix, stem, id, position), AppearedValue);
        foreach (var stem in old)
            if (!now.Contains(stem)) batch.Put(IndexKeys.Key(collectionPrefix, stem, id, position), DisappearedValue);
        return now.Contains(IndexEntries.OverflowStem);
    }

    private static HashSet<byte[]> StemsOf(VersionRecord? version, IndexExclusions excluded, IReadOnlyList<CompoundIndex> compounds)
        => version is { State.Exists: true } ? IndexEntries.Of(version.Value, excluded.IsEmpty ? null : excluded, compounds) : None;

    /// <summary>Builds a database's index again from its documents' stored versions, oldest first
    /// per document: the same events the stage wrote as the commits came. Runs before the database
    /// takes commits (when a replica opens a database whose index does not reach its position).</summary>
    public static void Rebuild(IKeyValueStore store, uint db, long position, Schema schema)
    {
        var indexPrefix = IndexKeys.DatabasePrefix(db);
        var end = indexPrefix.ToArray();
        end[^1]++;
        store.Write(new StoreBatch().DeleteRange(indexPrefix, end), durable: false);

        var batch = new StoreBatch();
        var documents = StoreLayout.DocumentsPrefix(db);
        string? collection = null, id = null;
        byte[] collectionPrefix = [];
        var excluded = IndexExclusions.Nothing;
        IReadOnlyList<CompoundIndex> compounds = [];
        var versions = new List<VersionRecord>();
        void Flush()
        {
            // Versions came newest first.
            VersionRecord? before = null;
            for (int i = versions.Count - 1; i >= 0; i--)
            {
                Changes(collectionPrefix, id!, before, versions[i], versions[i].Position, excluded, batch, compounds);
                before = versions[i];
            }
            versions.Clear();
            if (batch.Count >= 20_000)
            {
                store.Write(batch, durable: false);
                batch = new StoreBatch();
            }
        }
        foreach (var (key, value) in store.ScanAll(documents))
        {
            var (c, d) = StoreLayout.VersionDocument(key);
            if (c != collection || d != id)
            {
                if (id is not null) Flush();
                if (c != collection)
                {
                    collectionPrefix = IndexKeys.CollectionPrefix(db, c);
                    excluded = IndexExclusions.Of(schema.For(c)?.Index);
                    compounds = [.. (schema.For(c)?.Index.Compound ?? []).Select(p => new CompoundIndex(p))];
                }
                (collection, id) = (c, d);
            }
            versions.Add(VersionRecord.Decode(value));
        }
        if (id is not null) Flush();
        batch.Put(StoreLayout.LocalKey(db, IndexKeys.CoverageRecord), StoreLayout.EncodePosition(position));
        store.Write(batch, durable: true);
    }

    /// <summary>Whether the index of a database reaches its position (every commit up to it indexed).</summary>
    public static bool Covers(IKeyValueReader store, uint db, long position)
        => position == 0 || store.Get(StoreLayout.LocalKey(db, IndexKeys.CoverageRecord)) is { Length: 8 } bytes && StoreLayout.DecodePosition(bytes) == position;
}

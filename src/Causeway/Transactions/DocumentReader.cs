using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Storage;

namespace Causeway.Transactions;

/// <summary>MVCC reads. Every document version is stored under its position, so a read at position
/// P sees the newest version at or below P, and a snapshot is nothing more than a position.</summary>
internal sealed class DocumentReader(IKeyValueStore store, VersionCache cache)
{
    public IKeyValueReader Store => store;

    /// <summary>The newest version, published or not (the pipeline's view).</summary>
    public VersionRecord? Latest(DatabaseRuntime db, string collection, string id)
        => cache.TryGet(db.Id, collection, id, out var cached) ? cached : ReadStored(db, collection, id, long.MaxValue);

    /// <summary>The newest version at or below <paramref name="position"/>.</summary>
    public VersionRecord? At(DatabaseRuntime db, string collection, string id, long position)
    {
        long published = db.Position;
        if (cache.TryGet(db.Id, collection, id, out var cached) && cached.Position <= position) return cached;
        var record = ReadStored(db, collection, id, position);
        if (record is not null && position >= published) cache.Fill(db, published, collection, id, record);
        return record;
    }

    private VersionRecord? ReadStored(DatabaseRuntime db, string collection, string id, long position)
    {
        var prefix = StoreLayout.VersionPrefix(db.Id, collection, id);
        using var cursor = store.Scan(prefix);
        return cursor.Seek(StoreLayout.VersionKey(prefix, position)) ? VersionRecord.Decode(cursor.Value.ToArray()) : null;
    }

    /// <summary>Every document of a collection as of <paramref name="position"/>, in id order (ordinal):
    /// for each, its newest version at or below the position, deleted ones included (the caller
    /// filters). A document's versions sort newest first, so at most one seek finds that version and
    /// one seek past the document's key prefix skips the rest of its history.</summary>
    /// <remarks>Every version at or below a published position is in the store before that position
    /// is published, so the scan sees all of them; later versions are skipped by their position.</remarks>
    internal IEnumerable<(string Id, VersionRecord Version)> CollectionAt(DatabaseRuntime db, string collection, long position)
    {
        var prefix = StoreLayout.CollectionPrefix(db.Id, collection);
        using var cursor = store.Scan(prefix);
        bool ok = cursor.SeekToFirst();
        while (ok)
        {
            // A version key is the collection prefix, the id, a 0 byte and 8 bytes of inverted position.
            var documentPrefix = cursor.Key[..^8].ToArray();
            if (StoreLayout.VersionPosition(cursor.Key) > position
                && !(cursor.Seek(StoreLayout.VersionKey(documentPrefix, position)) && cursor.Key.StartsWith(documentPrefix)))
            {
                // Every version is newer than the position: the document did not exist yet. The cursor
                // already stands on the next document (or past the end).
                ok = cursor.Valid;
                continue;
            }

            string id = System.Text.Encoding.ASCII.GetString(documentPrefix, prefix.Length, documentPrefix.Length - prefix.Length - 1);
            var version = cache.TryGet(db.Id, collection, id, out var cached) && cached.Position <= position
                ? cached
                : VersionRecord.Decode(cursor.Value.ToArray());

            yield return (id, version);

            // Past the document's versions: its prefix with the closing 0 raised to 1 (ids hold no byte below '-').
            documentPrefix[^1] = 1;
            ok = cursor.Seek(documentPrefix);
        }
    }

    /// <summary>The newest stored version of every document of the database, deleted ones included, in
    /// key order (collection, then id): one seek per document.</summary>
    internal IEnumerable<(string Collection, string Id, VersionRecord Version)> AllLatest(DatabaseRuntime db)
    {
        using var cursor = store.Scan(StoreLayout.DocumentsPrefix(db.Id));
        bool ok = cursor.SeekToFirst();
        while (ok)
        {
            var (collection, id) = StoreLayout.VersionDocument(cursor.Key);
            var version = cache.TryGet(db.Id, collection, id, out var cached) ? cached : VersionRecord.Decode(cursor.Value.ToArray());
            yield return (collection, id, version);
            // Versions sort newest first; past the document's versions: its prefix with the closing 0 raised to 1.
            var next = cursor.Key[..^8].ToArray();
            next[^1] = 1;
            ok = cursor.Seek(next);
        }
    }

    /// <summary>Every version of a document, oldest first.</summary>
    public IEnumerable<VersionRecord> Versions(DatabaseRuntime db, string collection, string id, long upTo)
    {
        foreach (var (key, value) in store.ScanAll(StoreLayout.VersionPrefix(db.Id, collection, id), reverse: true))
        {
            if (StoreLayout.VersionPosition(key) > upTo) yield break;
            yield return VersionRecord.Decode(value);
        }
    }

    /// <summary>A record of this replica's own about the database (<see cref="StoreLayout.LocalKey"/>).</summary>
    public byte[]? Local(DatabaseRuntime db, string name) => store.Get(StoreLayout.LocalKey(db.Id, name));

    /// <summary>Whether the commit is here, without decoding its record.</summary>
    public bool HasCommit(DatabaseRuntime db, Cid commit) => store.Get(StoreLayout.CommitKey(db.Id, commit.Bytes)) is not null;

    public CommitRecord? Commit(DatabaseRuntime db, Cid commit)
        => store.Get(StoreLayout.CommitKey(db.Id, commit.Bytes)) is { } bytes ? CommitRecord.Decode(bytes) : null;

    public PositionRecord? PositionEntry(DatabaseRuntime db, long position)
        => store.Get(StoreLayout.PositionKey(db.Id, position)) is { } bytes ? PositionRecord.Decode(bytes) : null;

    /// <summary>Where the commit <paramref name="seq"/> of <paramref name="origin"/> was applied, if it was.</summary>
    public long? PositionOf(DatabaseRuntime db, string origin, long seq)
        => store.Get(StoreLayout.OriginKey(db.Id, origin, seq)) is { Length: 8 } bytes ? StoreLayout.DecodePosition(bytes) : null;

    /// <summary>Turns a read point into a position no later than what is published.</summary>
    public long Resolve(DatabaseRuntime db, ReadPoint? at)
    {
        long latest = db.Position;
        switch (at)
        {
            case null or ReadPoint.LatestPoint:
                return latest;
            case ReadPoint.PositionPoint p:
                if (p.Position > latest) throw new InvalidInputException(ErrorCodes.InvalidAt, $"Position {p.Position} is in the future: database '{db.Name}' is at {latest}.");
                return p.Position;
            case ReadPoint.CommitPoint c:
                var record = Commit(db, c.Commit);
                if (record is null || record.Position > latest) throw new InvalidInputException(ErrorCodes.InvalidAt, $"Commit {c.Commit} is not in database '{db.Name}'.");
                return record.Position;
            case ReadPoint.TimePoint t:
                return PositionAtTime(db, t.Time, latest);
            default:
                throw new InvalidInputException(ErrorCodes.InvalidAt, "Unknown read point.");
        }
    }

    /// <summary>The last position applied at or before <paramref name="time"/>. Apply times grow with
    /// position (they come from this replica's hybrid clock), so a binary search finds it.</summary>
    private long PositionAtTime(DatabaseRuntime db, DateTimeOffset time, long latest)
    {
        long millis = time.ToUnixTimeMilliseconds();
        long lo = 1, hi = latest, found = 0;
        while (lo <= hi)
        {
            long mid = lo + (hi - lo) / 2;
            var entry = PositionEntry(db, mid) ?? throw new CorruptDataException($"Position {mid} of database '{db.Name}' is missing.");
            if (entry.AppliedAt.Physical <= millis) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}

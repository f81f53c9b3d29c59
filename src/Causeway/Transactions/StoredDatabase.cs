using System.Runtime.CompilerServices;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Transactions;

/// <summary>One database as the layers above the commit pipeline see it: reads at a position, and
/// the one door to the pipeline. Queries, invariants, replication and the public
/// <see cref="Database"/> all work through it, so none of them needs the others.</summary>
internal sealed class StoredDatabase
{
    private readonly DocumentReader _reader;
    private readonly CommitPipeline _pipeline;
    private readonly Action _checkReplicaOpen;

    public StoredDatabase(DatabaseRuntime runtime, DocumentReader reader, CommitPipeline pipeline, string replicaDid, Action checkReplicaOpen)
    {
        Runtime = runtime;
        _reader = reader;
        _pipeline = pipeline;
        ReplicaDid = replicaDid;
        _checkReplicaOpen = checkReplicaOpen;
        runtime.Schemas.Published(reader.Latest(runtime, SystemCollections.Schema, SystemCollections.SchemaDocument));
    }

    public DatabaseRuntime Runtime { get; }
    public string Name => Runtime.Name;

    /// <summary>The replica this database lives on (the origin of its own commits).</summary>
    public string ReplicaDid { get; }

    /// <summary>The last position applied here.</summary>
    public long Position => Runtime.Position;

    /// <summary>What this replica holds of the database: everything, or (a partial replica) some collections.</summary>
    public Subscription Holds => Runtime.Record.Holds;

    public void CheckOpen()
    {
        if (Runtime.Dropped) throw new NotFoundException($"Database '{Name}' was dropped.");
        _checkReplicaOpen();
    }

    // ---- the door to the pipeline ----

    /// <summary>Commits writes made here; completes once the commit is durable and visible.</summary>
    public Task<WriteResult> CommitAsync(IReadOnlyList<DocumentWrites> writes, CancellationToken cancellation)
    {
        CheckOpen();
        return _pipeline.CommitAsync(Runtime, writes, cancellation);
    }

    /// <summary>A write the engine makes for itself (a grant, a reservation), through the same pipeline and checks.</summary>
    public Task<WriteResult> CommitSystemAsync(string collection, string id, DocumentIntent intent, CancellationToken cancellation)
        => CommitAsync([new DocumentWrites(collection, id, [intent])], cancellation);

    /// <summary>Applies commits made elsewhere, verified first; all of them, or none.</summary>
    public Task<ImportResult> ApplyAsync(IReadOnlyList<RemoteCommit> commits, CancellationToken cancellation)
    {
        CheckOpen();
        return _pipeline.ApplyAsync(Runtime, commits, cancellation);
    }

    /// <summary>Writes a record of this replica's own about the database (<see cref="StoreLayout.LocalKey"/>:
    /// never replicated), durably and in order with commits; <paramref name="published"/> runs once it is
    /// durable, before the call completes.</summary>
    public Task PutLocalAsync(string name, byte[] value, Action published, CancellationToken cancellation)
    {
        CheckOpen();
        return _pipeline.RunCatalogAsync(stage =>
        {
            if (Runtime.Dropped) throw new NotFoundException($"Database '{Name}' was dropped.");
            stage.Batch.Put(StoreLayout.LocalKey(Runtime.Id, name), value);
            return published;
        }, cancellation);
    }

    /// <summary>A record of this replica's own about the database, as durably written; null if there is none.</summary>
    public byte[]? LocalRecord(string name) => _reader.Local(Runtime, name);

    /// <summary>The newest stored version of every document, deleted ones included (what a count at open walks).</summary>
    public IEnumerable<(string Collection, string Id, VersionRecord Version)> AllLatest() => _reader.AllLatest(Runtime);

    // ---- the ledger ----

    public bool HasCommit(Cid commit) => _reader.HasCommit(Runtime, commit);

    /// <summary>A commit with its operation blocks, as stored.</summary>
    public CommitRecord? CommitRecordOf(Cid commit) => _reader.Commit(Runtime, commit);

    /// <summary>Where the commit <paramref name="seq"/> of <paramref name="origin"/> was applied here, if it was.</summary>
    public long? PositionOf(string origin, long seq) => _reader.PositionOf(Runtime, origin, seq);

    public PositionRecord? PositionEntry(long position) => _reader.PositionEntry(Runtime, position);

    public long ResolvePosition(ReadPoint? at) => _reader.Resolve(Runtime, at);

    /// <summary>Commits applied after position <paramref name="since"/>, in position order. With
    /// <paramref name="follow"/>, waits for new commits until cancelled.</summary>
    public async IAsyncEnumerable<Change> ChangesAsync(long since, bool follow, [EnumeratorCancellation] CancellationToken cancellation)
    {
        if (since < 0) throw new InvalidInputException(ErrorCodes.InvalidCursor, "'since' is a position ≥ 0.");
        CheckOpen();
        // As the HTTP feed answers: a cursor beyond the end came from somewhere else (another database, a restored copy).
        if (since > Runtime.Position) throw new InvalidInputException(ErrorCodes.InvalidCursor, $"'since' {since} is beyond the database's position {Runtime.Position}.");
        long next = since + 1;
        while (!cancellation.IsCancellationRequested)
        {
            var changed = Runtime.Changed;
            long end = Runtime.Position;
            for (; next <= end; next++)
            {
                var entry = _reader.PositionEntry(Runtime, next) ?? throw new CorruptDataException($"Position {next} of database '{Name}' is missing.");
                var record = _reader.Commit(Runtime, entry.Commit) ?? throw new CorruptDataException($"Commit {entry.Commit} is missing.");
                var commit = Commit.Decode(record.Block);
                yield return new Change(next, entry.Commit, commit.Origin, commit.Time.ToDateTimeOffset(), entry.Documents);
            }
            if (!follow || Runtime.Dropped) yield break;
            await changed.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    public DatabaseInfo Info()
    {
        CheckOpen();
        var record = Runtime.Record;
        return new DatabaseInfo(Name, record.Documents, record.Commits, record.Position, record.Heads,
            record.Clock.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            record.Holds.IsEverything ? null : [.. record.Holds.Selectors!.Select(s => s.ToString())]);
    }

    // ---- documents ----

    public void CheckHeld(string collection, string id)
    {
        var holds = Holds;
        if (!holds.Matches(collection, id)) throw holds.NotHeld(Name, collection, id);
    }

    /// <summary>Every version of a document up to <paramref name="upTo"/>, oldest first.</summary>
    public IReadOnlyList<DocumentVersion> History(string collection, string id, long upTo)
    {
        CheckHeld(collection, id);
        var versions = new List<DocumentVersion>();
        foreach (var version in _reader.Versions(Runtime, collection, id, upTo))
        {
            var record = _reader.Commit(Runtime, version.Commit) ?? throw new CorruptDataException($"Commit {version.Commit} of {collection}/{id} is missing.");
            var commit = Commit.Decode(record.Block);
            var op = DocumentOp.Decode(record.OpBlocks[version.OpIndex] ?? throw new CorruptDataException($"Commit {version.Commit} lacks the operation on {collection}/{id}."), new EffectContext(commit.Origin, commit.Seq, commit.Time));
            versions.Add(new DocumentVersion(version.Position, version.Commit, version.Origin, version.Time.ToDateTimeOffset(), !version.State.Exists, ChangeDescription.Describe(op.Effects)));
        }
        return versions;
    }

    /// <summary>Every stored version of a collection's documents as of <paramref name="position"/>, in id order, deleted ones included.</summary>
    public IEnumerable<(string Id, VersionRecord Version)> VersionsAt(string collection, long position) => _reader.CollectionAt(Runtime, collection, position);

    /// <summary>The live documents of a collection as of <paramref name="position"/>, in id order. A
    /// partial replica that holds only some ids of the collection answers when the caller confines
    /// the ids to prefixes it holds (<paramref name="idPrefixes"/>), and refuses (not_held) otherwise.</summary>
    public IEnumerable<Document> DocumentsAt(string collection, long position, IReadOnlyList<string>? idPrefixes = null)
    {
        var holds = Holds;
        bool whole = CheckQueryable(collection, idPrefixes);
        foreach (var (id, version) in _reader.CollectionAt(Runtime, collection, position))
            if ((whole || holds.Matches(collection, id)) && Visible(collection, version, position)) yield return ToDocument(collection, id, version.Value, version);
    }

    /// <summary>Refuses (not_held) a query a partial replica could answer only in part: one over a
    /// collection it holds some ids of, unless <paramref name="idPrefixes"/> confines the query to ids
    /// it holds. True when it holds the whole collection.</summary>
    public bool CheckQueryable(string collection, IReadOnlyList<string>? idPrefixes)
    {
        var holds = Holds;
        bool whole = holds.HoldsWhole(collection);
        if (!whole && (idPrefixes is null || !idPrefixes.All(p => holds.HoldsPrefix(collection, p)))) throw holds.NotHeld(Name, collection, null);
        return whole;
    }

    /// <summary>A document as a query sees it at <paramref name="position"/>: null when it is absent,
    /// deleted, hidden by a deleted parent, or not held here.</summary>
    public Document? DocumentAt(string collection, string id, long position)
    {
        if (!Holds.Matches(collection, id)) return null;
        var version = _reader.At(Runtime, collection, id, position);
        return version is null || !Visible(collection, version, position) ? null : ToDocument(collection, id, version.Value, version);
    }

    /// <summary>The store, for the layers that keep records of their own in a database's key range (the path index).</summary>
    public Storage.IKeyValueReader Keys => _reader.Store;

    /// <summary>The version of a document as of <paramref name="position"/>, as stored (whether or not this replica holds it).</summary>
    public VersionRecord? VersionAt(string collection, string id, long position) => _reader.At(Runtime, collection, id, position);

    public VersionRecord? ReadVersion(string collection, string id, long position)
    {
        CheckHeld(collection, id);
        return _reader.At(Runtime, collection, id, position);
    }

    public Document? ReadDocument(string collection, string id, long position)
        => VisibleVersion(collection, id, position) is { } version ? ToDocument(collection, id, version.Value, version) : null;

    /// <summary><see cref="ReadDocument"/> as a completed task: one made once per version (with its
    /// document), and one shared by every read that finds nothing.</summary>
    public Task<Document?> ReadDocumentTask(string collection, string id, long position)
    {
        if (VisibleVersion(collection, id, position) is not { } version) return Absent;
        // Its own fields make the version's one shared document, so one task answers every read of it.
        return version.DocumentTask ??= Task.FromResult<Document?>(ToDocument(collection, id, version.Value, version));
    }

    private static readonly Task<Document?> Absent = Task.FromResult<Document?>(null);

    /// <summary>What <see cref="ReadDocument"/> reads, its fields only.</summary>
    public Value? ReadFields(string collection, string id, long position) => VisibleVersion(collection, id, position)?.Value;

    private VersionRecord? VisibleVersion(string collection, string id, long position)
    {
        CheckHeld(collection, id);
        var version = _reader.At(Runtime, collection, id, position);
        return version is null || !Visible(collection, version, position) ? null : version;
    }

    public Document ToDocument(string collection, string id, Value fields, VersionRecord? version)
    {
        if (version is null) return new(collection, id, fields, null, 0, DateTimeOffset.UnixEpoch, ReplicaDid);
        // A cached version's readers share one document for it; other fields (a transaction's own
        // pending write over the version) make their own.
        bool shared = ReferenceEquals(fields, version.Value);
        if (shared && version.Document is { } made) return made;
        var latest = version.Latest;
        var document = new Document(collection, id, fields, latest.Commit, version.Position, latest.Time.ToDateTimeOffset(), latest.Origin);
        if (shared) version.Document = document;
        return document;
    }

    /// <summary>The schema as of <paramref name="position"/>.</summary>
    public SchemaVersion SchemaAt(long position)
    {
        var latest = Runtime.Schemas.Latest;
        if (latest.Commit is null || position >= latest.Position) return latest.Position <= position ? latest : SchemaVersion.None;
        return Runtime.Schemas.Of(_reader.At(Runtime, SystemCollections.Schema, SystemCollections.SchemaDocument, position));
    }

    /// <summary>Whether a stored document can be seen under the schema: it exists, and every parent it
    /// names through a remove-wins reference can be seen too.</summary>
    public bool Visible(string collection, VersionRecord version, long position)
    {
        if (!version.State.Exists) return false;
        var schema = SchemaAt(position).Schema;
        return !Visibility.DependsOnParents(schema, collection) || ParentsVisible(schema, collection, version, position);
    }

    // Apart, so a read whose collection has no such parents makes no closure over the position.
    private bool ParentsVisible(Schema schema, string collection, VersionRecord version, long position)
        => Visibility.IsVisible(schema, collection, version.State, (c, id) => Holds.Matches(c, id) ? _reader.At(Runtime, c, id, position)?.State : Visibility.Unknown);

    /// <summary>A document as written: a map, without the reserved fields a read adds.</summary>
    public static Value CheckDocument(Value document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidJson, "A document is a JSON object.");
        // The reserved top-level fields come back on every read; accept them on the way in and drop them.
        if (document.Get("_id") is null && document.Get("_collection") is null && document.Get("_meta") is null) return document;
        return Value.Map(document.AsMap().Where(e => e.Key is not ("_id" or "_collection" or "_meta")));
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Queries;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway;

/// <summary>One database of a replica: documents in collections, written in atomic commits and
/// readable at any point of its history. Get one from <see cref="Causeway.Replica"/>.</summary>
public sealed partial class Database : IDocumentDatabase
{
    private readonly DocumentReader _reader;
    private readonly CommitPipeline _pipeline;

    internal Database(Replica replica, DatabaseRuntime runtime, DocumentReader reader, CommitPipeline pipeline)
    {
        Replica = replica;
        Runtime = runtime;
        _reader = reader;
        _pipeline = pipeline;
        Peers = new(replica.Options.Time);
        runtime.Schemas.Published(reader.Latest(runtime, SystemCollections.Schema, SystemCollections.SchemaDocument));
        Reservations = new Invariants.Reservations(this);
    }

    /// <summary>What this database asks its peers for, and grants them (rights, reservations).</summary>
    public Invariants.Reservations Reservations { get; }

    /// <summary>A write the engine makes for itself (a grant, a reservation), through the same pipeline and checks.</summary>
    internal Task<WriteResult> CommitSystemAsync(string collection, string id, DocumentIntent intent, CancellationToken cancellation)
    {
        CheckOpen();
        return _pipeline.CommitAsync(Runtime, [new DocumentWrites(collection, id, [intent])], cancellation);
    }

    public Replica Replica { get; }
    public string Name => Runtime.Name;
    internal DatabaseRuntime Runtime { get; }

    /// <summary>The last position applied here; every read without <c>at</c> reads at it.</summary>
    public long Position => Runtime.Position;

    // ---- writes ----

    /// <summary>Creates or replaces a document.</summary>
    public Task<WriteResult> PutAsync(string collection, string id, Value document, CancellationToken cancellation = default)
        => CommitAsync(Single(collection, id, new DocumentIntent.Put(CheckDocument(document))), cancellation);

    /// <summary>Creates or replaces a document from any object System.Text.Json can serialize (including JsonNode and JsonElement).</summary>
    public Task<WriteResult> PutAsync<T>(string collection, string id, T document, CancellationToken cancellation = default)
        => PutAsync(collection, id, ToValue(document), cancellation);

    /// <summary>Creates or replaces a document from JSON text.</summary>
    public Task<WriteResult> PutJsonAsync(string collection, string id, string json, CancellationToken cancellation = default)
        => PutAsync(collection, id, ValueJson.Parse(json), cancellation);

    /// <summary>Creates a document with an id made as its collection's schema says (UUIDv7 by default).</summary>
    public async Task<(string Id, WriteResult Result)> CreateAsync(string collection, Value document, CancellationToken cancellation = default)
    {
        SystemCollections.CheckWritable(Names.Collection(collection));
        CheckOpen();
        var checkedDocument = CheckDocument(document);
        string id = await NewIdAsync(collection, cancellation).ConfigureAwait(false);
        return (id, await CommitAsync(Single(collection, id, new DocumentIntent.Create(checkedDocument)), cancellation).ConfigureAwait(false));
    }

    /// <summary>Applies field operations to an existing document (not_found if it is absent or deleted).</summary>
    public Task<WriteResult> PatchAsync(string collection, string id, params IEnumerable<FieldOp> ops)
        => PatchAsync(collection, id, ops, CancellationToken.None);

    public Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, CancellationToken cancellation)
    {
        var list = ops.ToArray();
        if (list.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A patch needs at least one field operation.");
        return CommitAsync(Single(collection, id, new DocumentIntent.Patch(list)), cancellation);
    }

    /// <summary>Deletes a document (not_found if it is absent or already deleted).</summary>
    public Task<WriteResult> DeleteAsync(string collection, string id, CancellationToken cancellation = default)
        => CommitAsync(Single(collection, id, new DocumentIntent.Delete()), cancellation);

    /// <summary>Runs <paramref name="body"/> as one transaction: all its writes become one commit,
    /// or, if it throws or a write is refused, nothing is written at all.</summary>
    /// <remarks>Inside <see cref="WaitingForRights"/>, a commit short of rights (or of a reservation)
    /// waits for a grant and runs <paramref name="body"/> again on a fresh snapshot, so what it
    /// decides rests on what it reads then.</remarks>
    public async Task<WriteResult> TransactAsync(Func<Transaction, Task> body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await CommitWritesAsync(async () =>
        {
            var tx = Begin();
            await body(tx).ConfigureAwait(false);
            return tx.Close();
        }, cancellation).ConfigureAwait(false);
    }

    /// <summary>As <see cref="TransactAsync(Func{Transaction, Task}, CancellationToken)"/>, returning what the body returns (from its last run).</summary>
    public async Task<(T Value, WriteResult Result)> TransactAsync<T>(Func<Transaction, Task<T>> body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        T value = default!;
        var result = await CommitWritesAsync(async () =>
        {
            var tx = Begin();
            value = await body(tx).ConfigureAwait(false);
            return tx.Close();
        }, cancellation).ConfigureAwait(false);
        return (value, result);
    }

    /// <summary>Applies the writes <paramref name="build"/> lists as one commit, or none of them (the
    /// write-only transaction of <see cref="IDocumentDatabase"/>; for reads inside a transaction use
    /// <see cref="TransactAsync(Func{Transaction, Task}, CancellationToken)"/>). Each write is checked as
    /// it is listed, so a mistake throws out of <paramref name="build"/> and nothing is written.</summary>
    /// <remarks>A lambda that fits both this and the interactive overload (a block that ends in a
    /// throw) binds to the interactive one, as it did before this overload existed.</remarks>
    public async Task<TransactionResult> TransactAsync(Action<ITransactionBuilder> build, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        var tx = Begin();
        var builder = new WriteOnlyTransaction(tx);
        build(builder);
        var result = await CommitWritesAsync(tx.Close(), cancellation).ConfigureAwait(false);
        return new TransactionResult(result, builder.Created);
    }

    /// <summary>Starts a transaction at the current position; commit it with <see cref="CommitAsync(Transaction, CancellationToken)"/>.</summary>
    public Transaction Begin()
    {
        CheckOpen();
        return new Transaction(this, Runtime.Position);
    }

    public Task<WriteResult> CommitAsync(Transaction transaction, CancellationToken cancellation = default)
        => CommitWritesAsync(transaction.Close(), cancellation);

    private Task<WriteResult> CommitAsync(DocumentWrites writes, CancellationToken cancellation)
    {
        CheckOpen();
        return CommitWritesAsync([writes], cancellation);
    }

    private static DocumentWrites Single(string collection, string id, DocumentIntent intent)
        => new(SystemCollections.CheckWritable(Names.Collection(collection)), Names.DocumentId(id), [intent]);

    // ---- reads ----

    /// <summary>The document as of <paramref name="at"/> (the latest state by default); null when absent or deleted.</summary>
    public Task<Document?> GetAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        Names.Collection(collection);
        Names.DocumentId(id);
        CheckOpen();
        return Task.FromResult(ReadDocument(collection, id, _reader.Resolve(Runtime, at)));
    }

    /// <summary>One page of the documents of a collection that meet the query's filter, in its order
    /// (docs/queries.md). Reads as of the query's <c>at</c> (latest by default), or, when it continues
    /// from a cursor, at the cursor's position, so every page of one walk sees the same snapshot.</summary>
    public Task<QueryResult> QueryAsync(Query query, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckOpen();
        return Task.FromResult(QueryExecutor.Run(this, query, cancellation));
    }

    /// <summary>Every version of a document, oldest first: position, commit, origin, time and what changed.</summary>
    public Task<IReadOnlyList<DocumentVersion>> HistoryAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        Names.Collection(collection);
        Names.DocumentId(id);
        CheckOpen();
        CheckHeld(collection, id);
        long upTo = _reader.Resolve(Runtime, at);
        var versions = new List<DocumentVersion>();
        foreach (var version in _reader.Versions(Runtime, collection, id, upTo))
        {
            var record = _reader.Commit(Runtime, version.Commit) ?? throw new CorruptDataException($"Commit {version.Commit} of {collection}/{id} is missing.");
            var commit = Ledger.Commit.Decode(record.Block);
            var op = DocumentOp.Decode(record.OpBlocks[version.OpIndex] ?? throw new CorruptDataException($"Commit {version.Commit} lacks the operation on {collection}/{id}."), new EffectContext(commit.Origin, commit.Seq, commit.Time));
            versions.Add(new DocumentVersion(version.Position, version.Commit, version.Origin, version.Time.ToDateTimeOffset(), !version.State.Exists, ChangeDescription.Describe(op.Effects)));
        }
        return Task.FromResult<IReadOnlyList<DocumentVersion>>(versions);
    }

    /// <summary>Commits applied after position <paramref name="since"/>, in position order. With
    /// <paramref name="follow"/>, waits for new commits until cancelled.</summary>
    public async IAsyncEnumerable<Change> ChangesAsync(long since = 0, bool follow = false, [EnumeratorCancellation] CancellationToken cancellation = default)
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
                var commit = Ledger.Commit.Decode(record.Block);
                yield return new Change(next, entry.Commit, commit.Origin, commit.Time.ToDateTimeOffset(), entry.Documents);
            }
            if (!follow || Runtime.Dropped) yield break;
            await changed.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    public Task<DatabaseInfo> InfoAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        CheckOpen();
        var record = Runtime.Record;
        return Task.FromResult(new DatabaseInfo(Name, record.Documents, record.Commits, record.Position, record.Heads,
            record.Clock.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            record.Holds.IsEverything ? null : [.. record.Holds.Selectors!.Select(s => s.ToString())]));
    }

    /// <summary>What this replica holds of the database: everything, or (a partial replica) some collections.</summary>
    public Replication.Subscription Holds => Runtime.Record.Holds;

    private void CheckHeld(string collection, string id)
    {
        var holds = Holds;
        if (!holds.Matches(collection, id)) throw NotHeldException.For(Name, holds, collection, id);
    }

    /// <summary>True when this database holds the commit.</summary>
    public bool HasCommit(Cid commit) => _reader.HasCommit(Runtime, commit);

    /// <summary>Applies commits made elsewhere, in an order that respects causality: each is verified
    /// (hash, signature, sequence, parents) before anything is applied; commits already held are skipped.
    /// All of them apply, or none.</summary>
    public Task<ImportResult> ApplyAsync(IReadOnlyList<RemoteCommit> commits, CancellationToken cancellation = default)
    {
        CheckOpen();
        return _pipeline.ApplyAsync(Runtime, commits, cancellation);
    }

    /// <summary>Writes this database's ledger as a CARv1 archive (docs/ledger-format.md).</summary>
    public Task<long> ExportAsync(Stream output, IProgress<long>? progress = null, CancellationToken cancellation = default)
        => LedgerArchive.ExportAsync(this, output, progress, cancellation);

    /// <summary>Reads a CARv1 archive of a ledger of this database (the same name) and applies its commits.</summary>
    public Task<ImportResult> ImportAsync(Stream input, IProgress<long>? progress = null, CancellationToken cancellation = default)
        => LedgerArchive.ImportAsync(this, input, progress, cancellation);

    /// <summary>A commit with its operation blocks, as stored (for export and external checks).</summary>
    internal CommitRecord? CommitRecordOf(Cid commit) => _reader.Commit(Runtime, commit);

    /// <summary>Where the commit <paramref name="seq"/> of <paramref name="origin"/> was applied here, if it was.</summary>
    internal long? PositionOf(string origin, long seq) => _reader.PositionOf(Runtime, origin, seq);

    internal PositionRecord? PositionEntry(long position) => _reader.PositionEntry(Runtime, position);

    /// <summary>The raw DAG-CBOR block of a commit, or null.</summary>
    public byte[]? GetCommitBlock(Cid commit) => _reader.Commit(Runtime, commit)?.Block;

    /// <summary>Walks the whole ledger and checks every hash, signature, sequence and parent.</summary>
    public Task<VerifyReport> VerifyAsync(IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        CheckOpen();
        return Task.Run(() => new LedgerVerifier(_reader, Runtime).Verify(progress, cancellation), cancellation);
    }

    /// <summary>As <see cref="VerifyAsync(IProgress{long}, CancellationToken)"/>, without progress reports.</summary>
    public Task<VerifyReport> VerifyAsync(CancellationToken cancellation) => VerifyAsync(null, cancellation);

    // ---- helpers shared with Transaction ----

    internal long ResolvePosition(ReadPoint? at) => _reader.Resolve(Runtime, at);

    /// <summary>The live documents of a collection as of <paramref name="position"/>, in id order.</summary>
    internal IEnumerable<Document> DocumentsAt(string collection, long position)
    {
        if (!Holds.HoldsWhole(collection)) throw NotHeldException.For(Name, Holds, collection, null);
        foreach (var (id, version) in _reader.CollectionAt(Runtime, collection, position))
            if (Visible(collection, version, position)) yield return ToDocument(collection, id, version.Value, version);
    }

    internal VersionRecord? ReadVersion(string collection, string id, long position)
    {
        CheckHeld(collection, id);
        return _reader.At(Runtime, collection, id, position);
    }

    internal Document? ReadDocument(string collection, string id, long position)
    {
        CheckHeld(collection, id);
        var version = _reader.At(Runtime, collection, id, position);
        return version is null || !Visible(collection, version, position) ? null : ToDocument(collection, id, version.Value, version);
    }

    internal Document ToDocument(string collection, string id, Value fields, VersionRecord? version)
        => new(collection, id, fields, version?.Commit, version?.Position ?? 0, version?.Time.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch, version?.Origin ?? Replica.Did);

    internal static Value CheckDocument(Value document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidJson, "A document is a JSON object.");
        // The reserved top-level fields come back on every read; accept them on the way in and drop them.
        if (document.Get("_id") is null && document.Get("_collection") is null && document.Get("_meta") is null) return document;
        return Value.Map(document.AsMap().Where(e => e.Key is not ("_id" or "_collection" or "_meta")));
    }

    internal static Value ToValue<T>(T document) => document switch
    {
        Value value => value,
        string json => ValueJson.Parse(json),
        _ => ValueJson.Parse(JsonSerializer.SerializeToUtf8Bytes(document)),
    };

    /// <summary>The <see cref="ITransactionBuilder"/> over an embedded transaction: every write is
    /// checked against the transaction's view as it is listed, like <see cref="Transaction"/>'s own.</summary>
    private sealed class WriteOnlyTransaction(Transaction tx) : ITransactionBuilder
    {
        public List<string> Created { get; } = [];
        public void Put(string collection, string id, Value document) => tx.Put(collection, id, document);
        public void Create(string collection, Value document) => Created.Add(tx.Create(collection, document));
        public void Patch(string collection, string id, params IEnumerable<FieldOp> ops) => tx.Patch(collection, id, ops);
        public void Delete(string collection, string id) => tx.Delete(collection, id);
    }

    private void CheckOpen()
    {
        if (Runtime.Dropped) throw new NotFoundException($"Database '{Name}' was dropped.");
        Replica.CheckOpen();
    }
}

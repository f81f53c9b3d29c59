using System.Text.Json;
using Causeway.Audit;
using Causeway.Documents;
using Causeway.Invariants;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Queries;
using Causeway.Quotas;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway;

/// <summary>One database of a replica: documents in collections, written in atomic commits and
/// readable at any point of its history. Get one from <see cref="Causeway.Replica"/>.</summary>
public sealed partial class Database : IDocumentDatabase, ILatestFields
{
    internal Database(Replica replica, DatabaseRuntime runtime, DocumentReader reader, CommitPipeline pipeline)
    {
        Replica = replica;
        Peers = new(replica.Options.Time, runtime.Name, () => Quotas?.Limits.SyncSessions);
        Stored = new StoredDatabase(runtime, reader, pipeline, replica.Did, replica.CheckOpen);
        var indexing = runtime.Extension<Queries.Indexes.IndexSettings>();
        indexing.Enabled = replica.Options.Indexes;
        indexing.QueryBudget = replica.Options.QueryBudget;
        indexing.Time = replica.Options.Time;
        indexing.Built(Stored.SchemaAt(Stored.Position).Schema);
        Quotas = new DatabaseQuotas(Stored, Peers, replica.Options.Time);
        Reservations = new Invariants.Reservations(Stored, replica.Options.RebalanceInterval, replica.Options.RelayAsks, replica.Options.Time);
        _ids = new DocumentIds(Stored, Reservations, replica.Uuids, replica.Clock, replica.Tag, replica.Options.PhysicalClock, replica.Options.Random);
        _retry = new RightsRetry(Stored, Reservations, replica.Options.Time);
        _schemas = new SchemaChanges(Stored);
    }

    private readonly DocumentIds _ids;
    private readonly RightsRetry _retry;
    private readonly SchemaChanges _schemas;

    /// <summary>This database as the engine's layers see it.</summary>
    internal StoredDatabase Stored { get; }

    /// <summary>What this database asks its peers for, and grants them (rights, reservations).</summary>
    public Invariants.Reservations Reservations { get; }

    /// <summary>This replica's quotas on the database (documents, bytes, writes per second, sync
    /// sessions) and its usage against them; set by its admin, never replicated.</summary>
    public DatabaseQuotas Quotas { get; }

    public Replica Replica { get; }

    /// <summary>Who may write this database: its owner and the capabilities this replica writes with.</summary>
    public DatabaseCapabilities Capabilities => _capabilities ??= new DatabaseCapabilities(this);
    private DatabaseCapabilities? _capabilities;
    public string Name => Stored.Name;
    internal DatabaseRuntime Runtime => Stored.Runtime;

    /// <summary>The last position applied here; every read without <c>at</c> reads at it.</summary>
    public long Position => Stored.Position;

    // ---- writes ----

    /// <summary>Creates or replaces a document.</summary>
    public Task<WriteResult> PutAsync(string collection, string id, Value document, CancellationToken cancellation = default)
        => PutAsync(collection, id, document, null, cancellation);

    /// <summary>Creates or replaces a document if it is as <paramref name="condition"/> requires (none when
    /// null): at a version read before (<see cref="WriteCondition.IfVersion(Cid)"/>), present, or absent
    /// (create only). Otherwise precondition_failed, and nothing is written.</summary>
    public Task<WriteResult> PutAsync(string collection, string id, Value document, WriteCondition? condition, CancellationToken cancellation = default)
        => CommitAsync(Single(collection, id, new DocumentIntent.Put(StoredDatabase.CheckDocument(document)), condition), cancellation);

    /// <summary>Creates or replaces a document from any object System.Text.Json can serialize (including JsonNode and JsonElement).</summary>
    public Task<WriteResult> PutAsync<T>(string collection, string id, T document, CancellationToken cancellation = default)
        => PutAsync(collection, id, ValueJson.From(document), cancellation);

    /// <summary>Creates or replaces a document from JSON text.</summary>
    public Task<WriteResult> PutJsonAsync(string collection, string id, string json, CancellationToken cancellation = default)
        => PutAsync(collection, id, ValueJson.Parse(json), cancellation);

    /// <summary>Creates a document with an id made as its collection's schema says (UUIDv7 by default).</summary>
    public async Task<(string Id, WriteResult Result)> CreateAsync(string collection, Value document, CancellationToken cancellation = default)
    {
        SystemCollections.CheckWritable(Names.Collection(collection));
        CheckOpen();
        var checkedDocument = StoredDatabase.CheckDocument(document);
        Quotas.AdmitWrite();
        string id = await _ids.NewIdAsync(collection, cancellation).ConfigureAwait(false);
        return (id, await _retry.CommitAsync([Single(collection, id, new DocumentIntent.Create(checkedDocument))], cancellation).ConfigureAwait(false));
    }

    /// <summary>Applies field operations to an existing document (not_found if it is absent or deleted).</summary>
    public Task<WriteResult> PatchAsync(string collection, string id, params IEnumerable<FieldOp> ops)
        => PatchAsync(collection, id, ops, CancellationToken.None);

    public Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, CancellationToken cancellation)
        => PatchAsync(collection, id, ops, null, cancellation);

    /// <summary>Applies field operations to an existing document if it is as <paramref name="condition"/>
    /// requires (none when null; <see cref="WriteCondition.IfAbsent"/> is for puts); otherwise
    /// precondition_failed, and nothing is written.</summary>
    public Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, WriteCondition? condition, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var list = ops.ToArray();
        if (list.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A patch needs at least one field operation.");
        return CommitAsync(Single(collection, id, new DocumentIntent.Patch(list), WriteCondition.OfExisting(condition)), cancellation);
    }

    /// <summary>As <see cref="PatchAsync(string, string, IEnumerable{FieldOp}, WriteCondition, CancellationToken)"/>, without cancellation.</summary>
    public Task<WriteResult> PatchAsync(string collection, string id, WriteCondition? condition, params IEnumerable<FieldOp> ops)
        => PatchAsync(collection, id, ops, condition, CancellationToken.None);

    /// <summary>Deletes a document (not_found if it is absent or already deleted).</summary>
    public Task<WriteResult> DeleteAsync(string collection, string id, CancellationToken cancellation = default)
        => DeleteAsync(collection, id, null, cancellation);

    /// <summary>Deletes a document if it is as <paramref name="condition"/> requires (none when null;
    /// <see cref="WriteCondition.IfAbsent"/> is for puts); otherwise precondition_failed, and nothing is written.</summary>
    public Task<WriteResult> DeleteAsync(string collection, string id, WriteCondition? condition, CancellationToken cancellation = default)
        => CommitAsync(Single(collection, id, new DocumentIntent.Delete(), WriteCondition.OfExisting(condition)), cancellation);

    /// <summary>Runs <paramref name="body"/> as one transaction: all its writes become one commit,
    /// or, if it throws or a write is refused, nothing is written at all.</summary>
    /// <remarks>Inside <see cref="WaitingForRights"/>, a commit short of rights (or of a reservation)
    /// waits for a grant and runs <paramref name="body"/> again on a fresh snapshot, so what it
    /// decides rests on what it reads then.</remarks>
    public async Task<WriteResult> TransactAsync(Func<Transaction, Task> body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckOpen();
        Quotas.AdmitWrite();
        return await _retry.CommitAsync(async () =>
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
        CheckOpen();
        Quotas.AdmitWrite();
        T value = default!;
        var result = await _retry.CommitAsync(async () =>
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
        Quotas.AdmitWrite();
        var builder = new WriteOnlyTransaction(tx);
        build(builder);
        var writes = tx.Close();
        var result = await _retry.CommitAsync(writes, cancellation).ConfigureAwait(false);
        return new TransactionResult(result, builder.Created);
    }

    /// <summary>Starts a transaction at the current position; commit it with <see cref="CommitAsync(Transaction, CancellationToken)"/>.</summary>
    public Transaction Begin()
    {
        CheckOpen();
        return new Transaction(Stored, _ids, Stored.Position);
    }

    public Task<WriteResult> CommitAsync(Transaction transaction, CancellationToken cancellation = default)
    {
        var writes = transaction.Close();
        Quotas.AdmitWrite();
        return _retry.CommitAsync(writes, cancellation);
    }

    /// <summary>A put, patch or delete: counted against the writes-per-second quota, then committed.</summary>
    private Task<WriteResult> CommitAsync(DocumentWrites writes, CancellationToken cancellation)
    {
        CheckOpen();
        Quotas.AdmitWrite();
        // A span only when something listens: StartActivity answers null otherwise.
        var activity = Telemetry.Instruments.Source.StartActivity("causeway.commit");
        if (activity is null) return _retry.CommitAsync([writes], cancellation);
        activity.SetTag("causeway.database", Name);
        return Traced(activity, _retry.CommitAsync([writes], cancellation));
    }

    private static async Task<WriteResult> Traced(System.Diagnostics.Activity activity, Task<WriteResult> commit)
    {
        using (activity)
        {
            try { return await commit.ConfigureAwait(false); }
            catch (Exception e)
            {
                activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }

    private static DocumentWrites Single(string collection, string id, DocumentIntent intent, WriteCondition? condition = null)
        => new(SystemCollections.CheckWritable(Names.Collection(collection)), Names.DocumentId(id), [intent], condition);

    // ---- reads ----

    /// <summary>The document as of <paramref name="at"/> (the latest state by default); null when absent or deleted.</summary>
    public Task<Document?> GetAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        CheckRead(collection, id);
        return Stored.ReadDocumentTask(collection, id, Stored.ResolvePosition(at));
    }

    Value? ILatestFields.LatestFields(string collection, string id)
    {
        CheckRead(collection, id);
        return Stored.ReadFields(collection, id, Stored.ResolvePosition(null));
    }

    private void CheckRead(string collection, string id)
    {
        Names.Collection(collection);
        Names.DocumentId(id);
        CheckOpen();
        Telemetry.Instruments.Reads.Add(1);
    }

    /// <summary>One page of the documents of a collection that meet the query's filter, in its order
    /// (docs/queries.md). Reads as of the query's <c>at</c> (latest by default), or, when it continues
    /// from a cursor, at the cursor's position, so every page of one walk sees the same snapshot.</summary>
    public Task<QueryResult> QueryAsync(Query query, CancellationToken cancellation = default) => QueryAsync(query, explain: false, cancellation);

    /// <summary>As <see cref="QueryAsync(Query, CancellationToken)"/>; with <paramref name="explain"/>, the
    /// result's <see cref="QueryResult.Plan"/> says how it ran.</summary>
    public Task<QueryResult> QueryAsync(Query query, bool explain, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckOpen();
        using var activity = Telemetry.Instruments.Source.StartActivity("causeway.query");
        activity?.SetTag("causeway.database", Name);
        activity?.SetTag("causeway.collection", query.Collection);
        long start = Telemetry.Instruments.Start(Telemetry.Instruments.QueryDuration);
        var result = QueryExecutor.Run(Stored, query, cancellation, explain);
        Telemetry.Instruments.Queries.Add(1);
        Telemetry.Instruments.RecordSince(Telemetry.Instruments.QueryDuration, start);
        return Task.FromResult(result);
    }

    /// <summary>How many documents match the query's filter at its read point, and the position counted at.</summary>
    public Task<QueryCount> CountAsync(Query query, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckOpen();
        var (count, position, _) = QueryExecutor.Count(Stored, query, cancellation);
        return Task.FromResult(new QueryCount(count, position));
    }

    /// <summary>Every version of a document, oldest first: position, commit, origin, time and what changed.</summary>
    public Task<IReadOnlyList<DocumentVersion>> HistoryAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        Names.Collection(collection);
        Names.DocumentId(id);
        CheckOpen();
        Stored.CheckHeld(collection, id);
        Telemetry.Instruments.Reads.Add(1);
        return Task.FromResult(Stored.History(collection, id, Stored.ResolvePosition(at)));
    }

    /// <summary>Commits applied after position <paramref name="since"/>, in position order. With
    /// <paramref name="follow"/>, waits for new commits until cancelled.</summary>
    public IAsyncEnumerable<Change> ChangesAsync(long since = 0, bool follow = false, CancellationToken cancellation = default)
        => Stored.ChangesAsync(since, follow, cancellation);

    public Task<DatabaseInfo> InfoAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(Stored.Info());
    }

    /// <summary>What this replica holds of the database: everything, or (a partial replica) some collections.</summary>
    public Replication.Subscription Holds => Stored.Holds;

    /// <summary>True when this database holds the commit.</summary>
    public bool HasCommit(Cid commit) => Stored.HasCommit(commit);

    /// <summary>Applies commits made elsewhere, in an order that respects causality: each is verified
    /// (hash, signature, sequence, parents) before anything is applied; commits already held are skipped.
    /// All of them apply, or none.</summary>
    public Task<ImportResult> ApplyAsync(IReadOnlyList<RemoteCommit> commits, CancellationToken cancellation = default)
        => Stored.ApplyAsync(commits, cancellation);

    /// <summary>Writes this database's ledger as a CARv1 archive (docs/ledger-format.md).</summary>
    public Task<long> ExportAsync(Stream output, IProgress<long>? progress = null, CancellationToken cancellation = default)
        => LedgerArchive.ExportAsync(Stored, output, cid => Replica.Authority.Find(cid)?.Bytes.ToArray(), progress, cancellation);

    /// <summary>Reads a CARv1 archive of a ledger of this database (the same name) and applies its commits.</summary>
    public Task<ImportResult> ImportAsync(Stream input, IProgress<long>? progress = null, CancellationToken cancellation = default)
        => LedgerArchive.ImportAsync(Stored, input, progress, cancellation);

    /// <summary>The raw DAG-CBOR block of a commit, or null.</summary>
    public byte[]? GetCommitBlock(Cid commit) => Stored.CommitRecordOf(commit)?.Block;

    /// <summary>Walks the whole ledger and checks every hash, signature, sequence and parent.</summary>
    public Task<VerifyReport> VerifyAsync(IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        CheckOpen();
        return Task.Run(() => new LedgerVerifier(Stored).Verify(progress, cancellation), cancellation);
    }

    /// <summary>As <see cref="VerifyAsync(IProgress{long}, CancellationToken)"/>, without progress reports.</summary>
    public Task<VerifyReport> VerifyAsync(CancellationToken cancellation) => VerifyAsync(null, cancellation);

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

    private void CheckOpen() => Stored.CheckOpen();
}

using System.Threading.Channels;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Security;
using Causeway.Storage;

namespace Causeway.Transactions;

/// <summary>The one way anything is written. A single loop takes every request waiting (a group),
/// and for each: validates it against the latest state, assigns seq, HLC time and parents, encodes,
/// hashes and signs; then writes the whole group in one durable batch (one fsync for many commits),
/// and only then publishes the new state and answers the callers. A request that fails validation
/// is answered with its error and leaves no trace; the others in the group go on.</summary>
internal sealed class CommitPipeline : IAsyncDisposable
{
    public const int MaxDocumentBytes = 16 << 20;
    private const int MaxGroup = 512;

    private readonly IKeyValueStore _store;
    private readonly ReplicaIdentity _identity;
    private readonly HybridLogicalClock _clock;
    private readonly VersionCache _cache;
    private readonly DocumentReader _reader;
    private readonly Channel<PipelineRequest> _queue = Channel.CreateBounded<PipelineRequest>(new BoundedChannelOptions(8192) { SingleReader = true });
    private readonly Task _loop;
    private readonly DagCborWriter _scratch = new(1024);

    public CommitPipeline(IKeyValueStore store, ReplicaIdentity identity, HybridLogicalClock clock, VersionCache cache, DocumentReader reader)
    {
        _store = store;
        _identity = identity;
        _clock = clock;
        _cache = cache;
        _reader = reader;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues a transaction's intents; completes once the commit is durable and visible.</summary>
    public async Task<WriteResult> CommitAsync(DatabaseRuntime db, IReadOnlyList<DocumentWrites> writes, CancellationToken cancellation = default)
    {
        if (writes.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A transaction with no operations makes no commit.");
        var request = new CommitRequest(db, writes);
        await EnqueueAsync(request, cancellation);
        return await request.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Runs a change to the catalog (create or drop a database) in order with commits.</summary>
    public async Task RunCatalogAsync(Func<CatalogStage, Action> stage, CancellationToken cancellation = default)
    {
        var request = new CatalogRequest(stage);
        await EnqueueAsync(request, cancellation);
        await request.Completion.Task.ConfigureAwait(false);
    }

    private async Task EnqueueAsync(PipelineRequest request, CancellationToken cancellation)
    {
        try { await _queue.Writer.WriteAsync(request, cancellation).ConfigureAwait(false); }
        catch (ChannelClosedException) { throw new UnavailableException("The replica is closing."); }
    }

    private async Task RunAsync()
    {
        var group = new List<PipelineRequest>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var request)) group.Add(request);
            ProcessGroup(group);
        }
    }

    private void ProcessGroup(List<PipelineRequest> group)
    {
        var batch = new StoreBatch();
        var drafts = new Dictionary<DatabaseRuntime, DatabaseDraft>();
        var overlay = new Dictionary<(uint, string, string), VersionRecord>();
        var staged = new List<(PipelineRequest Request, Action Publish)>();
        var catalog = new CatalogStage(batch, drafts);

        foreach (var request in group)
        {
            try
            {
                switch (request)
                {
                    case CommitRequest commit: staged.Add((request, StageCommit(commit, batch, drafts, overlay))); break;
                    case CatalogRequest change: staged.Add((request, change.Stage(catalog))); break;
                }
            }
            catch (Exception e)
            {
                request.Fail(e is CausewayException ? e : new CausewayException(ErrorCodes.InvalidOp, $"The write failed: {e.Message}", e));
            }
        }
        if (staged.Count == 0) return;

        foreach (var draft in drafts.Values)
            if (!draft.Dropped) batch.Put(StoreLayout.StateKey(draft.Runtime.Id), draft.ToRecord().Encode(_scratch));

        try
        {
            _store.Write(batch, durable: true);
        }
        catch (Exception e)
        {
            var failure = new UnavailableException($"The store refused the write: {e.Message}");
            foreach (var (request, _) in staged) request.Fail(failure);
            return;
        }

        foreach (var draft in drafts.Values)
        {
            if (draft.Dropped) continue;
            draft.Runtime.Publish(draft.ToRecord(), () =>
            {
                foreach (var ((db, collection, id), record) in overlay)
                    if (db == draft.Runtime.Id) _cache.Put(db, collection, id, record);
            });
        }
        foreach (var (request, publish) in staged)
        {
            publish();
            request.Succeed();
        }
    }

    private Action StageCommit(CommitRequest request, StoreBatch batch, Dictionary<DatabaseRuntime, DatabaseDraft> drafts, Dictionary<(uint, string, string), VersionRecord> overlay)
    {
        var db = request.Database;
        if (!drafts.TryGetValue(db, out var draft))
        {
            if (db.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");
            drafts[db] = draft = db.StartDraft();
        }
        if (draft.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");

        var time = _clock.Now();
        long seq = draft.Clock.Get(_identity.Did) + 1;
        var context = new EffectContext(_identity.Did, seq, time);
        var ops = new List<DocumentOp>(request.Writes.Count);
        var states = new List<(DocumentWrites Writes, DocumentState State)>(request.Writes.Count);
        long documentDelta = 0;

        foreach (var writes in request.Writes)
        {
            var key = (db.Id, writes.Collection, writes.Id);
            var previous = overlay.GetValueOrDefault(key) ?? _reader.Latest(db, writes.Collection, writes.Id);
            var state = previous?.State.Clone() ?? new DocumentState();
            bool existed = state.Exists;
            var editor = new DocumentEditor(state, context);
            foreach (var intent in writes.Intents) editor.Apply(intent, $"{writes.Collection}/{writes.Id}");
            var op = DocumentOp.Create(writes.Collection, writes.Id, editor.Effects, context, _scratch);
            if (op.Block.Length > MaxDocumentBytes)
                throw new TooLargeException($"The change to {writes.Collection}/{writes.Id} encodes to {op.Block.Length:N0} bytes; the limit is {MaxDocumentBytes:N0}.");
            ops.Add(op);
            states.Add((writes, state));
            documentDelta += (state.Exists ? 1 : 0) - (existed ? 1 : 0);
        }

        var commit = Commit.Create(db.Name, _identity, seq, time, draft.Heads, ops.Select(o => o.Cid).ToArray(), capability: null, _scratch);
        long position = draft.Position + 1;

        // Encode everything before touching the batch or the draft, so a failure leaves no trace.
        var puts = new List<(byte[] Key, byte[] Value)>(states.Count + 2)
        {
            (StoreLayout.CommitKey(db.Id, commit.Id.Bytes), new CommitRecord(commit.Block, ops.Select(o => o.Block).ToArray(), position).Encode(_scratch)),
        };
        var changed = new List<ChangedDocument>(states.Count);
        var versions = new List<((uint, string, string) Key, VersionRecord Record)>(states.Count);
        for (int i = 0; i < states.Count; i++)
        {
            var (writes, state) = states[i];
            var record = new VersionRecord { Position = position, Commit = commit.Id, Origin = commit.Origin, Time = time, OpIndex = i, State = state };
            var bytes = record.Encode(_scratch);
            if (bytes.Length > MaxDocumentBytes + (1 << 20) && ValueCbor.Encode(state.ToValue()).Length > MaxDocumentBytes)
                throw new TooLargeException($"Document {writes.Collection}/{writes.Id} would be larger than {MaxDocumentBytes:N0} bytes.");
            puts.Add((StoreLayout.VersionKey(StoreLayout.VersionPrefix(db.Id, writes.Collection, writes.Id), position), bytes));
            changed.Add(new ChangedDocument(writes.Collection, writes.Id, !state.Exists));
            versions.Add(((db.Id, writes.Collection, writes.Id), record));
        }
        puts.Add((StoreLayout.PositionKey(db.Id, position), new PositionRecord(commit.Id, time, changed).Encode(_scratch)));

        foreach (var (key, value) in puts) batch.Put(key, value);
        foreach (var (key, record) in versions) overlay[key] = record;
        draft.Add(commit, documentDelta);
        var result = new WriteResult(commit.Id, position);
        return () => request.Result = result;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private abstract class PipelineRequest
    {
        public abstract void Fail(Exception error);
        public abstract void Succeed();
    }

    private sealed class CommitRequest(DatabaseRuntime database, IReadOnlyList<DocumentWrites> writes) : PipelineRequest
    {
        public DatabaseRuntime Database { get; } = database;
        public IReadOnlyList<DocumentWrites> Writes { get; } = writes;
        public WriteResult? Result { get; set; }
        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception error) => Completion.TrySetException(error);
        public override void Succeed() => Completion.TrySetResult(Result!);
    }

    private sealed class CatalogRequest(Func<CatalogStage, Action> stage) : PipelineRequest
    {
        public Func<CatalogStage, Action> Stage { get; } = stage;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception error) => Completion.TrySetException(error);
        public override void Succeed() => Completion.TrySetResult();
    }
}

/// <summary>All intents of one transaction on one document, in order.</summary>
internal sealed record DocumentWrites(string Collection, string Id, IReadOnlyList<DocumentIntent> Intents);

/// <summary>What a catalog change may do inside a group: add to the batch, and mark drafts of
/// dropped databases so later commits in the same group fail.</summary>
internal sealed class CatalogStage(StoreBatch batch, Dictionary<DatabaseRuntime, DatabaseDraft> drafts)
{
    public StoreBatch Batch { get; } = batch;

    /// <summary>Databases created earlier in this group, not yet visible.</summary>
    public HashSet<string> Creating { get; } = new(StringComparer.Ordinal);

    public void MarkDropped(DatabaseRuntime db)
    {
        if (!drafts.TryGetValue(db, out var draft)) drafts[db] = draft = db.StartDraft();
        draft.Dropped = true;
    }
}

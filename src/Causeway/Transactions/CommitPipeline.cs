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

    // Whoever holds the gate stages and writes groups: the background loop, or a caller that finds
    // the pipeline idle and runs its own commit on its own thread (no hand-offs, so a lone writer
    // waits for little more than its fsync).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PipelineRequest> _inline = new(MaxGroup);

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
        if (_queue.Reader.Count == 0 && !_closed && _gate.Wait(0))
        {
            try
            {
                _inline.Clear();
                _inline.Add(request);
                Drain(_inline, append: true);
                var group = Stage(_inline, previous: null);
                if (group.Staged.Count > 0)
                {
                    Task write;
                    try
                    {
                        _store.Write(group.Batch, durable: true);
                        write = Task.CompletedTask;
                    }
                    catch (Exception e) { write = Task.FromException(e); }
                    group.Write = write;
                    await FinishAsync(group).ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        else
        {
            await EnqueueAsync(request, cancellation);
        }
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

    /// <summary>While one group's batch is being written (fsync), the next group is prepared on top
    /// of it, so disk and CPU work overlap. The next group is written only after the first is durable,
    /// and if the first fails, the next (built on it) fails too.</summary>
    private async Task RunAsync()
    {
        var requests = new List<PipelineRequest>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try { await LeadAsync(requests).ConfigureAwait(false); }
            finally { _gate.Release(); }
        }
    }

    /// <summary>Processes groups until the queue is empty and nothing is in flight.</summary>
    private async Task LeadAsync(List<PipelineRequest> requests)
    {
        Group? writing = null;
        while (true)
        {
            if (writing is not null)
            {
                // Prepare more while the disk works, or finish the write if nothing is waiting.
                var arrival = _queue.Reader.WaitToReadAsync().AsTask();
                await Task.WhenAny(writing.Write!, arrival).ConfigureAwait(false);
                if (!writing.Write!.IsCompleted && arrival.IsCompletedSuccessfully && arrival.Result)
                {
                    var next = Stage(Drain(requests), writing);
                    bool durable = await FinishAsync(writing).ConfigureAwait(false);
                    writing = null;
                    if (!durable) { next.FailAll(new UnavailableException("An earlier write this commit depends on failed.")); continue; }
                    writing = Start(next);
                    continue;
                }
                await FinishAsync(writing).ConfigureAwait(false);
                writing = null;
            }
            if (_queue.Reader.Count == 0) return;
            writing = Start(Stage(Drain(requests), previous: null));
        }
    }

    private List<PipelineRequest> Drain(List<PipelineRequest> requests, bool append = false)
    {
        if (!append) requests.Clear();
        while (requests.Count < MaxGroup && _queue.Reader.TryRead(out var request)) requests.Add(request);
        return requests;
    }

    /// <summary>Prepares every request of a group against the latest state, which includes the
    /// group still being written (<paramref name="previous"/>), and builds the group's batch.</summary>
    private Group Stage(List<PipelineRequest> requests, Group? previous)
    {
        var group = new Group(previous);
        foreach (var request in requests)
        {
            try
            {
                switch (request)
                {
                    case CommitRequest commit: group.Staged.Add((request, StageCommit(commit, group))); break;
                    case CatalogRequest change: group.Staged.Add((request, change.Stage(group.Catalog))); break;
                }
            }
            catch (Exception e)
            {
                request.Fail(e is CausewayException ? e : new CausewayException(ErrorCodes.InvalidOp, $"The write failed: {e.Message}", e));
            }
        }
        foreach (var draft in group.Drafts.Values)
            if (!draft.Dropped) group.Batch.Put(StoreLayout.StateKey(draft.Runtime.Id), draft.ToRecord().Encode(_scratch));
        return group;
    }

    private Group Start(Group group)
    {
        group.Write = group.Staged.Count == 0 ? Task.CompletedTask : Task.Run(() => _store.Write(group.Batch, durable: true));
        return group;
    }

    /// <summary>Waits for a group's batch; then publishes it and answers its callers, or fails them.</summary>
    private async Task<bool> FinishAsync(Group group)
    {
        try
        {
            await group.Write!.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            group.FailAll(new UnavailableException($"The store refused the write: {e.Message}"));
            return false;
        }
        foreach (var draft in group.Drafts.Values)
        {
            if (draft.Dropped) continue;
            draft.Runtime.Publish(draft.ToRecord(), () =>
            {
                foreach (var ((db, collection, id), record) in group.Overlay)
                    if (db == draft.Runtime.Id) _cache.Put(db, collection, id, record);
            });
        }
        foreach (var (request, publish) in group.Staged)
        {
            publish();
            ((PipelineRequest)request).Succeed();
        }
        return true;
    }

    private Action StageCommit(CommitRequest request, Group group)
    {
        var db = request.Database;
        if (db.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");
        var draft = group.Draft(db);
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
            var previous = group.Find(key) ?? _reader.Latest(db, writes.Collection, writes.Id);
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

        foreach (var (key, value) in puts) group.Batch.Put(key, value);
        foreach (var (key, record) in versions) group.Overlay[key] = record;
        draft.Add(commit, documentDelta);
        var result = new WriteResult(commit.Id, position);
        return () => request.Result = result;
    }

    private volatile bool _closed;

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    internal interface IRequest
    {
        void Fail(Exception error);
    }

    private abstract class PipelineRequest : IRequest
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

/// <summary>One group of requests on its way to disk: its batch, the drafts of the databases it
/// changes and the document versions it makes (read by the next group, staged on top of it).</summary>
internal sealed class Group
{
    private readonly Group? _previous;

    public Group(Group? previous)
    {
        _previous = previous;
        Catalog = new CatalogStage(Batch, this, previous?.Catalog);
    }

    public StoreBatch Batch { get; } = new();
    public Dictionary<DatabaseRuntime, DatabaseDraft> Drafts { get; } = [];
    public Dictionary<(uint, string, string), VersionRecord> Overlay { get; } = [];
    public List<(object Request, Action Publish)> Staged { get; } = [];
    public CatalogStage Catalog { get; }
    public Task? Write { get; set; }

    /// <summary>This group's draft of a database, started from the group before it if that one changed it.</summary>
    public DatabaseDraft Draft(DatabaseRuntime db)
    {
        if (Drafts.TryGetValue(db, out var draft)) return draft;
        var before = _previous?.Drafts.GetValueOrDefault(db);
        draft = before is null ? db.StartDraft() : new DatabaseDraft(db, before.ToRecord()) { Dropped = before.Dropped };
        Drafts[db] = draft;
        return draft;
    }

    public VersionRecord? Find((uint, string, string) key) => Overlay.GetValueOrDefault(key) ?? _previous?.Overlay.GetValueOrDefault(key);

    public void FailAll(Exception error)
    {
        foreach (var (request, _) in Staged) ((CommitPipeline.IRequest)request).Fail(error);
    }
}

/// <summary>All intents of one transaction on one document, in order.</summary>
internal sealed record DocumentWrites(string Collection, string Id, IReadOnlyList<DocumentIntent> Intents);

/// <summary>What a catalog change may do inside a group: add to the batch, and mark drafts of
/// dropped databases so later commits in the same group fail.</summary>
internal sealed class CatalogStage(StoreBatch batch, Group group, CatalogStage? previous)
{
    private readonly HashSet<string> _creating = new(StringComparer.Ordinal);

    public StoreBatch Batch { get; } = batch;

    /// <summary>True when a database of this name is being created by this group or the one before it (not yet visible).</summary>
    public bool IsBeingCreated(string name) => _creating.Contains(name) || previous?.IsBeingCreated(name) == true;

    public void Creating(string name) => _creating.Add(name);

    public void MarkDropped(DatabaseRuntime db) => group.Draft(db).Dropped = true;
}

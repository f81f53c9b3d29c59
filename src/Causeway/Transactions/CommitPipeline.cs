using System.Threading.Channels;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Security;
using Causeway.Storage;

namespace Causeway.Transactions;

/// <summary>The one way anything is written. Requests are taken in groups. Staging a group (in
/// order, against the latest state) validates each request, assigns seq, HLC time and parents,
/// prepares the CRDT effects, encodes, hashes and signs. Persisting a group encodes its records,
/// writes them in one durable batch (one fsync for many commits), then publishes the new state and
/// answers the callers. A request that fails validation gets its error and leaves no trace.
///
/// Only staging has to be sequential, so it overlaps with persisting the group before it: while
/// one group is on its way to disk (on another core), the next is staged on top of it. A group is
/// persisted only after the one before it, and fails if that one failed.</summary>
internal sealed class CommitPipeline : IAsyncDisposable
{
    public const int MaxDocumentBytes = 16 << 20;
    private const int MaxGroup = 512;

    private readonly IKeyValueStore _store;
    private readonly ReplicaIdentity _identity;
    private readonly HybridLogicalClock _clock;
    private readonly DocumentReader _reader;
    private readonly IReadOnlyList<ICommitStage> _stages;
    private readonly Channel<PipelineRequest> _queue = Channel.CreateBounded<PipelineRequest>(new BoundedChannelOptions(8192) { SingleReader = true });
    private readonly Task _loop;
    private readonly DagCborWriter _stageScratch = new(1024);
    private readonly DagCborWriter _persistScratch = new(1024);

    /// <summary>The batch each group's records are built in, reused (groups persist one at a time): a
    /// sync frame's group holds ten thousand records and more, and a fresh list of that size for each
    /// would count against the collector's large-object budget.</summary>
    private StoreBatch _persistBatch = new();

    /// <summary>Room the reused batch keeps after a write; a larger one (a bulk transaction's) is let go.</summary>
    private const int KeptBatchCapacity = 64 * 1024;

    // Whoever holds the gate leads: the background loop, or a caller that finds the pipeline idle
    // and runs its own commit on its own thread (no hand-offs, so a lone writer waits for little
    // more than its fsync).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PipelineRequest> _inline = new(MaxGroup);
    private volatile bool _closed;

    // Persisting blocks on fsync; it gets a thread of its own rather than holding a pool thread,
    // which on a small machine would starve the requests the pool also serves.
    private readonly DedicatedThread _persister = new("causeway-persist");

    public CommitPipeline(IKeyValueStore store, ReplicaIdentity identity, HybridLogicalClock clock, DocumentReader reader, CommitStages stages)
    {
        _store = store;
        _identity = identity;
        _clock = clock;
        _reader = reader;
        _stages = stages.All;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Commits a transaction's intents; completes once the commit is durable and visible.</summary>
    public async Task<WriteResult> CommitAsync(DatabaseRuntime db, IReadOnlyList<DocumentWrites> writes, CancellationToken cancellation = default)
    {
        if (writes.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A transaction with no operations makes no commit.");
        return await SubmitAsync(new CommitRequest(db, writes), cancellation).ConfigureAwait(false);
    }

    /// <summary>Applies commits made elsewhere (an import, later a sync session), in the order given,
    /// which must respect causality. Each is verified before it is applied; commits already held
    /// are skipped. All of them apply, or (on the first one that fails a check) none.</summary>
    public async Task<ImportResult> ApplyAsync(DatabaseRuntime db, IReadOnlyList<RemoteCommit> commits, CancellationToken cancellation = default)
    {
        return await SubmitAsync(new RemoteRequest(db, commits), cancellation).ConfigureAwait(false);
    }

    /// <summary>Runs a change to the catalog (create or drop a database) in order with commits.</summary>
    public async Task RunCatalogAsync(Func<CatalogStage, Action> stage, CancellationToken cancellation = default)
    {
        await SubmitAsync(new CatalogRequest(stage), cancellation).ConfigureAwait(false);
    }

    /// <summary>Leads the pipeline with <paramref name="request"/> if it is idle, or queues it; completes with its result.</summary>
    private async Task<TResult> SubmitAsync<TResult>(PipelineRequest<TResult> request, CancellationToken cancellation)
    {
        if (!TryLeadInline(request)) await EnqueueAsync(request, cancellation).ConfigureAwait(false);
        return await request.Completion.Task.ConfigureAwait(false);
    }

    private bool TryLeadInline(PipelineRequest request)
    {
        if (_closed || _queue.Reader.Count != 0 || !_gate.Wait(0)) return false;
        try
        {
            _inline.Clear();
            _inline.Add(request);
            Drain(_inline, append: true);
            Persist(Stage(_inline, new Group(previous: null)));
        }
        finally
        {
            _gate.Release();
        }
        return true;
    }

    private async Task EnqueueAsync(PipelineRequest request, CancellationToken cancellation)
    {
        try { await _queue.Writer.WriteAsync(request, cancellation).ConfigureAwait(false); }
        catch (ChannelClosedException) { throw new UnavailableException("The replica is closing."); }
    }

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

    /// <summary>Stages and persists groups until the queue is empty and nothing is in flight. While a
    /// group is being persisted, everything that arrives is staged into the next group, which is
    /// persisted as soon as the first is durable: the slower the disk, the bigger the groups.</summary>
    private async Task LeadAsync(List<PipelineRequest> requests)
    {
        Group? persisting = null, next = null;
        while (true)
        {
            if (persisting is null)
            {
                if (_queue.Reader.Count == 0) return;
                persisting = StartPersisting(Stage(Drain(requests), new Group(previous: null)));
                continue;
            }
            if (!persisting.Persisted!.IsCompleted && (next?.Staged.Count ?? 0) < MaxGroup)
            {
                var arrival = _queue.Reader.WaitToReadAsync().AsTask();
                await Task.WhenAny(persisting.Persisted, arrival).ConfigureAwait(false);
                if (!persisting.Persisted.IsCompleted && arrival.IsCompletedSuccessfully && arrival.Result)
                {
                    Stage(Drain(requests), next ??= new Group(persisting));
                    continue;
                }
            }
            await persisting.Persisted.ConfigureAwait(false);
            if (!persisting.Durable)
            {
                next?.FailAll(new UnavailableException("An earlier write this commit depends on failed."));
                next = null;
            }
            persisting = next is null ? null : StartPersisting(next);
            next = null;
        }
    }

    private List<PipelineRequest> Drain(List<PipelineRequest> requests, bool append = false)
    {
        if (!append) requests.Clear();
        while (requests.Count < MaxGroup && _queue.Reader.TryRead(out var request)) requests.Add(request);
        return requests;
    }

    private Group StartPersisting(Group group)
    {
        group.StagingDone();
        group.Persisted = group.Staged.Count == 0 ? Task.CompletedTask : _persister.Run(() => Persist(group));
        return group;
    }

    /// <summary>Stages requests into a group, against the latest state: the group's own earlier
    /// commits and the group still being persisted before it.</summary>
    private Group Stage(List<PipelineRequest> requests, Group group)
    {
        foreach (var request in requests)
        {
            try
            {
                switch (request)
                {
                    case CommitRequest commit:
                        group.Staged.Add((request, StageCommit(commit, group)));
                        break;
                    case RemoteRequest remote:
                        group.Staged.Add((request, StageRemote(remote, group)));
                        break;
                    case CatalogRequest change:
                        var fragment = new StoreBatch();
                        group.Catalog.Batch = fragment;
                        group.Staged.Add((request, change.Stage(group.Catalog)));
                        group.Plan.Add(fragment);
                        break;
                }
            }
            catch (Exception e)
            {
                request.Fail(e is CausewayException ? e : new CausewayException(ErrorCodes.InvalidOp, $"The write failed: {e.Message}", e));
            }
        }
        return group;
    }

    private Action StageCommit(CommitRequest request, Group group)
    {
        var db = request.Database;
        if (db.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");
        var draft = group.Draft(db);
        if (draft.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");

        long timing = Telemetry.Instruments.StartPhase();
        var time = _clock.Now();
        long seq = draft.Clock.Get(_identity.Did) + 1;
        var context = new EffectContext(_identity.Did, seq, time);
        VersionRecord? Latest(string collection, string id) => group.Find((db.Id, collection, id)) ?? _reader.Latest(db, collection, id);
        var schema = (group.Find((db.Id, SystemCollections.Schema, SystemCollections.SchemaDocument)) is { } stagedSchema
            ? db.Schemas.Of(stagedSchema) : db.Schemas.Latest).Schema;
        var staged = new StagedDocuments(Latest, context, schema);
        foreach (var writes in request.Writes)
        {
            if (!draft.Holds.Matches(writes.Collection, writes.Id)) throw draft.Holds.NotHeld(db.Name, writes.Collection, writes.Id);
            staged.Edit(writes.Collection, writes.Id, writes.Intents, writes.Condition);
        }
        var local = new LocalCommit(db, staged, draft.Holds, _identity.Did, time, collection => LatestOf(db, collection, group),
            collection => group.InCollection(db.Id, collection).Select(e => (e.Key, e.Value.State)), draft.Position + 1);
        foreach (var stage in _stages) stage.Check(local);
        timing = Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Prepare, timing);

        var ops = new DocumentOp[staged.Entries.Count];
        var states = new (StagedDocuments.Entry Entry, long Size)[ops.Length];
        long documentDelta = 0;
        for (int i = 0; i < ops.Length; i++)
        {
            var entry = staged.Entries[i];
            if (!draft.Holds.Matches(entry.Collection, entry.Id)) throw draft.Holds.NotHeld(db.Name, entry.Collection, entry.Id);
            var op = DocumentOp.Create(entry.Collection, entry.Id, entry.Editor.Effects, context, _stageScratch);
            if (op.Block.Length > MaxDocumentBytes)
                throw new TooLargeException($"The change to {entry.Collection}/{entry.Id} encodes to {op.Block.Length:N0} bytes; the limit is {MaxDocumentBytes:N0}.");
            // A document only grows by what its operations add, so the exact size is needed only
            // when this running estimate passes the limit.
            long size = (entry.Previous?.SizeEstimate ?? 0) + op.Block.Length;
            if (size > MaxDocumentBytes)
            {
                size = ValueCbor.Encode(entry.State.ToValue()).Length;
                if (size > MaxDocumentBytes)
                    throw new TooLargeException($"Document {entry.Collection}/{entry.Id} would be {size:N0} bytes; the limit is {MaxDocumentBytes:N0}.");
            }
            ops[i] = op;
            states[i] = (entry, size);
            documentDelta += (entry.State.Exists ? 1 : 0) - (entry.Existed ? 1 : 0);
        }

        var cids = new Cid[ops.Length];
        for (int i = 0; i < ops.Length; i++) cids[i] = ops[i].Cid;
        timing = Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Encode, timing);
        var commit = Commit.Create(db.Name, _identity, seq, time, draft.Heads, cids, local.Capability, _stageScratch);
        timing = Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Seal, timing);

        // Nothing above touched the group; from here on nothing can fail.
        long position = draft.Add(commit, documentDelta);
        var versions = new VersionRecord[states.Length];
        var changed = new ChangedDocument[states.Length];
        for (int i = 0; i < states.Length; i++)
        {
            var (entry, size) = states[i];
            // A local commit's HLC time is above everything this replica has seen, so it is the latest change.
            versions[i] = new VersionRecord { Position = position, Commit = commit.Id, Origin = commit.Origin, Time = time, OpIndex = i, State = entry.State, SizeEstimate = size };
            changed[i] = new ChangedDocument(entry.Collection, entry.Id, !entry.State.Exists);
            group.Overlay[(db.Id, entry.Collection, entry.Id)] = versions[i];
        }
        var item = new StagedCommit(db, commit, ops, position, versions, changed, time, [.. states.Select(s => s.Entry.Previous)]);
        group.Plan.Add(item);
        foreach (var stage in _stages) stage.Staged(item);
        group.Committed.Add((db.Id, commit.Id));
        var result = new WriteResult(commit.Id, position);
        Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Stage, timing);
        return () => request.Result = result;
    }

    /// <summary>The newest state of every document of a collection the pipeline can see: stored, or
    /// staged in this group or the one being persisted before it.</summary>
    private IEnumerable<(string Id, DocumentState State)> LatestOf(DatabaseRuntime db, string collection, Group group)
    {
        var staged = group.InCollection(db.Id, collection);
        foreach (var (id, version) in _reader.CollectionAt(db, collection, long.MaxValue))
            if (!staged.ContainsKey(id)) yield return (id, version.State);
        foreach (var (id, version) in staged) yield return (id, version.State);
    }

    /// <summary>Verifies and stages commits made elsewhere. Everything is checked before the group
    /// is touched, against a scratch copy of the database's draft, so a refused import leaves no trace.</summary>
    private Action StageRemote(RemoteRequest request, Group group)
    {
        var db = request.Database;
        if (db.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");
        var draft = group.Draft(db);
        if (draft.Dropped) throw new NotFoundException($"Database '{db.Name}' was dropped.");

        var scratch = new DatabaseDraft(db, draft.ToRecord());
        var overlay = new Dictionary<(uint, string, string), VersionRecord>();
        var staged = new List<(StagedCommit Commit, long DocumentDelta)>();
        var known = new HashSet<Cid>();
        int skipped = 0;
        foreach (var remote in request.Commits)
        {
            var commit = remote.Commit;
            if (known.Contains(commit.Id) || group.HasStaged(db.Id, commit.Id) || _reader.HasCommit(db, commit.Id)) { skipped++; continue; }
            if (commit.Database != db.Name) throw new InvalidCommitException($"{commit.Description} belongs to database '{commit.Database}', not '{db.Name}'.");
            if (commit.Ops.Count != remote.OpBlocks.Count) throw new InvalidCommitException($"{commit.Description} links {commit.Ops.Count} operations but {remote.OpBlocks.Count} came with it.");
            for (int i = 0; i < commit.Ops.Count; i++)
            {
                var block = remote.OpBlocks[i];
                if (block is null)
                {
                    // A projection: only a partial replica takes one, and it never needs what was left out.
                    if (draft.Holds.IsEverything) throw new InvalidCommitException($"{commit.Description} lacks operation {i}: this replica holds every collection, so it takes whole commits only.");
                    continue;
                }
                if (!remote.Verified && !commit.Ops[i].HashMatches(block)) throw new InvalidCommitException($"{commit.Description}: operation {i} does not hash to {commit.Ops[i]}.");
            }
            long expected = scratch.Clock.Get(commit.Origin) + 1;
            if (commit.Seq != expected) throw new InvalidCommitException($"{commit.Description} is out of sequence: {expected} was expected next from that origin.");
            foreach (var parent in commit.Parents)
                if (!known.Contains(parent) && !group.HasStaged(db.Id, parent) && !_reader.HasCommit(db, parent))
                    throw new InvalidCommitException($"{commit.Description} names parent {parent}, which is not here (commits must come after their parents).");
            if (!remote.Verified && !commit.HasValidSignature()) throw new InvalidCommitException($"{commit.Description} does not carry a valid signature of its origin.");
            var appliedAt = _clock.Observe(commit.Time);

            var context = new EffectContext(commit.Origin, commit.Seq, commit.Time);
            var ops = new DocumentOp?[commit.Ops.Count];
            var versions = new List<VersionRecord>(ops.Length);
            var previousVersions = new List<VersionRecord?>(ops.Length);
            var changed = new List<ChangedDocument>(ops.Length);
            long documentDelta = 0;
            long position = scratch.Position + 1;
            for (int i = 0; i < ops.Length; i++)
            {
                if (remote.OpBlocks[i] is not { } block) continue;
                // A verified block hashes to the commit's link: that is its CID, no need to hash it again.
                var op = DocumentOp.Decode(block, context, remote.Verified ? commit.Ops[i] : null);
                if (!draft.Holds.Matches(op.Collection, op.Id)) continue;   // outside what a partial replica holds
                ops[i] = op;
                var key = (db.Id, op.Collection, op.Id);
                var previous = overlay.GetValueOrDefault(key) ?? group.Find(key) ?? _reader.Latest(db, op.Collection, op.Id);
                var state = previous?.State.Clone() ?? new DocumentState();
                bool existed = state.Exists;
                foreach (var effect in op.Effects) state.Apply(effect);
                if (op.Collection == SystemCollections.Schema && state.Exists)
                {
                    // Only the engine writes the schema; one no replica could read would stop every write here.
                    try { SchemaVersion.FromDocument(state.ToValue(), commit.Id, position); }
                    catch (CorruptDataException e) { throw new InvalidCommitException($"{commit.Description} stores a schema this replica cannot read: {e.Message}"); }
                }
                // What _meta shows: the document's causally latest change, the same on every replica
                // whatever order concurrent commits arrived in.
                var change = new ChangeStamp(commit.Id, commit.Origin, commit.Time);
                var latest = previous is null ? change : ChangeStamp.Later(previous.Latest, change);
                var version = new VersionRecord
                {
                    Position = position, Commit = commit.Id, Origin = commit.Origin, Time = commit.Time, OpIndex = i, State = state,
                    SizeEstimate = (previous?.SizeEstimate ?? 0) + op.Block.Length, LatestChange = latest == change ? null : latest,
                };
                versions.Add(version);
                previousVersions.Add(previous);
                changed.Add(new ChangedDocument(op.Collection, op.Id, !state.Exists));
                overlay[key] = version;
                documentDelta += (state.Exists ? 1 : 0) - (existed ? 1 : 0);
            }
            foreach (var stage in _stages) stage.CheckRemote(db, remote, ops);
            scratch.Add(commit, documentDelta);
            staged.Add((new StagedCommit(db, commit, ops, position, [.. versions], [.. changed], appliedAt, [.. previousVersions]), documentDelta));
            known.Add(commit.Id);
        }

        // Every commit passed: now the group takes them.
        foreach (var (item, documentDelta) in staged)
        {
            draft.Add(item.Commit, documentDelta);
            group.Plan.Add(item);
            group.Committed.Add((db.Id, item.Commit.Id));
            foreach (var stage in _stages) stage.Staged(item);
        }
        foreach (var (key, record) in overlay) group.Overlay[key] = record;
        var result = new ImportResult(staged.Count, skipped, draft.Position);
        return () => request.Result = result;
    }

    /// <summary>Encodes a staged group's records, writes them durably, then publishes and answers; or fails every request.</summary>
    private void Persist(Group group)
    {
        if (group.Staged.Count == 0) { group.Durable = true; return; }
        long timing;
        try
        {
            timing = Telemetry.Instruments.StartPhase();
            var batch = BuildBatch(group);
            timing = Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Records, timing);
            long start = Telemetry.Instruments.Start(Telemetry.Instruments.FsyncDuration);
            _store.Write(batch, durable: true);
            Telemetry.Instruments.RecordSince(Telemetry.Instruments.FsyncDuration, start);
            timing = Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Fsync, timing);
            // Emptied now, so the records it points to are not kept until the next group.
            batch.Clear();
            if (batch.Capacity > KeptBatchCapacity) _persistBatch = new();
        }
        catch (Exception e)
        {
            group.FailAll(new UnavailableException($"The store refused the write: {e.Message}"));
            return;
        }
        foreach (var draft in group.Drafts.Values)
        {
            if (draft.Dropped) continue;
            draft.Runtime.Publish(draft.ToRecord(), () =>
            {
                foreach (var item in group.Plan)
                    if (item is StagedCommit staged && staged.Database == draft.Runtime)
                        foreach (var stage in _stages) stage.Publish(staged);
            });
        }
        group.Durable = true;
        if (group.Committed.Count > 0)
        {
            Telemetry.Instruments.Commits.Add(group.Committed.Count);
            Telemetry.Instruments.GroupSize.Record(group.Committed.Count);
        }
        foreach (var (request, publish) in group.Staged)
        {
            publish();
            request.Succeed();
        }
        Telemetry.Instruments.EndPhase(Telemetry.Instruments.Phase.Publish, timing);
    }

    private StoreBatch BuildBatch(Group group)
    {
        EncodeVersionsAhead(group);
        // A one-document commit writes about twenty records (its version, ledger records, index events).
        var batch = _persistBatch.Clear(group.Plan.Count * 24 + 4);
        var writer = _persistScratch;
        foreach (var item in group.Plan)
        {
            if (item is StoreBatch fragment) { batch.Append(fragment); continue; }
            var staged = (StagedCommit)item;
            foreach (var stage in _stages) stage.Write(staged, batch, writer);
        }
        foreach (var draft in group.Drafts.Values)
            if (!draft.Dropped) batch.Put(StoreLayout.StateKey(draft.Runtime.Id), draft.ToRecord().Encode(writer));
        return batch;
    }

    /// <summary>How many document versions a group needs before it encodes them on all cores.</summary>
    internal const int VersionsEncodedAhead = 64;

    /// <summary>A large group (a sync frame, a bulk transaction) encodes its document versions on all
    /// cores before its batch is built in order: they are most of its bytes, and each encodes alone.
    /// A local group of one-document commits stays below the bound: there both cores are busy already.</summary>
    private static void EncodeVersionsAhead(Group group)
    {
        int count = 0;
        foreach (var item in group.Plan)
            if (item is StagedCommit staged) count += staged.Versions.Length;
        if (count < VersionsEncodedAhead || Environment.ProcessorCount < 2) return;
        var versions = new (StagedCommit Commit, int Index)[count];
        int n = 0;
        foreach (var item in group.Plan)
        {
            if (item is not StagedCommit staged) continue;
            staged.EncodedVersions = new byte[staged.Versions.Length][];
            for (int i = 0; i < staged.Versions.Length; i++) versions[n++] = (staged, i);
        }
        Parallel.For(0, count, () => new DagCborWriter(1024), (i, _, writer) =>
        {
            var (staged, index) = versions[i];
            staged.EncodedVersions![index] = staged.Versions[index].Encode(writer);
            return writer;
        }, _ => { });
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false); // an inline leader finishes its group
        _gate.Release();
        _persister.Dispose();
    }

    internal abstract class PipelineRequest
    {
        public abstract void Fail(Exception error);
        public abstract void Succeed();
    }

    /// <summary>A request whose caller awaits <see cref="Completion"/>: the <see cref="Result"/>
    /// its stage set, once the group is durable, or the error.</summary>
    private abstract class PipelineRequest<TResult> : PipelineRequest
    {
        public TResult? Result { get; set; }
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception error) => Completion.TrySetException(error);
        public override void Succeed() => Completion.TrySetResult(Result!);
    }

    private sealed class CommitRequest(DatabaseRuntime database, IReadOnlyList<DocumentWrites> writes) : PipelineRequest<WriteResult>
    {
        public DatabaseRuntime Database { get; } = database;
        public IReadOnlyList<DocumentWrites> Writes { get; } = writes;
    }

    private sealed class RemoteRequest(DatabaseRuntime database, IReadOnlyList<RemoteCommit> commits) : PipelineRequest<ImportResult>
    {
        public DatabaseRuntime Database { get; } = database;
        public IReadOnlyList<RemoteCommit> Commits { get; } = commits;
    }

    /// <summary>A catalog change; it has no result (<see cref="RunCatalogAsync"/> awaits its completion only).</summary>
    private sealed class CatalogRequest(Func<CatalogStage, Action> stage) : PipelineRequest<bool>
    {
        public Func<CatalogStage, Action> Stage { get; } = stage;
    }
}

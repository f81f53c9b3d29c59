using Causeway.Documents;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Invariants;
using Causeway.Security;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>Tunes a sync session. The defaults suit a LAN or loopback link.</summary>
public sealed class SyncOptions
{
    /// <summary>Most commits in one frame.</summary>
    public int BatchCommits { get; init; } = 512;

    /// <summary>A frame is closed once its blocks reach this many bytes.</summary>
    public int BatchBytes { get; init; } = 1 << 20;

    /// <summary>Commits sent and not yet acknowledged: the sender's flow control.</summary>
    public int Window { get; init; } = 8192;

    /// <summary>Received commits that wait for their parents (only reordering networks need this).</summary>
    public int MaxPending { get; init; } = 16384;

    /// <summary>Without progress for this long, the sender resends from what the peer acknowledged.</summary>
    public TimeSpan RetransmitAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A peer that floods this many frames in a row while nothing can be applied and the pending
    /// buffer is full (so what it sends is dropped) is cut off.</summary>
    public int MaxUselessFrames { get; init; } = 64;

    public static SyncOptions Default { get; } = new();
}

/// <summary>Who opened the session. The initiator says what it wants; the acceptor mirrors it,
/// within what the peer is allowed.</summary>
public enum SyncRole { Initiator, Acceptor }

/// <summary>Whether the acceptor lets a peer read (pull) and write (push) the database.</summary>
public sealed record SyncPermission(bool MayPull, bool MayPush)
{
    public static SyncPermission All { get; } = new(true, true);
}

/// <summary>The sync protocol for one database over one connection, with no I/O of its own: frames go
/// in through <see cref="ReceiveAsync"/>, and the frames to send come back from it and from
/// <see cref="PumpAsync"/>, which a driver calls when the database changes or time passes. The
/// simulator drives it with a virtual clock and a lossy network; <see cref="SyncConnection"/> drives it
/// over a real channel. Not thread-safe: one caller at a time.</summary>
public sealed class SyncSession : IReservationPeer
{
    private readonly StoredDatabase _db;
    private readonly ReplicaIdentity _identity;
    private readonly Reservations _reservations;
    private readonly SyncOptions _options;
    private readonly SyncPermission _permission;
    private readonly byte[] _nonce;
    private readonly DagCborWriter _writer = new();

    private HelloFrame? _peerHello;
    private bool _peerProven;
    private long _helloSentAt = long.MinValue;

    // Sending: what the peer is known to hold, where our scan of positions is, and what is in flight.
    private VersionVector _peerHas = new();
    private volatile VersionVector _published = new();   // a copy other threads may read
    private long _cursor = 1;
    private readonly List<(string Origin, long Seq)> _inFlight = [];
    private long _lastProgressAt;
    private VersionVector? _readyClock;
    private bool _readyAcknowledged;

    // Receiving: commits that arrived before their parents, and the sender's end-of-backlog mark.
    private readonly Dictionary<Cid, RemoteCommit> _pending = [];
    private VersionVector? _peerReady;
    private int _uselessFrames;

    internal SyncSession(SyncEndpoint local, SyncRole role, bool sends, bool wants, SyncOptions? options = null, SyncPermission? permission = null)
    {
        _db = local.Database;
        _identity = local.Identity;
        _reservations = local.Reservations;
        Time = local.Time;
        _nonce = local.Random.GetBytes(16); // from the replica's source, so a simulation replays it
        Role = role;
        Sends = sends;
        Wants = wants;
        _options = options ?? SyncOptions.Default;
        _permission = permission ?? SyncPermission.All;
    }

    public SyncRole Role { get; }

    /// <summary>Whether this side streams its commits (for an acceptor, settled by the peer's hello).</summary>
    public bool Sends { get; private set; }

    /// <summary>Whether this side takes the peer's commits.</summary>
    public bool Wants { get; private set; }

    internal StoredDatabase Database => _db;

    /// <summary>The replica's time, which the driver of the session runs on.</summary>
    internal TimeProvider Time { get; }

    /// <summary>The peer's DID, once its hello arrived.</summary>
    public string? PeerDid => _peerHello?.Replica;

    public bool Established => _peerHello is not null && _peerProven;

    /// <summary>What the peer holds, as far as this side knows (its hello, its acks, what it sent).</summary>
    public VersionVector PeerClock => _published.Clone();

    /// <summary>The peer ended the session with an error frame (so there is no need to send one back).</summary>
    public bool EndedByPeer { get; private set; }

    public long CommitsSent { get; private set; }
    public long CommitsApplied { get; private set; }
    public long CommitsSkipped { get; private set; }
    public long Retransmits { get; private set; }

    /// <summary>Commits this replica holds that the peer does not (yet) acknowledge.</summary>
    public long PeerLacks => Missing(_db.Runtime.Record.Clock, _published);

    /// <summary>Commits the peer holds that this replica has not applied.</summary>
    public long Lacks => Missing(_published, _db.Runtime.Record.Clock);

    /// <summary>For a one-shot sync: both directions have caught up with what the other side held
    /// when it reached the end of its backlog.</summary>
    public bool CaughtUp
    {
        get
        {
            if (!Established) return false;
            var local = _db.Runtime.Record.Clock;
            bool received = !Wants || (_peerReady is not null && local.Dominates(_peerReady) && _pending.Count == 0);
            // The peer must also have said it got the ready mark: it needs it to finish, and its ack
            // of the mark is then the last frame it sends, so a once-initiator never closes on it.
            bool delivered = !Sends || (_readyClock is not null && _readyAcknowledged && _peerHas.Dominates(_readyClock));
            return received && delivered;
        }
    }

    /// <summary>The initiator's first frame; an acceptor answers the peer's hello instead.</summary>
    public IReadOnlyList<SyncFrame> Open(long now)
    {
        if (Role == SyncRole.Acceptor) return [];
        _helloSentAt = now;
        return [Hello()];
    }

    /// <summary>Handles one frame from the peer and answers with the frames to send back. A broken
    /// protocol or an invalid commit raises a <see cref="CausewayException"/>: the driver sends it as
    /// an <see cref="ErrorFrame"/> and ends the session; nothing of the refused frame was applied.</summary>
    public async Task<IReadOnlyList<SyncFrame>> ReceiveAsync(SyncFrame frame, long now, CancellationToken cancellation = default)
    {
        try { return await ReceiveCoreAsync(frame, now, cancellation).ConfigureAwait(false); }
        finally { _published = _peerHas.Clone(); }
    }

    private async Task<IReadOnlyList<SyncFrame>> ReceiveCoreAsync(SyncFrame frame, long now, CancellationToken cancellation)
    {
        switch (frame)
        {
            case HelloFrame hello:
                return OnHello(hello, now);
            case ProofFrame proof:
                if (_peerHello is null)
                {
                    // The acceptor's proof can overtake its hello on a network that reorders. Drop it: the
                    // initiator resends its hello until answered, and the answer brings both again.
                    if (Role == SyncRole.Initiator) return [];
                    throw Refusal.PeerSent("a proof before its hello");
                }
                if (!Signatures.Verify(_peerHello.Replica, SyncFrameCodec.ProofPayload(_db.Name, _nonce, _peerHello.Replica), proof.Signature))
                    throw Refusal.PeerSent($"a proof that does not verify: it does not hold the key of {_peerHello.Replica}");
                _peerProven = true;
                _lastProgressAt = now;
                _reservations.Attach(this);
                return [];
            case ErrorFrame error:
                EndedByPeer = true;
                throw CausewayException.FromCode(error.Code == ErrorCodes.Internal ? ErrorCodes.SyncRefused : error.Code,
                    $"The peer ended the session: {error.Message}");
        }
        if (!Established)
        {
            // The peer's hello is here but its proof is late or lost, while the peer, already proven to,
            // sends on. Drop the frame (its sender resends what goes unacknowledged); PumpAsync repeats
            // the handshake until the proof comes. Before any hello, though, no honest peer sends this.
            if (_peerHello is not null) return [];
            throw Refusal.PeerSent($"a {frame.GetType().Name} before the handshake finished");
        }
        switch (frame)
        {
            case CommitsFrame commits:
                return await OnCommitsAsync(commits, now, cancellation).ConfigureAwait(false);
            case AckFrame ack:
                if (!Sends) return [];
                OnPeerHas(ack.Clock, now);
                if (!_readyAcknowledged && _readyClock is not null && ack.Ready is not null && ack.Ready.Dominates(_readyClock))
                {
                    _readyAcknowledged = true;
                    _lastProgressAt = now;
                }
                return [];
            case AskFrame ask:
            {
                // Usually answered at once (a grant is one local commit); one that has to be relayed
                // is answered later, through the outbox, so this session keeps flowing meanwhile.
                var answering = _reservations.AnswerAsync(this, new Ask(ask.Id, ask.What, ask.Relayed), cancellation);
                if (answering.IsCompleted) return [ToFrame(await answering.ConfigureAwait(false))];
                _ = answering.ContinueWith(t => { if (t.IsCompletedSuccessfully) Send(ToFrame(t.Result)); }, TaskScheduler.Default);
                return [];
            }
            case AnswerFrame answer:
                _reservations.Answered(this, new Answer(answer.Id, answer.Granted, answer.Commit, answer.Code, answer.Detail));
                return [];
            case ReadyFrame ready:
                if (!Wants) throw Refusal.PeerSent("a ready mark although this side receives nothing");
                // Merged, not replaced: a resent mark can arrive before an older one that was delayed.
                var marks = _peerReady?.Clone() ?? new VersionVector();
                marks.Merge(ready.Clock);
                _peerReady = marks;
                _peerHas.Merge(ready.Clock);
                return [Ack()];
            default:
                throw Refusal.PeerSent($"an unexpected {frame.GetType().Name}");
        }
    }

    /// <summary>The frames to send now: the handshake again if it got lost, the next batches of the
    /// backlog or of new commits (within the window), a ready mark, or a resend after silence.</summary>
    public async Task<IReadOnlyList<SyncFrame>> PumpAsync(long now, CancellationToken cancellation = default)
    {
        try { return await PumpCoreAsync(now, cancellation).ConfigureAwait(false); }
        finally { _published = _peerHas.Clone(); }
    }

    /// <summary>Queues a frame of the reservation exchange (an ask) for the next <see cref="PumpAsync"/>;
    /// safe from any thread.</summary>
    public void Send(SyncFrame frame)
    {
        _outbox.Enqueue(frame);
        _outboxSignal.TrySetResult();
    }

    /// <summary>Completes when <see cref="Send"/> queued something: the driver wakes to pump it out.</summary>
    public Task Outgoing => _outboxSignal.Task;

    /// <summary>The session is over: this replica stops asking its peer for anything.</summary>
    public void Close() => _reservations.Detach(this);

    private static AnswerFrame ToFrame(Answer answer) => new(answer.Id, answer.Granted, answer.Commit, answer.Code, answer.Detail);

    bool IReservationPeer.CanGrant => Established && Wants;
    int IReservationPeer.Order => (int)Role;
    void IReservationPeer.Send(Ask ask) => Send(new AskFrame(ask.Id, ask.What, ask.Relayed));

    private readonly System.Collections.Concurrent.ConcurrentQueue<SyncFrame> _outbox = new();
    private TaskCompletionSource _outboxSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<IReadOnlyList<SyncFrame>> PumpCoreAsync(long now, CancellationToken cancellation)
    {
        var frames = new List<SyncFrame>();
        if (Established)
        {
            // Reset before draining: a frame queued meanwhile signals the new one, never a stale one.
            if (_outboxSignal.Task.IsCompleted) _outboxSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
            while (_outbox.TryDequeue(out var queued)) frames.Add(queued);
        }
        long retransmit = (long)_options.RetransmitAfter.TotalMilliseconds;
        if (!Established)
        {
            // Frames of the handshake got lost: the initiator says hello again; an acceptor still waiting
            // for the proof answers again, which makes the initiator prove itself again.
            if (Role == SyncRole.Initiator && now - _helloSentAt >= retransmit)
            {
                _helloSentAt = now;
                frames.Add(Hello());
            }
            else if (Role == SyncRole.Acceptor && _peerHello is not null && now - _helloSentAt >= retransmit)
            {
                _helloSentAt = now;
                frames.AddRange([Hello(), Proof()]);
            }
            return frames;
        }
        if (Wants && _pending.Count > 0)
        {
            // What the pending commits waited for may have come through another session meanwhile (or
            // they did themselves): apply what is ready now and say so, rather than wait for the next
            // frame from this peer, which may never come if its acks show it nothing is missing.
            int before = _pending.Count;
            var ready = ReadyToApply(_db.Runtime.Record.Clock);
            if (ready.Count > 0) await ApplyAsync(ready, cancellation).ConfigureAwait(false);
            if (_pending.Count != before) frames.Add(Ack());
        }
        if (!Sends) return frames;

        // The ready mark counts as in flight until an ack says it arrived: without it the peer never
        // knows it has caught up, and holding what the mark says does not mean it got the mark.
        bool waiting = _inFlight.Count > 0 || (_readyClock is not null && !_readyAcknowledged);
        if (waiting && now - _lastProgressAt >= retransmit)
        {
            // Nothing acknowledged for a while: frames were lost. Start again from what the peer holds.
            Retransmits++;
            _inFlight.Clear();
            _readyClock = null;
            _cursor = StartFor(_peerHas);
            _lastProgressAt = now;
        }

        var record = _db.Runtime.Record;
        var batch = new List<ShippedCommit>();
        int batchBytes = 0;
        while (_cursor <= record.Position && _inFlight.Count < _options.Window)
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = _db.PositionEntry(_cursor) ?? throw new CorruptDataException($"Position {_cursor} of database '{_db.Name}' is missing.");
            var stored = _db.CommitRecordOf(entry.Commit) ?? throw new CorruptDataException($"Commit {entry.Commit} is missing.");
            var decoded = Commit.Decode(stored.Block);
            var (origin, seq) = (decoded.Origin, decoded.Seq);
            _cursor++;
            if (_peerHas.Get(origin) >= seq) continue;
            var shipped = new ShippedCommit(stored.Block, ShippedOps(decoded, stored, record.Holds));
            if (batch.Count > 0 && (batch.Count >= _options.BatchCommits || batchBytes + shipped.ByteSize > _options.BatchBytes))
            {
                frames.Add(new CommitsFrame(batch));
                batch = [];
                batchBytes = 0;
            }
            batch.Add(shipped);
            batchBytes += shipped.ByteSize;
            if (_inFlight.Count == 0) _lastProgressAt = now;
            _inFlight.Add((origin, seq));
            CommitsSent++;
        }
        if (batch.Count > 0) frames.Add(new CommitsFrame(batch));
        if (_readyClock is null && _cursor > record.Position)
        {
            _readyClock = record.Clock.Clone();
            _readyAcknowledged = false;
            if (_inFlight.Count == 0) _lastProgressAt = now;
            frames.Add(new ReadyFrame(_readyClock));
        }
        return frames;
    }

    private HelloFrame Hello()
    {
        var record = _db.Runtime.Record;
        return new(SyncFrame.ProtocolVersion, _db.Name, _db.ReplicaDid, _nonce, record.Clock.Clone(), Sends, Wants, record.Holds);
    }

    /// <summary>What the peer is shipped of a stored commit: all of it, or (for a partial peer, or when this
    /// replica holds only part of it) the operations the peer holds, null for the rest.</summary>
    private IReadOnlyList<byte[]?> ShippedOps(Commit commit, Transactions.CommitRecord stored, Subscription local)
    {
        var peer = _peerHello!.Holds;
        if (peer.IsEverything && stored.IsWhole) return stored.OpBlocks;
        // Our missing operations are outside what we hold; they are outside what the peer holds only if we hold all it does.
        if (!stored.IsWhole && !local.Covers(peer))
            throw new SyncRefusedException($"Replica {_db.ReplicaDid} holds commit {commit.Id} only in part ({local}) and the peer needs it whole ({peer}): sync it with a replica that holds everything it needs first.");
        var context = new EffectContext(commit.Origin, commit.Seq, commit.Time);
        var projected = new byte[]?[stored.OpBlocks.Count];
        for (int i = 0; i < projected.Length; i++)
            if (stored.OpBlocks[i] is { } block && DocumentOp.Decode(block, context) is var op && peer.Matches(op.Collection, op.Id))
                projected[i] = block;
        return projected;
    }

    private IReadOnlyList<SyncFrame> OnHello(HelloFrame hello, long now)
    {
        if (_peerHello is not null)
        {
            // The peer said hello again: our answer got lost. Answer again (the same hello and proof).
            if (hello.Replica != _peerHello.Replica || !hello.Nonce.AsSpan().SequenceEqual(_peerHello.Nonce)) throw Refusal.PeerSent("a second, different hello");
            return Role == SyncRole.Acceptor ? [Hello(), Proof()] : [Proof()];
        }
        if (hello.Version != SyncFrame.ProtocolVersion) throw Refusal.PeerSent($"protocol version {hello.Version}; this replica speaks {SyncFrame.ProtocolVersion}");
        if (hello.Database != _db.Name) throw Refusal.PeerSent($"a hello for database '{Documents.Names.Clip(hello.Database)}' on a session for '{_db.Name}'");
        if (!DidKey.IsValid(hello.Replica)) throw Refusal.PeerSent($"a hello from '{Documents.Names.Clip(hello.Replica)}', which is not a did:key");
        if (hello.Replica == _db.ReplicaDid) throw Refusal.PeerSent("a hello from this very replica: a replica does not sync with itself");
        if (hello.Nonce.Length != 16) throw Refusal.PeerSent("a nonce that is not 16 bytes");
        if (Role == SyncRole.Acceptor)
        {
            if (hello.Sends && !_permission.MayPush) throw new ForbiddenException($"The token may not write database '{_db.Name}', so the peer may not push to it.");
            if (hello.Wants && !_permission.MayPull) throw new ForbiddenException($"The token may not read database '{_db.Name}', so the peer may not pull from it.");
            Sends = hello.Wants;
            Wants = hello.Sends;
        }
        else
        {
            if (Sends && !hello.Wants) throw Refusal.PeerSent("a hello that does not take the commits this side pushes");
            if (Wants && !hello.Sends) throw Refusal.PeerSent("a hello that does not send the commits this side pulls");
        }
        _peerHello = hello;
        _helloSentAt = now;
        _peerHas = hello.Clock.Clone();
        _cursor = StartFor(_peerHas);
        _lastProgressAt = now;
        return Role == SyncRole.Acceptor ? [Hello(), Proof()] : [Proof()];
    }

    private ProofFrame Proof() => new(_identity.Sign(SyncFrameCodec.ProofPayload(_db.Name, _peerHello!.Nonce, _db.ReplicaDid)));

    private void OnPeerHas(VersionVector clock, long now)
    {
        bool advanced = Missing(clock, _peerHas) > 0;
        _peerHas.Merge(clock);
        if (_inFlight.RemoveAll(c => _peerHas.Get(c.Origin) >= c.Seq) > 0 || advanced) _lastProgressAt = now;
    }

    /// <summary>The first position holding a commit the peer lacks: the smallest, over every origin the
    /// peer is behind on, of where that origin's next commit was applied here (the origin index).</summary>
    private long StartFor(VersionVector peer)
    {
        var local = _db.Runtime.Record;
        long start = local.Position + 1;
        foreach (var (origin, seq) in local.Clock)
        {
            if (seq <= peer.Get(origin)) continue;
            var position = _db.PositionOf(origin, peer.Get(origin) + 1) ?? throw new CorruptDataException($"Commit {peer.Get(origin) + 1} of {origin} is counted but not indexed.");
            start = Math.Min(start, position);
        }
        return start;
    }

    private async Task<IReadOnlyList<SyncFrame>> OnCommitsAsync(CommitsFrame frame, long now, CancellationToken cancellation)
    {
        if (!Wants) throw Refusal.PeerSent("commits on a session where this side receives nothing");
        var local = _db.Runtime.Record.Clock;
        var fresh = new List<RemoteCommit>();
        foreach (var shipped in frame.Commits)
        {
            var commit = Commit.Decode(shipped.Block);
            string where = $"commit {commit.Id} (seq {commit.Seq} of {commit.Origin})";
            if (commit.Database != _db.Name) throw new InvalidCommitException($"{where} belongs to database '{Documents.Names.Clip(commit.Database)}', not '{_db.Name}'.");
            if (commit.Ops.Count != shipped.OpBlocks.Count) throw new InvalidCommitException($"{where} links {commit.Ops.Count} operations but {shipped.OpBlocks.Count} came with it.");
            if (!DidKey.IsValid(commit.Origin)) throw new InvalidCommitException($"{where} names an origin that is not a did:key.");
            _peerHas.Advance(commit.Origin, commit.Seq);
            if (local.Get(commit.Origin) >= commit.Seq)
            {
                // Held already, or the origin signed two different commits with one seq.
                if (!_db.HasCommit(commit.Id)) throw new InvalidCommitException($"{where} has a seq this replica already holds another commit for: its origin forked its history.");
                CommitsSkipped++;
                continue;
            }
            if (_pending.ContainsKey(commit.Id)) { CommitsSkipped++; continue; }
            fresh.Add(new RemoteCommit(commit, shipped.OpBlocks));
        }

        // Hashes and signatures first, in parallel: nothing the peer forged reaches the pipeline.
        var checkedCommits = new RemoteCommit[fresh.Count];
        try
        {
            Parallel.For(0, fresh.Count, new ParallelOptions { MaxDegreeOfParallelism = fresh.Count >= 32 ? Environment.ProcessorCount : 1 }, i => checkedCommits[i] = Checked(fresh[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions[0] is CausewayException first)
        {
            throw first;
        }
        int dropped = 0;
        foreach (var remote in checkedCommits)
        {
            if (_pending.Count < _options.MaxPending) _pending[remote.Commit.Id] = remote;
            else dropped++;
        }

        var ready = ReadyToApply(local);
        if (ready.Count > 0)
        {
            await ApplyAsync(ready, cancellation).ConfigureAwait(false);
            _uselessFrames = 0;
        }
        else if (dropped > 0 && ++_uselessFrames > _options.MaxUselessFrames)
        {
            // Only a full buffer counts: after one lost frame an honest sender's whole window can arrive
            // before the resend, each frame unusable yet, and the window is smaller than the buffer.
            throw Refusal.PeerSent($"{_uselessFrames} frames in a row of commits whose parents never came, with the pending buffer full");
        }
        CheckForGaps();
        return [Ack()];
    }

    private AckFrame Ack() => new(_db.Runtime.Record.Clock.Clone(), _peerReady?.Clone());

    private async Task ApplyAsync(List<RemoteCommit> ready, CancellationToken cancellation)
    {
        var result = await _db.ApplyAsync(ready, cancellation).ConfigureAwait(false);
        foreach (var remote in ready) _pending.Remove(remote.Commit.Id);
        CommitsApplied += result.Applied;
        CommitsSkipped += result.Skipped;
    }

    private static RemoteCommit Checked(RemoteCommit remote)
    {
        var commit = remote.Commit;
        for (int j = 0; j < commit.Ops.Count; j++)
            if (remote.OpBlocks[j] is { } block && !commit.Ops[j].HashMatches(block)) throw new InvalidCommitException($"Commit {commit.Id}: operation {j} does not hash to {commit.Ops[j]}.");
        if (!commit.HasValidSignature()) throw new InvalidCommitException($"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin}) does not carry a valid signature of its origin.");
        return remote with { SignatureVerified = true };
    }

    /// <summary>Pending commits whose parents are all held (or come earlier in the list) and that are the
    /// next of their origin, in an order that respects both.</summary>
    private List<RemoteCommit> ReadyToApply(VersionVector local)
    {
        var clock = local.Clone();
        var ready = new List<RemoteCommit>();
        var readyIds = new HashSet<Cid>();
        var waiting = _pending.Values.OrderBy(c => c.Commit.Time).ThenBy(c => c.Commit.Id).ToList();
        bool progress = true;
        while (progress && waiting.Count > 0)
        {
            progress = false;
            for (int i = 0; i < waiting.Count; i++)
            {
                var commit = waiting[i].Commit;
                if (clock.Get(commit.Origin) >= commit.Seq)
                {
                    // Another session applied it meanwhile.
                    _pending.Remove(commit.Id);
                    waiting.RemoveAt(i--);
                    continue;
                }
                if (clock.Get(commit.Origin) + 1 != commit.Seq) continue;
                if (!commit.Parents.All(p => readyIds.Contains(p) || _db.HasCommit(p))) continue;
                ready.Add(waiting[i]);
                readyIds.Add(commit.Id);
                clock.Advance(commit.Origin, commit.Seq);
                waiting.RemoveAt(i--);
                progress = true;
            }
        }
        return ready;
    }

    /// <summary>A waiting commit whose whole causal past is here, yet whose origin's previous commit is
    /// not, skips a seq: its origin's previous commit is always among its ancestors.</summary>
    private void CheckForGaps()
    {
        if (_pending.Count == 0) return;
        var local = _db.Runtime.Record.Clock;
        foreach (var remote in _pending.Values)
        {
            var commit = remote.Commit;
            if (commit.Seq > local.Get(commit.Origin) + 1 && commit.Parents.All(_db.HasCommit))
                throw new InvalidCommitException($"Commit {commit.Id} is seq {commit.Seq} of {commit.Origin}, but this replica holds only up to {local.Get(commit.Origin)} and every parent: a gap in the sequence.");
        }
    }

    private static long Missing(VersionVector have, VersionVector other)
    {
        long missing = 0;
        foreach (var (origin, seq) in have) missing += Math.Max(0, seq - other.Get(origin));
        return missing;
    }

}

using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>This side's commits to the peer: from the first position holding one the peer lacks, in
/// the order they were applied here (a causal order), in batches, within the window of commits not
/// yet acknowledged; then a ready mark at the end of the backlog. Acks move the window on; after a
/// silence it starts again from what the peer acknowledged.</summary>
internal sealed class CommitSender(StoredDatabase db, SyncOptions options, Authority.AuthorityStore authority)
{
    private Subscription _peerHolds = Subscription.Everything;
    private long _cursor = 1;
    private readonly List<(string Origin, long Seq)> _inFlight = [];
    private readonly HashSet<string> _anchored = [];   // origins whose anchor went out since the cursor (re)started
    private long _lastProgressAt;
    private VersionVector? _readyClock;
    private bool _readyAcknowledged;

    /// <summary>What the peer is known to hold: its hello, its acks, and what it sent (the receiver notes that).</summary>
    public VersionVector PeerHas { get; private set; } = new();

    public long CommitsSent { get; private set; }
    public long Retransmits { get; private set; }

    /// <summary>The ready mark was sent, the peer said it got it, and it holds all the mark says.</summary>
    public bool Delivered => _readyClock is not null && _readyAcknowledged && PeerHas.Dominates(_readyClock);

    /// <summary>The peer's hello: start from what it holds.</summary>
    public void Start(HelloFrame peer, long now)
    {
        _peerHolds = peer.Holds;
        PeerHas = peer.Clock.Clone();
        _cursor = StartFor(PeerHas);
        _lastProgressAt = now;
    }

    /// <summary>Something moved (the handshake finished): the retransmit timer starts again.</summary>
    public void Progressed(long now) => _lastProgressAt = now;

    public void OnAck(AckFrame ack, long now)
    {
        bool advanced = Missing(ack.Clock, PeerHas) > 0;
        PeerHas.Merge(ack.Clock);
        if (_inFlight.RemoveAll(c => PeerHas.Get(c.Origin) >= c.Seq) > 0 || advanced) _lastProgressAt = now;
        if (!_readyAcknowledged && _readyClock is not null && ack.Ready is not null && ack.Ready.Dominates(_readyClock))
        {
            _readyAcknowledged = true;
            _lastProgressAt = now;
        }
    }

    /// <summary>Adds the frames to send now: a resend after silence, the next batches of the backlog
    /// or of new commits (within the window), a ready mark.</summary>
    public void Pump(List<SyncFrame> frames, long now, CancellationToken cancellation)
    {
        // The ready mark counts as in flight until an ack says it arrived: without it the peer never
        // knows it has caught up, and holding what the mark says does not mean it got the mark.
        bool waiting = _inFlight.Count > 0 || (_readyClock is not null && !_readyAcknowledged);
        if (waiting && now - _lastProgressAt >= (long)options.RetransmitAfter.TotalMilliseconds)
        {
            // Nothing acknowledged for a while: frames were lost. Start again from what the peer holds.
            Retransmits++;
            _inFlight.Clear();
            _readyClock = null;
            _cursor = StartFor(PeerHas);
            _anchored.Clear();
            _lastProgressAt = now;
        }

        var record = db.Runtime.Record;
        var batch = new List<ShippedCommit>();
        var batchProofs = new HashSet<Encoding.Cid>();
        int batchBytes = 0;
        while (_cursor <= record.Position && _inFlight.Count < options.Window)
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = db.PositionEntry(_cursor) ?? throw new CorruptDataException($"Position {_cursor} of database '{db.Name}' is missing.");
            var stored = db.CommitRecordOf(entry.Commit) ?? throw new CorruptDataException($"Commit {entry.Commit} is missing.");
            var decoded = Commit.Decode(stored.Block);
            var (origin, seq) = (decoded.Origin, decoded.Seq);
            _cursor++;
            if (PeerHas.Get(origin) >= seq) continue;
            if (seq > 1 && PeerHas.Get(origin) == seq - 1 && _anchored.Add(origin) && Anchor(origin, seq - 1) is { } anchor)
            {
                batch.Add(anchor);
                batchBytes += anchor.ByteSize;
            }
            var shipped = new ShippedCommit(stored.Block, ShippedOps(decoded, stored, record.Holds));
            if (batch.Count > 0 && (batch.Count >= options.BatchCommits || batchBytes + shipped.ByteSize > options.BatchBytes))
            {
                frames.Add(new CommitsFrame(batch));
                batch = [];
                batchProofs.Clear();
                batchBytes = 0;
            }
            if (decoded.Capability is { } cap) shipped = shipped with { Proofs = ProofsFor(cap, batchProofs) };
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
    }

    /// <summary>The commit the peer claims to hold just before the first one shipped of its origin, as its
    /// bare block (no operations): the receiver skips it if it holds that very commit, and reports a fork
    /// if it holds another under that seq. Without it a fork would go unseen: the next commits would wait
    /// forever for a parent the peer never sends, because its clock says it has it.</summary>
    private ShippedCommit? Anchor(string origin, long seq)
    {
        if (db.PositionOf(origin, seq) is not { } position || db.PositionEntry(position) is not { } entry || db.CommitRecordOf(entry.Commit) is not { } stored) return null;
        return new ShippedCommit(stored.Block, new byte[]?[stored.OpBlocks.Count]);
    }

    /// <summary>The delegations a capability names that this frame does not carry yet: each goes once per
    /// frame, so a frame can be checked on its own whatever was lost before it.</summary>
    private byte[][] ProofsFor(Ledger.CommitCapability cap, HashSet<Encoding.Cid> inFrame)
    {
        List<byte[]>? proofs = null;   // none, for every commit of a frame but the first of its chain
        foreach (var cid in cap.Proofs)
            if (inFrame.Add(cid) && authority.Find(cid) is { } proof) (proofs ??= []).Add(proof.Bytes.ToArray());
        return proofs is null ? [] : [.. proofs];
    }

    /// <summary>What the peer is shipped of a stored commit: all of it, or (for a partial peer, or when this
    /// replica holds only part of it) the operations the peer holds, null for the rest.</summary>
    private IReadOnlyList<byte[]?> ShippedOps(Commit commit, CommitRecord stored, Subscription local)
    {
        var peer = _peerHolds;
        if (peer.IsEverything && stored.IsWhole) return stored.OpBlocks;
        // Our missing operations are outside what we hold; they are outside what the peer holds only if we hold all it does.
        if (!stored.IsWhole && !local.Covers(peer))
            throw new SyncRefusedException($"Replica {db.ReplicaDid} holds commit {commit.Id} only in part ({local}) and the peer needs it whole ({peer}): sync it with a replica that holds everything it needs first.");
        var context = new EffectContext(commit.Origin, commit.Seq, commit.Time);
        var projected = new byte[]?[stored.OpBlocks.Count];
        for (int i = 0; i < projected.Length; i++)
            if (stored.OpBlocks[i] is { } block && DocumentOp.Decode(block, context) is var op && peer.Matches(op.Collection, op.Id))
                projected[i] = block;
        return projected;
    }

    /// <summary>The first position holding a commit the peer lacks: the smallest, over every origin the
    /// peer is behind on, of where that origin's next commit was applied here (the origin index).</summary>
    private long StartFor(VersionVector peer)
    {
        var local = db.Runtime.Record;
        long start = local.Position + 1;
        foreach (var (origin, seq) in local.Clock)
        {
            if (seq <= peer.Get(origin)) continue;
            var position = db.PositionOf(origin, peer.Get(origin) + 1) ?? throw new CorruptDataException($"Commit {peer.Get(origin) + 1} of {origin} is counted but not indexed.");
            start = Math.Min(start, position);
        }
        return start;
    }

    /// <summary>How many commits <paramref name="have"/> counts that <paramref name="other"/> does not.</summary>
    public static long Missing(VersionVector have, VersionVector other)
    {
        long missing = 0;
        foreach (var (origin, seq) in have) missing += Math.Max(0, seq - other.Get(origin));
        return missing;
    }
}

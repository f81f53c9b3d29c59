using Causeway.Clocks;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>The sync protocol for one database over one connection, with no I/O of its own: frames go
/// in through <see cref="ReceiveAsync"/>, and the frames to send come back from it and from
/// <see cref="PumpAsync"/>, which a driver calls when the database changes or time passes. The
/// simulator drives it with a virtual clock and a lossy network; <see cref="SyncConnection"/> drives it
/// over a real channel. Not thread-safe: one caller at a time.</summary>
/// <remarks>It routes each frame to the part whose job it is: the <see cref="Handshake"/>, the
/// <see cref="CommitSender"/> (this side's commits and the peer's acks), the <see cref="CommitReceiver"/>
/// (the peer's commits and ready marks) and the <see cref="ReservationExchange"/> (asks and answers).</remarks>
public sealed class SyncSession : IReservationPeer
{
    private readonly StoredDatabase _db;
    private readonly SyncOptions _options;
    private readonly Handshake _handshake;
    private readonly CommitSender _sender;
    private readonly CommitReceiver _receiver;
    private readonly ReservationExchange _reservations;
    private volatile VersionVector _published = new();   // a copy of what the peer has, which other threads may read
    private Action? _caughtUp;   // told once, when this side first holds the peer's whole backlog

    internal SyncSession(SyncEndpoint local, SyncRole role, bool sends, bool wants, SyncOptions? options = null, SyncPermission? permission = null)
    {
        _db = local.Database;
        Time = local.Time;
        _options = options ?? SyncOptions.Default;
        _handshake = new Handshake(local, role, sends, wants, permission ?? SyncPermission.All);
        _sender = new CommitSender(_db, _options, local.Authority);
        _receiver = new CommitReceiver(_db, _options);
        _reservations = new ReservationExchange(local.Reservations, this);
        _caughtUp = local.CaughtUp;
    }

    public SyncRole Role => _handshake.Role;

    /// <summary>Whether this side streams its commits (for an acceptor, settled by the peer's hello).</summary>
    public bool Sends => _handshake.Sends;

    /// <summary>Whether this side takes the peer's commits.</summary>
    public bool Wants => _handshake.Wants;

    internal StoredDatabase Database => _db;

    /// <summary>The replica's time, which the driver of the session runs on.</summary>
    internal TimeProvider Time { get; }

    /// <summary>The peer's DID, once its hello arrived.</summary>
    public string? PeerDid => _handshake.PeerHello?.Replica;

    public bool Established => _handshake.Established;

    /// <summary>What the peer holds, as far as this side knows (its hello, its acks, what it sent).</summary>
    public VersionVector PeerClock => _published.Clone();

    /// <summary>The peer ended the session with an error frame (so there is no need to send one back).</summary>
    public bool EndedByPeer { get; private set; }

    public long CommitsSent => _sender.CommitsSent;
    public long CommitsApplied => _receiver.CommitsApplied;
    public long CommitsSkipped => _receiver.CommitsSkipped;
    public long Retransmits => _sender.Retransmits;

    /// <summary>Commits this replica holds that the peer does not (yet) acknowledge.</summary>
    public long PeerLacks => CommitSender.Missing(_db.Runtime.Record.Clock, _published);

    /// <summary>Commits the peer holds that this replica has not applied.</summary>
    public long Lacks => CommitSender.Missing(_published, _db.Runtime.Record.Clock);

    /// <summary>For a one-shot sync: both directions have caught up with what the other side held
    /// when it reached the end of its backlog.</summary>
    /// <remarks>The peer must also have said it got the ready mark: it needs it to finish, and its ack
    /// of the mark is then the last frame it sends, so a once-initiator never closes on it.</remarks>
    public bool CaughtUp => Established && (!Wants || _receiver.Received) && (!Sends || _sender.Delivered);

    /// <summary>The initiator's first frame; an acceptor answers the peer's hello instead.</summary>
    public IReadOnlyList<SyncFrame> Open(long now) => _handshake.Open(now);

    /// <summary>Handles one frame from the peer and answers with the frames to send back. A broken
    /// protocol or an invalid commit raises a <see cref="CausewayException"/>: the driver sends it as
    /// an <see cref="ErrorFrame"/> and ends the session; nothing of the refused frame was applied.</summary>
    public Task<IReadOnlyList<SyncFrame>> ReceiveAsync(SyncFrame frame, long now, CancellationToken cancellation = default)
        => ReceiveAsync(frame, null, now, cancellation);

    /// <summary>The same, for a commits frame whose commits were checked ahead (<paramref name="check"/>).</summary>
    internal async Task<IReadOnlyList<SyncFrame>> ReceiveAsync(SyncFrame frame, CommitCheck? check, long now, CancellationToken cancellation = default)
    {
        try { return await ReceiveCoreAsync(frame, check, now, cancellation).ConfigureAwait(false); }
        finally
        {
            _published = _sender.PeerHas.Clone();
            NoteCaughtUp();
        }
    }

    private void NoteCaughtUp()
    {
        if (_caughtUp is null || !Wants || !_receiver.Received) return;
        _caughtUp();
        _caughtUp = null;
    }

    private async Task<IReadOnlyList<SyncFrame>> ReceiveCoreAsync(SyncFrame frame, CommitCheck? check, long now, CancellationToken cancellation)
    {
        switch (frame)
        {
            case HelloFrame hello:
                bool opening = _handshake.PeerHello is null;
                var answer = _handshake.OnHello(hello, now);
                if (opening) _sender.Start(hello, now);
                return answer;
            case ProofFrame proof:
                if (!_handshake.OnProof(proof)) return [];
                _sender.Progressed(now);
                _reservations.Attach();
                if (Sends) await _reservations.WelcomeAsync(cancellation).ConfigureAwait(false);
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
            if (_handshake.PeerHello is not null) return [];
            throw Refusal.PeerSent($"a {frame.GetType().Name} before the handshake finished");
        }
        switch (frame)
        {
            case CommitsFrame commits:
                if (!Wants) throw Refusal.PeerSent("commits on a session where this side receives nothing");
                return [await _receiver.ReceiveAsync(commits, _sender.PeerHas, cancellation, check).ConfigureAwait(false)];
            case AckFrame ack:
                if (Sends) _sender.OnAck(ack, now);
                return [];
            case AskFrame ask:
                return await _reservations.OnAskAsync(ask, cancellation).ConfigureAwait(false);
            case AnswerFrame answer:
                _reservations.OnAnswer(answer);
                return [];
            case ReadyFrame ready:
                if (!Wants) throw Refusal.PeerSent("a ready mark although this side receives nothing");
                return [_receiver.OnReady(ready, _sender.PeerHas)];
            default:
                throw Refusal.PeerSent($"an unexpected {frame.GetType().Name}");
        }
    }

    /// <summary>The frames to send now: the handshake again if it got lost, the next batches of the
    /// backlog or of new commits (within the window), a ready mark, or a resend after silence.</summary>
    public async Task<IReadOnlyList<SyncFrame>> PumpAsync(long now, CancellationToken cancellation = default)
    {
        try { return await PumpCoreAsync(now, cancellation).ConfigureAwait(false); }
        finally
        {
            _published = _sender.PeerHas.Clone();
            NoteCaughtUp();
        }
    }

    private async Task<IReadOnlyList<SyncFrame>> PumpCoreAsync(long now, CancellationToken cancellation)
    {
        var frames = new List<SyncFrame>();
        if (!Established)
        {
            _handshake.Resend(frames, now, (long)_options.RetransmitAfter.TotalMilliseconds);
            return frames;
        }
        _reservations.Drain(frames);
        if (Wants && await _receiver.ApplyWaitingAsync(cancellation).ConfigureAwait(false) is { } ack) frames.Add(ack);
        if (Sends) _sender.Pump(frames, now, cancellation);
        return frames;
    }

    /// <summary>Queues a frame of the reservation exchange (an ask) for the next <see cref="PumpAsync"/>;
    /// safe from any thread.</summary>
    public void Send(SyncFrame frame) => _reservations.Send(frame);

    /// <summary>Completes when <see cref="Send"/> queued something: the driver wakes to pump it out.</summary>
    public Task Outgoing => _reservations.Outgoing;

    /// <summary>The session is over: this replica stops asking its peer for anything.</summary>
    public void Close() => _reservations.Close();

    bool IReservationPeer.CanGrant => Established && Wants;
    int IReservationPeer.Order => (int)Role;
    void IReservationPeer.Send(Ask ask) => _reservations.Ask(ask);
}

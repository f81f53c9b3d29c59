using System.Collections.Concurrent;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>This replica's asks: which connected peers to ask and in what order (<see cref="FirstToAsk"/>
/// first, the rest if it refuses), the asks pending an answer, and when one is settled (a grant
/// applied here, every peer refused, the time is up, or every peer asked went away).</summary>
internal sealed class AskRouting(StoredDatabase db, Holdings holdings, TimeProvider time)
{
    private readonly ConcurrentDictionary<IReservationPeer, byte> _sessions = new();
    private readonly ConcurrentDictionary<long, PendingAsk> _pending = new();
    private readonly ConcurrentDictionary<Reservation, Lazy<Task<AskOutcome>>> _inFlight = new();
    private long _nextId, _asked, _granted, _relayed, _timedOut;

    /// <summary>Asks sent to at least one peer.</summary>
    public long Asked => Interlocked.Read(ref _asked);

    /// <summary>Asks answered with a grant that was then applied here.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Asks sent on a peer's behalf (relays), and asks of any kind that ran out of time.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>The asks in flight, by what they ask for (the simulator waits for them to settle).</summary>
    public IEnumerable<KeyValuePair<Reservation, Task<AskOutcome>>> InFlight => _inFlight.Select(e => KeyValuePair.Create(e.Key, e.Value.Value));

    /// <summary>The asks sent and not yet settled, by id, with their answer so far and whether each is a
    /// relay (asked on a peer's behalf, so never in <see cref="InFlight"/>) (for the simulator).</summary>
    public IEnumerable<(long Id, bool Relayed, Task<AskOutcome> Outcome)> Pending => _pending.Select(e => (e.Key, e.Value.Relayed, e.Value.Outcome));

    private readonly ConcurrentDictionary<long, Task<AskOutcome>> _waits = new();
    private long _nextWait;

    /// <summary>Writes waiting now for the answer to an ask (the simulator looks, to know when a write
    /// that asked has parked on the network rather than running). A write stops counting the moment
    /// its ask ends, not when it resumes: in between it is work queued to run, not parked.</summary>
    public int WritesWaiting => _waits.Values.Count(ask => !ask.IsCompleted);

    /// <summary>A write's wait for <paramref name="ask"/>, counted in <see cref="WritesWaiting"/>.</summary>
    public async Task<AskOutcome> WaitForAsync(Task<AskOutcome> ask)
    {
        long id = Interlocked.Increment(ref _nextWait);
        _waits[id] = ask;
        try { return await ask.ConfigureAwait(false); }
        finally { _waits.TryRemove(id, out _); }
    }

    public void Attach(IReservationPeer session) => _sessions.TryAdd(session, 0);

    public void Detach(IReservationPeer session)
    {
        _sessions.TryRemove(session, out _);
        foreach (var (_, ask) in _pending)
            lock (ask)
            {
                ask.Later.Remove(session);
                if (ask.Waiting.Remove(session) && ask.Waiting.Count == 0 && !ask.AskTheRest())
                    ask.Complete(AskOutcome.Refused(ErrorCodes.ReservationUnavailable, "every peer asked went away"));
            }
    }

    /// <summary>See <see cref="Reservations.AskAsync"/>. A relay (<paramref name="except"/> set: asking
    /// on a peer's behalf) never joins an ask already in flight, which may be waiting on that very peer.</summary>
    public Task<AskOutcome> AskAsync(Reservation what, TimeSpan timeout, IReservationPeer? except = null)
    {
        if (except is not null) return AskCoreAsync(what, timeout, except);
        // Lazy, so only the stored entry's ask runs; its removal is attached once it is stored, so an
        // ask that ends at once can never outlive itself in the table.
        var mine = new Lazy<Task<AskOutcome>>(() => AskCoreAsync(what, timeout, null));
        var stored = _inFlight.GetOrAdd(what, mine);
        var task = stored.Value;
        if (ReferenceEquals(stored, mine))
            task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<Reservation, Lazy<Task<AskOutcome>>>(what, mine)), TaskScheduler.Default);
        return task;
    }

    private async Task<AskOutcome> AskCoreAsync(Reservation what, TimeSpan timeout, IReservationPeer? except)
    {
        // In a fixed order (the table's follows hash codes): which peer goes first must not depend on the run.
        var peers = _sessions.Keys.Where(s => s != except && s.CanGrant)
            .OrderBy(s => s.PeerDid, StringComparer.Ordinal).ThenBy(s => s.Order).ToList();
        if (peers.Count == 0) return AskOutcome.Refused(ErrorCodes.ReservationUnavailable, "no peer that could grant it is connected");
        Interlocked.Increment(ref _asked);
        if (except is not null) Interlocked.Increment(ref _relayed);
        long id = Interlocked.Increment(ref _nextId);
        var frame = new Ask(id, what, Relayed: except is not null);
        var first = FirstToAsk(what, peers);
        var ask = first is null ? new PendingAsk(frame, [.. peers], []) : new PendingAsk(frame, [first], [.. peers.Where(p => p != first)]);
        _pending[id] = ask;
        try
        {
            lock (ask)
                foreach (var peer in ask.Waiting) peer.Send(frame);
            using var expiry = new CancellationTokenSource(timeout, time);
            var outcome = await AwaitGrantAsync(ask, timeout, expiry.Token).ConfigureAwait(false);
            Telemetry.Instruments.RightsAsks.Add(1, Telemetry.Instruments.Outcome(outcome.IsGranted));
            return outcome;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>The answer to an ask, once a granting commit is applied here; refused at the deadline.</summary>
    private async Task<AskOutcome> AwaitGrantAsync(PendingAsk ask, TimeSpan timeout, CancellationToken expiry)
    {
        AskOutcome outcome;
        try { outcome = await ask.Outcome.WaitAsync(expiry).ConfigureAwait(false); }
        catch (OperationCanceledException) { Interlocked.Increment(ref _timedOut); return AskOutcome.Refused(ErrorCodes.ReservationUnavailable, $"no peer answered within {timeout.TotalMilliseconds:0} ms"); }
        if (outcome.Commit is not { } commit) return outcome;
        // The grant is a commit of the peer's: the ask is answered once it is applied here.
        while (!db.HasCommit(commit))
        {
            var changed = db.Runtime.Changed;
            if (db.HasCommit(commit)) break;
            try { await changed.WaitAsync(expiry).ConfigureAwait(false); }
            catch (OperationCanceledException) { Interlocked.Increment(ref _timedOut); return AskOutcome.Refused(ErrorCodes.ReservationUnavailable, $"the grant {commit} did not arrive within {timeout.TotalMilliseconds:0} ms"); }
        }
        Interlocked.Increment(ref _granted);
        return outcome;
    }

    /// <summary>A peer's answer to one of this replica's asks.</summary>
    public void Answered(IReservationPeer from, Answer answer)
    {
        if (!_pending.TryGetValue(answer.Id, out var ask)) return;   // late, or for an ask already settled
        if (answer.Granted > 0 && answer.Commit is not null) { ask.Complete(new AskOutcome(answer.Granted, answer.Commit, null, answer.Detail)); return; }
        lock (ask)
        {
            ask.Waiting.Remove(from);
            ask.LastRefusal = answer;
            if (ask.Waiting.Count == 0 && !ask.AskTheRest()) ask.Complete(AskOutcome.Refused(answer.Code ?? ErrorCodes.ReservationUnavailable, answer.Detail));
        }
    }

    /// <summary>The one peer to ask before any other, when this replica's view of the ledger says it
    /// can grant alone: the replica known to hold the most of the rights (if enough), the holder of
    /// a unique value, the home for a block of ids. Asking everyone at once would have several grant
    /// the same need. Null: ask all at once (no peer known to suffice; the view may be stale, which
    /// costs a round trip, since the others are asked when that one refuses).</summary>
    private IReservationPeer? FirstToAsk(Reservation what, IReadOnlyList<IReservationPeer> peers)
    {
        if (peers.Count < 2) return null;
        switch (what.Kind)
        {
            case Reservation.Rights:
                IReservationPeer? best = null;
                Int128 most = 0;
                foreach (var peer in peers)
                    if (peer.PeerDid is { } did && holdings.RightsHeld(what, did).Held is var held && held > most) (best, most) = (peer, held);
                return most >= what.Amount ? best : null;
            case Reservation.Value:
                string holder = holdings.HolderOf(what.Id);
                return peers.FirstOrDefault(p => p.PeerDid == holder);
            default:
                string? home = db.SchemaAt(db.Position).Schema.Home;
                return peers.FirstOrDefault(p => p.PeerDid == home);
        }
    }

    private sealed class PendingAsk(Ask frame, HashSet<IReservationPeer> waiting, HashSet<IReservationPeer> later)
    {
        private readonly TaskCompletionSource<AskOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public HashSet<IReservationPeer> Waiting { get; } = waiting;

        /// <summary>Peers asked only if those asked first all refuse.</summary>
        public HashSet<IReservationPeer> Later { get; } = later;

        /// <summary>Under the lock: sends the ask to the peers kept for later, if any are left.</summary>
        public bool AskTheRest()
        {
            if (Later.Count == 0) return false;
            foreach (var peer in Later) { Waiting.Add(peer); peer.Send(frame); }
            Later.Clear();
            return true;
        }

        public bool Relayed => frame.Relayed;

        public Answer? LastRefusal { get; set; }
        public Task<AskOutcome> Outcome => _outcome.Task;
        public void Complete(AskOutcome outcome) => _outcome.TrySetResult(outcome);
    }
}

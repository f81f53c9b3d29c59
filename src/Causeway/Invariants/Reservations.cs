using System.Collections.Concurrent;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>What one database asks its peers for and grants them: rights over bounded counters
/// (and, through the same exchange, unique values and id blocks). Asks travel on the sync sessions
/// (see <see cref="IReservationPeer"/>); a grant is an ordinary commit of the granting replica (a rights
/// transfer), so it is signed, replicated and verifiable like any other write.</summary>
public sealed class Reservations
{
    private readonly StoredDatabase _db;
    private readonly bool _relayAsks;
    private readonly ConcurrentDictionary<IReservationPeer, byte> _sessions = new();
    private readonly ConcurrentDictionary<long, PendingAsk> _pending = new();
    private readonly ConcurrentDictionary<Reservation, Lazy<Task<AskOutcome>>> _inFlight = new();
    private long _nextId;

    /// <param name="rebalanceInterval">How often, at most, rights move on by themselves (null: only when <see cref="RebalanceAsync(CancellationToken)"/> is called).</param>
    /// <param name="relayAsks">Whether an ask this replica cannot grant alone is passed on to its other peers (one hop).</param>
    internal Reservations(StoredDatabase db, TimeSpan? rebalanceInterval, bool relayAsks)
    {
        _db = db;
        _relayAsks = relayAsks;
        if (rebalanceInterval is { } interval) _rebalancing = RebalanceLoopAsync(interval);
    }

    // ---- proactive rebalancing ----

    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _rebalancing;
    private readonly Dictionary<(string Collection, string Id, string Path, BoundSide Side), Dictionary<string, double>> _rates = [];

    /// <summary>Rights this replica handed on by rebalancing, unasked (for benchmarks and tests).</summary>
    public long Rebalanced => Interlocked.Read(ref _rebalanced);
    private long _rebalanced;

    /// <summary>How much each earlier spend still weighs when a new one comes: recent spending counts most.</summary>
    private const double Decay = 0.95;

    /// <summary>Weighs the spending seen since the last call and moves some of this replica's rights
    /// toward the replicas spending a counter faster than their share of it: each replica's fair share
    /// of the rights is in proportion to how fast it spends; one holding less than half its share gets,
    /// from a replica holding more than its own, the difference. Answers how many transfers were made.</summary>
    public async Task<int> RebalanceAsync(CancellationToken cancellation = default)
    {
        var spends = SpendLog.Of(_db.Runtime).Drain();
        var touched = new HashSet<(string, string, string, BoundSide)>();
        lock (_rates)
        {
            foreach (var spend in spends)
            {
                var key = (spend.Collection, spend.Id, spend.Path, spend.Side);
                if (!_rates.TryGetValue(key, out var rates)) _rates[key] = rates = new(StringComparer.Ordinal);
                foreach (var replica in rates.Keys.ToList()) rates[replica] *= Decay;
                rates[spend.Replica] = rates.GetValueOrDefault(spend.Replica) + spend.Amount;
                if (spend.Replica != _db.ReplicaDid) touched.Add(key);
            }
        }
        int transfers = 0;
        // In a fixed order (a set's follows string hashes, which differ between processes), so a run replays.
        foreach (var key in touched.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
                     .ThenBy(k => k.Item3, StringComparer.Ordinal).ThenBy(k => k.Item4))
        {
            Dictionary<string, double> rates;
            lock (_rates) rates = new(_rates[key], StringComparer.Ordinal);
            transfers += await RebalanceAsync(key, rates, cancellation).ConfigureAwait(false);
        }
        return transfers;
    }

    private async Task<int> RebalanceAsync((string Collection, string Id, string Path, BoundSide Side) key, Dictionary<string, double> rates, CancellationToken cancellation)
    {
        var what = new Reservation(Reservation.Rights, key.Collection, key.Id, key.Path, key.Side, 1);
        var (rule, held) = RightsHeld(what);
        if (rule is null || held <= 0 || (key.Side == BoundSide.Lower ? rule.Min : rule.Max) is null) return 0;
        var counter = _db.ReadVersion(key.Collection, key.Id, _db.Position)?.State.Fields.FieldAt(key.Path.Split('.'))?.BCounter;
        if (counter is null) return 0;
        string me = _db.ReplicaDid, home = _db.SchemaAt(_db.Position).Schema.Home ?? me;
        Int128 Rights(string replica) => BoundRules.Held(counter, replica, home, key.Side, rule.Min, rule.Max);
        // All rights there are: the counter's distance from its bound.
        var total = key.Side == BoundSide.Lower ? counter.ExactValue - (rule.Min ?? 0) : (rule.Max ?? 0) - counter.ExactValue;
        double spent = rates.Values.Sum();
        if (total <= 0 || spent <= 0) return 0;
        Int128 Share(string replica) => (Int128)((double)total * rates.GetValueOrDefault(replica) / spent);
        int transfers = 0;
        foreach (var (replica, _) in rates.OrderByDescending(r => r.Value))
        {
            if (replica == me) continue;
            // Give only from well above one's own share, so two replicas do not hand rights back and forth.
            Int128 share = Share(replica), theirs = Rights(replica), spare = held - Share(me) * 3 / 2;
            if (theirs * 2 >= share || spare <= 0) continue;
            var amount = (long)Int128.Min(Int128.Min(spare, share - theirs), long.MaxValue);
            if (amount <= 0) continue;
            try
            {
                await _db.CommitSystemAsync(key.Collection, key.Id, new DocumentIntent.TransferRights(key.Path, replica, key.Side, amount), cancellation).ConfigureAwait(false);
            }
            catch (InsufficientRightsException) { break; }   // spent here meanwhile
            held -= amount;
            transfers++;
            Interlocked.Add(ref _rebalanced, amount);
        }
        return transfers;
    }

    private async Task RebalanceLoopAsync(TimeSpan interval)
    {
        var stop = _stop.Token;
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SpendLog.Of(_db.Runtime).Logged.WaitAsync(stop).ConfigureAwait(false);
                await Task.Delay(interval, stop).ConfigureAwait(false);
                if (_db.Runtime.Dropped) return;
                await RebalanceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (CausewayException) { /* closing, dropped or short: the next spend tries again */ }
        }
    }

    internal async Task StopAsync()
    {
        _stop.Cancel();
        if (_rebalancing is not null) await _rebalancing.ConfigureAwait(false);
    }

    /// <summary>Asks answered with a grant, and asks that found no peer to answer (for benchmarks and tests).</summary>
    public long Asked => Interlocked.Read(ref _asked);
    public long Granted => Interlocked.Read(ref _granted);
    private long _asked, _granted;

    internal void Attach(IReservationPeer session) => _sessions.TryAdd(session, 0);

    internal void Detach(IReservationPeer session)
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

    /// <summary>Asks the connected peers that send commits here for <paramref name="what"/>: first the
    /// one this replica knows to hold it (see <see cref="FirstToAsk"/>), the others only if that one
    /// refuses; completes when one grant has been applied here, or when every peer asked has
    /// refused, or at <paramref name="timeout"/>. Concurrent asks for the same thing share one.</summary>
    /// <remarks>A relay (<paramref name="except"/> set: asking on a peer's behalf) never joins an ask
    /// already in flight, which may be waiting on that very peer.</remarks>
    public Task<AskOutcome> AskAsync(Reservation what, TimeSpan timeout) => AskAsync(what, timeout, null);

    internal Task<AskOutcome> AskAsync(Reservation what, TimeSpan timeout, IReservationPeer? except)
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
        long id = Interlocked.Increment(ref _nextId);
        var frame = new Ask(id, what, Relayed: except is not null);
        var first = FirstToAsk(what, peers);
        var ask = first is null ? new PendingAsk(frame, [.. peers], []) : new PendingAsk(frame, [first], [.. peers.Where(p => p != first)]);
        _pending[id] = ask;
        try
        {
            lock (ask)
                foreach (var peer in ask.Waiting) peer.Send(frame);
            using var expiry = new CancellationTokenSource(timeout);
            AskOutcome outcome;
            try { outcome = await ask.Outcome.WaitAsync(expiry.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return AskOutcome.Refused(ErrorCodes.ReservationUnavailable, $"no peer answered within {timeout.TotalMilliseconds:0} ms"); }
            if (outcome.Commit is not { } commit) return outcome;
            // The grant is a commit of the peer's: the ask is answered once it is applied here.
            while (!_db.HasCommit(commit))
            {
                var changed = _db.Runtime.Changed;
                if (_db.HasCommit(commit)) break;
                try { await changed.WaitAsync(expiry.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return AskOutcome.Refused(ErrorCodes.ReservationUnavailable, $"the grant {commit} did not arrive within {timeout.TotalMilliseconds:0} ms"); }
            }
            Interlocked.Increment(ref _granted);
            return outcome;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>A peer's answer to one of this replica's asks.</summary>
    internal void Answered(IReservationPeer from, Answer answer)
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

    /// <summary>Answers a peer's ask: grants what this replica can spare by a commit, or says why not.
    /// A replica that holds too little asks its own other peers first (a relay toward the holder).</summary>
    internal async Task<Answer> AnswerAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        try
        {
            if (what.Kind == Reservation.Value) return await HandOverAsync(from, ask, cancellation).ConfigureAwait(false);
            if (what.Kind == Reservation.Block) return await AllocateAsync(from, ask, cancellation).ConfigureAwait(false);
            var (granted, commit) = await GrantRightsAsync(from, what, relay: !ask.Relayed && _relayAsks, cancellation).ConfigureAwait(false);
            return granted > 0
                ? new Answer(ask.Id, granted, commit, null, $"granted {granted}")
                : new Answer(ask.Id, 0, null, ErrorCodes.InsufficientRights, $"this replica holds none of {what} to spare");
        }
        catch (CausewayException e)
        {
            return new Answer(ask.Id, 0, null, e.Code, e.Message);
        }
    }

    private async Task<(long Granted, Cid? Commit)> GrantRightsAsync(IReservationPeer from, Reservation what, bool relay, CancellationToken cancellation)
    {
        if (from.PeerDid is not { } peer) return (0, null);
        var (rule, held) = RightsHeld(what);
        if (rule is null) return (0, null);
        if (held < what.Amount && relay)
        {
            // Too little here: ask the other peers on the asker's behalf (once), then grant what came.
            await AskAsync(what with { Amount = (long)Int128.Min(long.MaxValue, what.Amount - Int128.Max(held, 0)) }, RelayTimeout, except: from).ConfigureAwait(false);
            (_, held) = RightsHeld(what);
        }
        if (held <= 0) return (0, null);
        // Hand over what was asked, and half of what is left besides: the asker is where rights are
        // being spent, and a generous grant saves the next ask.
        Int128 grant = Int128.Min(held, what.Amount + (held - what.Amount) / 2);
        long amount = (long)Int128.Min(grant, long.MaxValue);
        var result = await _db.CommitSystemAsync(what.Collection, what.Id, new DocumentIntent.TransferRights(what.Path, peer, what.Side, amount), cancellation).ConfigureAwait(false);
        return (amount, result.Commit);
    }

    /// <summary>Hands a unique value's reservation to the asking replica, if this one holds it (or
    /// can get it from its own peers) and no other live document uses the value.</summary>
    private async Task<Answer> HandOverAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        if (from.PeerDid is not { } peer || !Documents.Names.IsDocumentId(what.Id) || !what.Id.StartsWith(what.Collection + ".", StringComparison.Ordinal))
            return new Answer(ask.Id, 0, null, ErrorCodes.ReservationUnavailable, $"{what} names no reservation");
        if (HolderOf(what.Id) != _db.ReplicaDid)
        {
            if (ask.Relayed || !_relayAsks) return new Answer(ask.Id, 0, null, ErrorCodes.ReservationUnavailable, $"this replica does not hold {what.Id}");
            var relayed = await AskAsync(what, RelayTimeout, except: from).ConfigureAwait(false);
            if (!relayed.IsGranted) return new Answer(ask.Id, 0, null, relayed.Code ?? ErrorCodes.ReservationUnavailable, relayed.Detail);
        }
        var result = await _db.CommitSystemAsync(SystemCollections.Reservations, what.Id, new DocumentIntent.HandOver(peer, what.Path), cancellation).ConfigureAwait(false);
        return new Answer(ask.Id, 1, result.Commit, null, $"{what.Id} handed over");
    }

    /// <summary>The replica that holds a reservation now: its holder, or the home replica if it was never used.</summary>
    internal string HolderOf(string reservationId)
    {
        long at = _db.Position;
        Documents.DocumentState? Lookup(string collection, string id) => _db.ReadVersion(collection, id, at)?.State;
        var state = Lookup(SystemCollections.Reservations, reservationId);
        return state is { Exists: true } && state.Fields.ValueAt([UniqueRules.Holder]) is { Kind: Values.ValueKind.String } holder
            ? holder.AsString()
            : UniqueRules.DefaultHolder(Lookup, reservationId, _db.SchemaAt(at).Schema.Home ?? _db.ReplicaDid);
    }

    /// <summary>The home replica allocates a block of a sequence to the asking replica.</summary>
    private async Task<Answer> AllocateAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        var schema = _db.SchemaAt(_db.Position).Schema;
        if (from.PeerDid is not { } peer || schema.For(what.Collection) is not { Id: IdGeneration.Sequence })
            return new Answer(ask.Id, 0, null, ErrorCodes.ReservationUnavailable, $"'{Documents.Names.Clip(what.Collection)}' has no sequence");
        if (schema.Home != _db.ReplicaDid)
            return new Answer(ask.Id, 0, null, ErrorCodes.ReservationUnavailable, $"only the home replica {schema.Home} hands out blocks of '{what.Collection}'");
        long size = Math.Clamp(what.Amount, 1, 100_000);
        var result = await _db.CommitSystemAsync(SystemCollections.Sequences, what.Collection, new DocumentIntent.AllocateBlock(peer, size), cancellation).ConfigureAwait(false);
        return new Answer(ask.Id, size, result.Commit, null, $"a block of {size}");
    }

    // ---- sequence ids ----

    private readonly ConcurrentDictionary<string, SequenceBlocks> _sequences = new(StringComparer.Ordinal);

    /// <summary>The next number of a sequence collection: from this replica's blocks, or from a new
    /// block (allocated here on the home replica, asked of it elsewhere; reservation_unavailable
    /// when it cannot be reached within <paramref name="timeout"/>).</summary>
    internal async Task<long> NextSequenceAsync(string collection, TimeSpan timeout, CancellationToken cancellation)
    {
        string me = _db.ReplicaDid;
        var blocks = _sequences.GetOrAdd(collection, c => SequenceRules.Load(SequenceState(c), me));
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (blocks.TryNext(out long next)) return next;
            // Grants may have arrived since the blocks were loaded.
            foreach (var (start, size) in SequenceRules.Load(SequenceState(collection), me).Blocks) blocks.Grant(start, size);
            if (blocks.TryNext(out next)) return next;
            var schema = _db.SchemaAt(_db.Position).Schema;
            if ((schema.Home ?? me) == me)
                await _db.CommitSystemAsync(SystemCollections.Sequences, collection, new DocumentIntent.AllocateBlock(me, SequenceRules.BlockSize), cancellation).ConfigureAwait(false);
            else
            {
                var outcome = await AskAsync(new Reservation(Reservation.Block, collection, "", "", BoundSide.Lower, SequenceRules.BlockSize), timeout).ConfigureAwait(false);
                if (!outcome.IsGranted)
                    throw new ReservationUnavailableException($"'{collection}' numbers its documents from blocks of the home replica {schema.Home}, and this replica has none left: {outcome.Detail}.");
            }
        }
        throw new ReservationUnavailableException($"No block of '{collection}' could be had.");
    }

    private Documents.DocumentState? SequenceState(string collection) => _db.ReadVersion(SystemCollections.Sequences, collection, _db.Position)?.State;

    /// <summary>How long a replica relaying an ask waits for its own peers.</summary>
    public static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The rights this replica holds now over the counter an ask names (its rule, or null if it names none).</summary>
    internal (FieldRule? Rule, Int128 Held) RightsHeld(Reservation what) => RightsHeld(what, _db.ReplicaDid);

    /// <summary>The rights <paramref name="replica"/> holds over the counter, as this replica sees it.</summary>
    private (FieldRule? Rule, Int128 Held) RightsHeld(Reservation what, string replica)
    {
        var schema = _db.SchemaAt(_db.Position).Schema;
        var rule = schema.For(what.Collection)?.Field(what.Path);
        if (rule is not { IsBounded: true } || !_db.Holds.Matches(what.Collection, what.Id)) return (null, 0);
        var counter = _db.ReadVersion(what.Collection, what.Id, _db.Position)?.State.Fields.FieldAt(what.Path.Split('.'))?.BCounter;
        var home = schema.Home;
        Int128 held = counter is null
            ? (replica != home ? 0 : what.Side == BoundSide.Lower ? -(Int128)(rule.Min ?? 0) : rule.Max ?? 0)
            : BoundRules.Held(counter, replica, home, what.Side, rule.Min, rule.Max);
        return (rule, held);
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
                    if (peer.PeerDid is { } did && RightsHeld(what, did).Held is var held && held > most) (best, most) = (peer, held);
                return most >= what.Amount ? best : null;
            case Reservation.Value:
                string holder = HolderOf(what.Id);
                return peers.FirstOrDefault(p => p.PeerDid == holder);
            default:
                string? home = _db.SchemaAt(_db.Position).Schema.Home;
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

        public Answer? LastRefusal { get; set; }
        public Task<AskOutcome> Outcome => _outcome.Task;
        public void Complete(AskOutcome outcome) => _outcome.TrySetResult(outcome);
    }
}

/// <summary>How an ask ended: granted (an amount and the granting commit, applied here) or refused with a code.</summary>
public sealed record AskOutcome(long Granted, Cid? Commit, string? Code, string Detail)
{
    public bool IsGranted => Granted > 0;
    public static AskOutcome Refused(string code, string detail) => new(0, null, code, detail);
}

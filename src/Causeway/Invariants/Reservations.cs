using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>What one database asks its peers for and grants them: rights over bounded counters
/// (and, through the same exchange, unique values and id blocks). Asks travel on the sync sessions
/// (see <see cref="IReservationPeer"/>); a grant is an ordinary commit of the granting replica (a rights
/// transfer), so it is signed, replicated and verifiable like any other write. The work is done by
/// <see cref="Rebalancing"/>, <see cref="AskRouting"/>, <see cref="Grants"/>, <see cref="SequenceIds"/>
/// and <see cref="Holdings"/>; this is their one door.</summary>
public sealed class Reservations
{
    private readonly Holdings _holdings;
    private readonly AskRouting _routing;
    private readonly Grants _grants;
    private readonly SequenceIds _sequenceIds;
    private readonly Rebalancing _rebalancing;

    /// <param name="rebalanceInterval">How often, at most, rights move on by themselves (null: only when <see cref="RebalanceAsync(CancellationToken)"/> is called).</param>
    /// <param name="relayAsks">Whether an ask this replica cannot grant alone is passed on to its other peers (one hop).</param>
    /// <param name="time">The replica's time: an ask's timeout and the rebalancing interval run on it.</param>
    internal Reservations(StoredDatabase db, TimeSpan? rebalanceInterval, bool relayAsks, TimeProvider time)
    {
        _holdings = new Holdings(db);
        _routing = new AskRouting(db, _holdings, time);
        _grants = new Grants(db, _holdings, _routing, relayAsks);
        _sequenceIds = new SequenceIds(db, _routing, refill: rebalanceInterval is not null);
        _rebalancing = new Rebalancing(db, _holdings, rebalanceInterval, time);
    }

    /// <summary>How long a replica relaying an ask waits for its own peers.</summary>
    public static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(2);

    // ---- proactive rebalancing ----

    /// <summary>Rights this replica handed on by rebalancing, unasked (for benchmarks and tests).</summary>
    public long Rebalanced => _rebalancing.Rebalanced;

    /// <summary>Weighs the spending seen since the last call and moves some of this replica's rights
    /// toward the replicas spending a counter faster than their share of it: each replica's fair share
    /// of the rights is in proportion to how fast it spends; one holding less than half its share gets,
    /// from a replica holding more than its own, the difference. Answers how many transfers were made.</summary>
    public Task<int> RebalanceAsync(CancellationToken cancellation = default) => _rebalancing.RebalanceAsync(cancellation);

    internal Task StopAsync() => _rebalancing.StopAsync();

    /// <summary>Whether the timed rebalancing waits rather than runs (the simulator looks, to know when a timer's work has run).</summary>
    internal bool RebalancingIdle => _rebalancing.Idle;

    // ---- asks of this replica ----

    /// <summary>Asks sent to a peer, and asks answered with a grant that was applied here (for benchmarks and tests).</summary>
    public long Asked => _routing.Asked;
    public long Granted => _routing.Granted;

    /// <summary>Asks the connected peers that send commits here for <paramref name="what"/>: first the
    /// one this replica knows to hold it, the others only if that one refuses; completes when one grant
    /// has been applied here, or when every peer asked has refused, or at <paramref name="timeout"/>.
    /// Concurrent asks for the same thing share one.</summary>
    public Task<AskOutcome> AskAsync(Reservation what, TimeSpan timeout) => _routing.AskAsync(what, timeout);

    /// <summary>A write's wait for <paramref name="ask"/> (counted, for the simulator).</summary>
    internal Task<AskOutcome> WaitForAsync(Task<AskOutcome> ask) => _routing.WaitForAsync(ask);

    internal void Attach(IReservationPeer session) => _routing.Attach(session);

    /// <summary>A session with <paramref name="peer"/> was just established and this replica sends it
    /// commits: the home hands it the scarce rights it will need before it needs them (a block of
    /// every sequence it has too few of), so the grants travel in this very session.</summary>
    internal Task WelcomeAsync(string peer, CancellationToken cancellation) => _sequenceIds.HandOutAsync(peer, cancellation);

    internal void Detach(IReservationPeer session) => _routing.Detach(session);

    /// <summary>A peer's answer to one of this replica's asks.</summary>
    internal void Answered(IReservationPeer from, Answer answer) => _routing.Answered(from, answer);

    /// <summary>The asks of this replica (the simulator looks at them to know when their work has run).</summary>
    internal AskRouting Routing => _routing;

    // ---- asks of its peers ----

    private int _answering;

    /// <summary>Answers to peers' asks being made now, until each is handed to its session (the
    /// simulator looks, to know when the work an ask started has run).</summary>
    internal int Answering => Volatile.Read(ref _answering);

    internal void AnswerStarted() => Interlocked.Increment(ref _answering);

    internal void AnswerEnded() => Interlocked.Decrement(ref _answering);

    /// <summary>Answers a peer's ask: grants what this replica can spare by a commit, or says why not.</summary>
    internal Task<Answer> AnswerAsync(IReservationPeer from, Ask ask, CancellationToken cancellation) => _grants.AnswerAsync(from, ask, cancellation);

    // ---- what this replica holds ----

    /// <summary>The next number of a sequence collection (see <see cref="SequenceIds"/>).</summary>
    internal Task<long> NextSequenceAsync(string collection, TimeSpan timeout, CancellationToken cancellation) => _sequenceIds.NextAsync(collection, timeout, cancellation);

    /// <summary>The replica that holds a reservation now: its holder, or the home replica if it was never used.</summary>
    internal string HolderOf(string reservationId) => _holdings.HolderOf(reservationId);

    /// <summary>The rights this replica holds now over the counter an ask names (its rule, or null if it names none).</summary>
    internal (FieldRule? Rule, Int128 Held) RightsHeld(Reservation what) => _holdings.RightsHeld(what);
}

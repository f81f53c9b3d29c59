using System.Diagnostics;
using Causeway.Errors;
using Causeway.Invariants;

namespace Causeway.Simulator;

/// <summary>Asks for rights, as the engine exchanges them over the sessions. A replica asked for
/// rights (or a unique value) it holds too little of relays the ask to its other peers and answers
/// later, through the session's outbox, once their answers (and grants) have come or the relay's
/// timeout has passed, on the replica's virtual time. The engine does that work on threads of the
/// pool; after every step the simulator waits until it has run (<see cref="QuietAsync"/>: every ask
/// and every relay waits on the network, every answer is in its outbox, the rebalancing timer waits),
/// and fires timers one at a time, so a seed still replays exactly.</summary>
public sealed partial class Simulation
{
    /// <summary>Longest the engine may take, in real time, over anything that does not wait on the network.</summary>
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(10);

    /// <summary>Longest the engine may take, in real time, to finish what an ask started once nothing holds it up.</summary>
    private static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(2);

    /// <summary>Relays and timeouts of replicas since replaced by a restart (the live ones are read from their engines).</summary>
    private long _relays, _timedOut;

    private long Live(Func<SimulatedReplica, long> count) => _replicas.Where(r => r.Up).Sum(count);

    /// <summary>Waits until the engine's own work has run: every ask and relay has ended or waits on
    /// the network, every answer has reached its session's outbox, and the rebalancing loop waits.</summary>
    private async Task QuietAsync()
    {
        var clock = Stopwatch.StartNew();
        for (int spin = 0; !QuietAfterYielding(); spin++)
        {
            if (clock.Elapsed > QuietAfter)
                throw new CheckFailedException(FailureKind.Stall, $"the engine's asks did not settle within {QuietAfter.TotalSeconds:0} s of real time{Stale()} "
                    + $"(replicas not quiet: {string.Join(", ", _replicas.Where(r => r.Up && !Quiet(r)).Select(r => $"{r.Index}: {ReservationsProbe.Describe(r.Database)}"))})");
            if (spin < 100) await Task.Yield();
            else await Task.Delay(1);
        }
        if (_constraints is not null) await _constraints.CollectAsync();
    }

    /// <summary>Names an ask that ended but is still registered as in flight (so later asks for the same
    /// rights get its old answer instead of asking).</summary>
    private string Stale()
    {
        foreach (var replica in _replicas)
            if (replica.Up && ReservationsProbe.InFlight(replica.Database.Reservations).FirstOrDefault(e => e.Value.IsCompleted) is { Value: { } ended } stale)
                return $": replica {replica.Index}'s ask for {stale.Key} ended ({ended.Result.Code ?? "granted"}: {ended.Result.Detail}) but stays in flight";
        return "";
    }

    /// <summary>Quiet, and still quiet after the pool had a moment to start work already queued (a
    /// continuation queued but not yet started shows in no counter).</summary>
    private bool QuietAfterYielding()
    {
        if (!Quiet()) return false;
        for (int i = 0; i < 4; i++)
        {
            Thread.Yield();
            if (!Quiet()) return false;
        }
        return true;
    }

    private bool Quiet()
    {
        foreach (var replica in _replicas)
            if (replica.Up && !Quiet(replica)) return false;
        return true;
    }

    /// <summary>Its asks and relays wait on the network, its rebalancing waits, and every write of the
    /// workload still going on there waits for an answer (none is between its answer and its end).</summary>
    private bool Quiet(SimulatedReplica replica) => ReservationsProbe.Quiet(replica.Database) && replica.Database.Reservations.RebalancingIdle
        && (_constraints is null || _constraints.WaitingOn(replica.Index) == replica.Database.Reservations.Routing.WritesWaiting);

    /// <summary>The counts of a replica about to be replaced, so the run's totals keep them.</summary>
    private void Retire(SimulatedReplica replica)
    {
        _relays += replica.Database.Reservations.Routing.Relayed;
        _timedOut += replica.Database.Reservations.Routing.TimedOut;
    }

    /// <summary>The result of engine work that waits on nothing the simulator drives; a stall if it never comes.</summary>
    private static async Task<T> Finished<T>(Task<T> task, string what)
    {
        if (task.IsCompleted) return await task;
        try { return await task.WaitAsync(StallAfter); }
        catch (TimeoutException)
        {
            throw new CheckFailedException(FailureKind.Stall, $"{what} did not return within {StallAfter.TotalSeconds:0} s of real time: it waits on something the simulator does not drive.");
        }
    }
}

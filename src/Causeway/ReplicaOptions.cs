namespace Causeway;

public sealed class ReplicaOptions
{
    /// <summary>How far ahead of our clock a remote commit's time may be before it is refused.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recently used documents keep their newest version in memory.</summary>
    public int DocumentCacheCapacity { get; init; } = 200_000;

    /// <summary>How often, at most, a database moves rights over bounded counters toward the replicas
    /// that spend them (proactive rebalancing). Null turns the background rebalancing off; it can
    /// then be run step by step with <see cref="Invariants.Reservations.RebalanceAsync"/> (the simulator does).</summary>
    public TimeSpan? RebalanceInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether a replica asked for rights or a reservation it does not hold asks its own other
    /// peers on the asker's behalf (one hop) before answering. Off, it answers at once with what it
    /// has; the simulator turns it off, since a relay waits on real time.</summary>
    public bool RelayAsks { get; init; } = true;

    /// <summary>Milliseconds since the Unix epoch; replaceable for simulation.</summary>
    public Func<long> PhysicalClock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

namespace Causeway.Simulator;

/// <summary>A replica's time in the simulation: the run's virtual time plus the replica's fixed skew
/// as its wall clock, and virtual milliseconds as its elapsed time. The simulation has no timers (it
/// moves time itself, step by step), so a timer asked of it is a bug: it throws rather than wait on
/// real time, which would not replay.</summary>
public sealed class SimulatedTime(Func<long> now, long skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(now() + skew);

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => now();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => throw new NotSupportedException("The simulation has no timers: a wait on time would not replay.");
}

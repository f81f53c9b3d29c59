namespace Causeway.Tests.Support;

/// <summary>A replica's time that moves only when told: wall time and timestamps both stand still
/// until <see cref="Advance"/>. Timers still run on real time (the base class's), so delays a replica
/// waits on elsewhere behave as usual; only what reads the clock sees the manual time.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long _ticks;

    public ManualTime() : this(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Now, as the replica reads it; setting it moves the clock there.</summary>
    public DateTimeOffset Now
    {
        get => GetUtcNow();
        set => Interlocked.Exchange(ref _ticks, (value - start).Ticks);
    }
}

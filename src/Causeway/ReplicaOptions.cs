namespace Causeway;

public sealed class ReplicaOptions
{
    /// <summary>How far ahead of our clock a remote commit's time may be before it is refused.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recently used documents keep their newest version in memory.</summary>
    public int DocumentCacheCapacity { get; init; } = 200_000;

    /// <summary>Milliseconds since the Unix epoch; replaceable for simulation.</summary>
    public Func<long> PhysicalClock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

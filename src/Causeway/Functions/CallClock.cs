using System.Globalization;
using Jint.Runtime;

namespace Causeway.Functions;

/// <summary>A call's time and randomness, fixed when the call starts and recorded with it, so running
/// the function again with its record gives the same answer: <c>Date.now()</c> and <c>new Date()</c>
/// read <see cref="Now"/>, and <c>Math.random()</c> draws from a SplitMix64 stream seeded with
/// <see cref="Seed"/>.</summary>
internal sealed class CallClock(DateTimeOffset now, long seed) : ITimeSystem
{
    private static readonly DefaultTimeSystem Utc = new(TimeZoneInfo.Utc, CultureInfo.InvariantCulture);
    private ulong _state = unchecked((ulong)seed);

    public DateTimeOffset Now { get; } = now;
    public long Seed { get; } = seed;

    public DateTimeOffset GetUtcNow() => Now;
    public TimeZoneInfo DefaultTimeZone => TimeZoneInfo.Utc;
    public bool TryParse(string date, out long epochMilliseconds) => Utc.TryParse(date, out epochMilliseconds);
    public TimeSpan GetUtcOffset(long epochMilliseconds) => TimeSpan.Zero;

    /// <summary>The next number of <c>Math.random()</c>, in [0, 1).</summary>
    public double NextDouble()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}

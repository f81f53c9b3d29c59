using Causeway.Errors;

namespace Causeway.Clocks;

/// <summary>A hybrid logical clock (Kulkarni et al., <i>Logical physical clocks</i>, 2014).
/// Readings never go backwards, stay close to physical time and respect causality: a receive
/// event is later than the remote event it observes. The physical clock is injected, so the
/// type is pure and testable. Thread-safe.</summary>
public sealed class HybridLogicalClock
{
    private readonly Func<long> _physicalMillis;
    private readonly long _maxSkewMillis;
    private readonly Lock _lock = new();
    private HlcTimestamp _last;

    /// <param name="physicalMillis">Physical time in milliseconds since the Unix epoch.</param>
    /// <param name="maxSkew">How far ahead of our physical clock a remote reading may be.</param>
    public HybridLogicalClock(Func<long> physicalMillis, TimeSpan maxSkew) : this(physicalMillis, maxSkew, HlcTimestamp.Zero) { }

    /// <param name="last">A reading to resume after (e.g. the last one persisted), so readings
    /// stay increasing across restarts even if the physical clock went back.</param>
    public HybridLogicalClock(Func<long> physicalMillis, TimeSpan maxSkew, HlcTimestamp last)
    {
        ArgumentNullException.ThrowIfNull(physicalMillis);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSkew, TimeSpan.Zero);
        _physicalMillis = physicalMillis;
        _maxSkewMillis = (long)Math.Min(maxSkew.TotalMilliseconds, HlcTimestamp.MaxPhysical);
        _last = last;
    }

    public TimeSpan MaxSkew => TimeSpan.FromMilliseconds(_maxSkewMillis);

    /// <summary>The latest reading handed out (or observed).</summary>
    public HlcTimestamp Last
    {
        get { lock (_lock) return _last; }
    }

    /// <summary>A reading for a local or send event; strictly greater than every earlier one.</summary>
    public HlcTimestamp Now()
    {
        lock (_lock)
        {
            long pt = ReadPhysical();
            long l = _last.Physical;
            int c = _last.Logical;
            if (pt > l) { l = pt; c = 0; }
            else c++;
            return _last = Make(l, c);
        }
    }

    /// <summary>A reading for a receive event of <paramref name="remote"/>: greater than both our
    /// last reading and <paramref name="remote"/>. Throws <see cref="ClockSkewException"/>, leaving
    /// the clock unchanged, when the remote physical time is more than <see cref="MaxSkew"/>
    /// ahead of our physical clock.</summary>
    public HlcTimestamp Observe(HlcTimestamp remote)
    {
        lock (_lock)
        {
            long pt = ReadPhysical();
            long rl = remote.Physical;
            if (rl - pt > _maxSkewMillis)
                throw new ClockSkewException(
                    $"A remote clock reading is {rl - pt} ms ahead of the local clock; at most {_maxSkewMillis} ms of skew is accepted.");
            long ol = _last.Physical;
            int oc = _last.Logical;
            long l = Math.Max(Math.Max(ol, rl), pt);
            int c;
            if (l == ol && l == rl) c = Math.Max(oc, remote.Logical) + 1;
            else if (l == ol) c = oc + 1;
            else if (l == rl) c = remote.Logical + 1;
            else c = 0;
            return _last = Make(l, c);
        }
    }

    private long ReadPhysical() => Math.Clamp(_physicalMillis(), 0, HlcTimestamp.MaxPhysical);

    // A logical counter past 16 bits carries into the physical part: the clock runs up to a
    // millisecond ahead of physical time instead of wrapping.
    private static HlcTimestamp Make(long physical, int logical)
    {
        if (logical > HlcTimestamp.MaxLogical)
        {
            physical++;
            logical = 0;
        }
        if (physical > HlcTimestamp.MaxPhysical)
            throw new InvalidOperationException("The hybrid logical clock is exhausted (physical time past 2^48 ms).");
        return HlcTimestamp.FromParts(physical, logical);
    }
}

using System.Globalization;

namespace Causeway.Clocks;

/// <summary>A hybrid logical clock reading packed in 64 bits: physical milliseconds since the
/// Unix epoch in the high 48 bits, a logical counter in the low 16 bits. The packed form
/// (<see cref="Raw"/>) orders exactly like (physical, logical), compared as unsigned.</summary>
public readonly struct HlcTimestamp : IEquatable<HlcTimestamp>, IComparable<HlcTimestamp>
{
    public const int LogicalBits = 16;
    public const int MaxLogical = (1 << LogicalBits) - 1;
    public const long MaxPhysical = (1L << (64 - LogicalBits)) - 1;

    private HlcTimestamp(long raw) => Raw = raw;

    /// <summary>The packed 64-bit form, for encoding.</summary>
    public long Raw { get; }

    /// <summary>Milliseconds since the Unix epoch (0 … 2^48−1).</summary>
    public long Physical => (long)((ulong)Raw >> LogicalBits);

    /// <summary>The logical counter (0 … 65535).</summary>
    public int Logical => (int)(Raw & MaxLogical);

    public static readonly HlcTimestamp Zero;
    public static readonly HlcTimestamp MaxValue = new(-1L);

    public static HlcTimestamp FromRaw(long raw) => new(raw);

    public static HlcTimestamp FromParts(long physical, int logical)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(physical);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(physical, MaxPhysical);
        ArgumentOutOfRangeException.ThrowIfNegative(logical);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logical, MaxLogical);
        return new((long)(((ulong)physical << LogicalBits) | (uint)logical));
    }

    /// <summary>The physical part as a UTC time; throws past year 9999.</summary>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.FromUnixTimeMilliseconds(Physical);

    public int CompareTo(HlcTimestamp other) => ((ulong)Raw).CompareTo((ulong)other.Raw);
    public bool Equals(HlcTimestamp other) => Raw == other.Raw;
    public override bool Equals(object? obj) => obj is HlcTimestamp t && Equals(t);
    public override int GetHashCode() => Raw.GetHashCode();

    public static bool operator ==(HlcTimestamp a, HlcTimestamp b) => a.Raw == b.Raw;
    public static bool operator !=(HlcTimestamp a, HlcTimestamp b) => a.Raw != b.Raw;
    public static bool operator <(HlcTimestamp a, HlcTimestamp b) => (ulong)a.Raw < (ulong)b.Raw;
    public static bool operator >(HlcTimestamp a, HlcTimestamp b) => (ulong)a.Raw > (ulong)b.Raw;
    public static bool operator <=(HlcTimestamp a, HlcTimestamp b) => (ulong)a.Raw <= (ulong)b.Raw;
    public static bool operator >=(HlcTimestamp a, HlcTimestamp b) => (ulong)a.Raw >= (ulong)b.Raw;

    /// <summary>"2026-01-02T03:04:05.678Z+3" (physical time, then the logical counter).</summary>
    public override string ToString()
    {
        const long maxDateMillis = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        string physical = Physical <= maxDateMillis
            ? ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : Physical.ToString(CultureInfo.InvariantCulture) + "ms";
        return physical + "+" + Logical.ToString(CultureInfo.InvariantCulture);
    }
}

using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>The stamp of a last-writer-wins write: the commit's HLC time, its origin replica and
/// the op's index within the commit. Ordered by time, then replica (ordinal), then index, so
/// stamps of distinct writes never tie and every replica picks the same winner.</summary>
public readonly record struct LwwStamp(HlcTimestamp Time, string Replica, int Index) : IComparable<LwwStamp>
{
    public int CompareTo(LwwStamp other)
    {
        int c = Time.CompareTo(other.Time);
        if (c != 0) return c;
        c = string.CompareOrdinal(Replica, other.Replica);
        return c != 0 ? c : Index.CompareTo(other.Index);
    }

    public static bool operator <(LwwStamp a, LwwStamp b) => a.CompareTo(b) < 0;
    public static bool operator >(LwwStamp a, LwwStamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(LwwStamp a, LwwStamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LwwStamp a, LwwStamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Time}@{Replica}#{Index}";
}

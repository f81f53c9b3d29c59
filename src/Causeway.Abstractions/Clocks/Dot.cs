namespace Causeway.Clocks;

/// <summary>The identity of one commit: its origin replica and that origin's sequence number
/// (1, 2, 3, … contiguous). CRDT elements are tagged with the dot of the commit that created
/// them. Ordered by replica (ordinal), then sequence.</summary>
public readonly record struct Dot(string Replica, long Seq) : IComparable<Dot>
{
    public int CompareTo(Dot other)
    {
        int c = string.CompareOrdinal(Replica, other.Replica);
        return c != 0 ? c : Seq.CompareTo(other.Seq);
    }

    public static bool operator <(Dot a, Dot b) => a.CompareTo(b) < 0;
    public static bool operator >(Dot a, Dot b) => a.CompareTo(b) > 0;
    public static bool operator <=(Dot a, Dot b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Dot a, Dot b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Replica}:{Seq}";
}

using Causeway.Clocks;

namespace Causeway.Schemas;

/// <summary>The <c>"ordered"</c> id scheme, unique and causally ordered:
/// "{time:x16}-{tag:x8}-{index:x4}", e.g. "0190f5a23b4c0001-0a1b2c3d-0000" (30 characters,
/// lower-case hex): the commit's HLC time (<see cref="HlcTimestamp.Raw"/> as unsigned), the
/// committing replica's <see cref="ReplicaTag"/>, and the document's position within its commit.
/// Fixed width makes ordinal text order equal (time, tag, index) order; a commit's HLC time exceeds
/// those of the commits it causally follows, so its ids sort after theirs.</summary>
public static class OrderedIds
{
    public const int MaxIndex = ushort.MaxValue;
    public const int Length = 16 + 1 + 8 + 1 + 4;
    private static readonly int[] Groups = [16, 8, 4];

    public static string For(HlcTimestamp time, string replicaDid, int index) => For(time, ReplicaTag.Of(replicaDid), index);

    /// <summary>As <see cref="For(HlcTimestamp, string, int)"/>, with the tag computed once per replica.</summary>
    public static string For(HlcTimestamp time, ReplicaTag tag, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MaxIndex);
        return $"{(ulong)time.Raw:x16}-{tag.Value:x8}-{index:x4}";
    }

    /// <summary>The inverse of <see cref="For(HlcTimestamp, ReplicaTag, int)"/>; only its exact
    /// (lower-case) text parses.</summary>
    public static bool TryParse(string? id, out HlcTimestamp time, out uint tag, out int index)
    {
        Span<ulong> g = stackalloc ulong[3];
        bool ok = LowerHex.TryParseGroups(id, Groups, g);
        time = ok ? HlcTimestamp.FromRaw((long)g[0]) : default;
        tag = ok ? (uint)g[1] : 0;
        index = ok ? (int)g[2] : 0;
        return ok;
    }
}

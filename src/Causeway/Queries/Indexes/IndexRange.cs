using Causeway.Values;

namespace Causeway.Queries.Indexes;

/// <summary>A range of one path's entries of one kind: keys from <see cref="Low"/> (inclusive) up to
/// <see cref="High"/> (exclusive; null: to the end of the path), in collation bytes. Ranges are made
/// wide enough for every matching value (a key that drops part of its value, or a number that
/// rounds, falls inside), never narrower; the query rechecks what they find. Its description (for
/// explain) is written only when asked for: writing a bound value as JSON costs more than a short query.</summary>
internal sealed record IndexRange(string Path, IndexEntries.Kind Kind, byte[] Low, byte[]? High, Func<string> Describe)
{
    public string Description => Describe();

    public static IndexRange Equal(string path, Value value, IndexEntries.Kind kind = IndexEntries.Kind.Value)
    {
        var key = Collation.Encode(value);
        return new(path, kind, key, Successor(key), () => $"{(kind == IndexEntries.Kind.Element ? "∋" : "=")} {value}") { IsPoint = true };
    }

    public static IndexRange From(string path, Value value, bool inclusive)
        => new(path, IndexEntries.Kind.Value, Collation.Encode(value), [RankEnd(value.Kind)], () => $"{(inclusive ? "≥" : ">")} {value}");

    public static IndexRange To(string path, Value value, bool inclusive)
        => new(path, IndexEntries.Kind.Value, [Collation.RankOf(value.Kind)], Successor(Collation.Encode(value)), () => $"{(inclusive ? "≤" : "<")} {value}");

    public static IndexRange Prefix(string path, string prefix)
    {
        var key = Collation.StringPrefix(prefix);
        return new(path, IndexEntries.Kind.Value, key, Successor(key), () => $"prefix \"{prefix}\"");
    }

    public static IndexRange Present(string path) => new(path, IndexEntries.Kind.Value, [], null, static () => "present");

    /// <summary>Every document whose entries the index capped: candidates for any indexed query.</summary>
    public static IndexRange Overflow => new("", IndexEntries.Kind.Overflow, [], null, static () => "over the entry cap");

    /// <summary>Both bounds: the tighter low and high.</summary>
    public IndexRange Intersect(IndexRange other)
    {
        var low = Low.AsSpan().SequenceCompareTo(other.Low) >= 0 ? Low : other.Low;
        var high = High is null ? other.High : other.High is null ? High : High.AsSpan().SequenceCompareTo(other.High) <= 0 ? High : other.High;
        return this with { Low = low, High = high, Describe = () => $"{Description} and {other.Description}", IsPoint = IsPoint && other.IsPoint && Low.AsSpan().SequenceEqual(other.Low) };
    }

    /// <summary>How many collation keys an entry's value key holds: more than one for a compound index.</summary>
    public int Components { get; init; } = 1;

    /// <summary>One value's key: its entries come in id order.</summary>
    public bool IsPoint { get; init; }

    public bool IsEmpty => High is not null && Low.AsSpan().SequenceCompareTo(High) >= 0;

    /// <summary>The first byte string after every string that starts with <paramref name="prefix"/>.</summary>
    public static byte[] Successor(byte[] prefix)
    {
        var next = prefix.ToArray();
        for (int i = next.Length - 1; i >= 0; i--)
        {
            if (next[i] != 0xFF)
            {
                next[i]++;
                return next[..(i + 1)];
            }
        }
        return [0xFF, 0xFF];
    }

    /// <summary>The first key byte past every value of the kind's rank.</summary>
    private static byte RankEnd(ValueKind kind) => (byte)((Collation.RankOf(kind) & 0xF0) + 0x10);
}

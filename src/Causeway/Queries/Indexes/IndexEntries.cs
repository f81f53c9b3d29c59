using System.Text;
using Causeway.Values;

namespace Causeway.Queries.Indexes;

/// <summary>What a document puts in the path index: for every path of its visible fields (through
/// nested maps) a <see cref="Kind.Value"/> entry with the value's key, and for every element of an
/// array an <see cref="Kind.Element"/> entry (membership, for <c>contains</c>). An entry's stem is
/// <c>path 0 kind key</c>; the index key adds the id and a position. A document with more than
/// <see cref="MaxEntries"/> entries keeps the first ones and an <see cref="Kind.Overflow"/> marker,
/// and every indexed query takes marked documents as candidates, so none is ever missed. Compound
/// indexes the schema declares add one <see cref="Kind.Compound"/> entry each (<see cref="CompoundIndex"/>),
/// outside the cap, so a compound walk never needs the marked documents.</summary>
internal static class IndexEntries
{
    public const int MaxEntries = 1000;

    /// <summary>The byte after a path that says what the entry is.</summary>
    public enum Kind : byte { Value = (byte)'v', Element = (byte)'e', Overflow = (byte)'o', Compound = (byte)'c' }

    /// <summary>The stem of the overflow marker: an empty path, which no field has, and a null value.</summary>
    public static readonly byte[] OverflowStem = [0, (byte)Kind.Overflow, Collation.Null];

    /// <summary>The stems of a document's fields (empty for a deleted document), each once.</summary>
    public static HashSet<byte[]> Of(Value fields, IndexExclusions? excluded = null, IReadOnlyList<CompoundIndex>? compounds = null)
    {
        // Room for a stem per field and a few more, so the set seldom grows (each growth is two new arrays).
        var stems = new HashSet<byte[]>(fields.Kind == ValueKind.Map ? fields.MapEntries.Length + 8 : 8, ByteArrayComparer.Instance);
        var path = new StringBuilder();
        if (!Walk(fields, path, stems, excluded)) stems.Add(OverflowStem);
        foreach (var compound in compounds ?? [])
            if (compound.StemOf(fields) is { } stem) stems.Add(stem);
        return stems;
    }

    /// <summary>The stem prefix of every entry of a path and kind: <c>path 0 kind</c>.</summary>
    public static byte[] PathPrefix(string path, Kind kind)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(path);
        var prefix = new byte[length + 2];
        System.Text.Encoding.UTF8.GetBytes(path, prefix);
        prefix[length + 1] = (byte)kind;
        return prefix;
    }

    /// <summary>Adds the entries under a map; false once the cap is reached.</summary>
    private static bool Walk(Value map, StringBuilder path, HashSet<byte[]> stems, IndexExclusions? excluded)
    {
        int mark = path.Length;
        foreach (var (name, value) in map.MapEntries)
        {
            if (mark > 0) path.Append('.');
            path.Append(name);
            string text = path.ToString();
            if (excluded is null || !excluded.Excludes(text))
            {
                // An empty map reads as absent, so it has no entry.
                if (value.Kind != ValueKind.Map || value.AsMap().Count > 0)
                    if (!Add(stems, text, Kind.Value, value)) return false;
                if (value.Kind == ValueKind.Array)
                    foreach (var element in value.ArrayItems)
                        if (!Add(stems, text, Kind.Element, element)) return false;
                if (value.Kind == ValueKind.Map && !Walk(value, path, stems, excluded)) return false;
            }
            path.Length = mark;
        }
        return true;
    }

    private static bool Add(HashSet<byte[]> stems, string path, Kind kind, Value value)
    {
        if (stems.Count >= MaxEntries) return false;
        int pathLength = System.Text.Encoding.UTF8.GetByteCount(path);
        Span<byte> key = stackalloc byte[Collation.MaxLength];
        int keyLength = Collation.Write(value, key);
        var stem = new byte[pathLength + 2 + keyLength];
        System.Text.Encoding.UTF8.GetBytes(path, stem);
        stem[pathLength + 1] = (byte)kind;
        key[..keyLength].CopyTo(stem.AsSpan(pathLength + 2));
        stems.Add(stem);
        return true;
    }
}

/// <summary>Byte arrays compared by content.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}

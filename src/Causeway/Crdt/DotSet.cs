using System.Collections;
using System.Text;
using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>An immutable set of dots, kept sorted (<see cref="Dot"/> order) and distinct, so it
/// has structural equality and one canonical order for encoding. Used in effect ops for the
/// dots a writer observed. <c>default</c> is the empty set.</summary>
public readonly struct DotSet : IEquatable<DotSet>, IReadOnlyList<Dot>
{
    private readonly Dot[]? _items;

    private DotSet(Dot[] items) => _items = items.Length == 0 ? null : items;

    public static DotSet Empty => default;

    /// <summary>A set of the given dots (any order, repeats ignored).</summary>
    public static DotSet Create(params ReadOnlySpan<Dot> dots) => Normalize(dots.ToArray());

    /// <summary>A set of the given dots (any order, repeats ignored).</summary>
    public static DotSet Create(IEnumerable<Dot> dots)
    {
        ArgumentNullException.ThrowIfNull(dots);
        return Normalize([.. dots]);
    }

    /// <summary>Wraps an array the caller guarantees is sorted and distinct and will not touch again.</summary>
    internal static DotSet FromSorted(Dot[] sorted) => new(sorted);

    private static DotSet Normalize(Dot[] items)
    {
        if (items.Length < 2) return new(items);
        Array.Sort(items);
        int n = 1;
        for (int i = 1; i < items.Length; i++)
            if (items[i] != items[n - 1]) items[n++] = items[i];
        if (n != items.Length) Array.Resize(ref items, n);
        return new(items);
    }

    public int Count => _items?.Length ?? 0;
    public bool IsEmpty => _items is null;
    public Dot this[int index] => AsSpan()[index];
    public ReadOnlySpan<Dot> AsSpan() => _items;

    public bool Contains(Dot dot)
    {
        var items = _items;
        if (items is null) return false;
        if (items.Length <= 4)
        {
            foreach (var d in items)
                if (d == dot) return true;
            return false;
        }
        return Array.BinarySearch(items, dot) >= 0;
    }

    /// <summary>Enumerates without allocating.</summary>
    public ReadOnlySpan<Dot>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();
    IEnumerator<Dot> IEnumerable<Dot>.GetEnumerator() => ((IEnumerable<Dot>)(_items ?? [])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();

    public bool Equals(DotSet other) => AsSpan().SequenceEqual(other.AsSpan());
    public override bool Equals(object? obj) => obj is DotSet s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in AsSpan()) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(DotSet a, DotSet b) => a.Equals(b);
    public static bool operator !=(DotSet a, DotSet b) => !a.Equals(b);

    public override string ToString()
    {
        var sb = new StringBuilder("{");
        var span = AsSpan();
        for (int i = 0; i < span.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(span[i].ToString());
        }
        return sb.Append('}').ToString();
    }
}

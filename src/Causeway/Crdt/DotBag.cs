using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>The mutable dot set inside a CRDT state: a small sorted array (usually 0–2 dots),
/// so applying an op neither allocates nor hashes.</summary>
internal sealed class DotBag : IDots<DotBag>
{
    private Dot[] _items;
    private int _count;

    public DotBag() => _items = [];

    public DotBag(Dot dot)
    {
        _items = new Dot[2];
        _items[0] = dot;
        _count = 1;
    }

    /// <summary>From any dots (sorted and deduplicated here).</summary>
    public DotBag(IEnumerable<Dot> dots)
    {
        var set = DotSet.Create(dots);
        _items = set.AsSpan().ToArray();
        _count = _items.Length;
    }

    private DotBag(Dot[] items, int count)
    {
        _items = items;
        _count = count;
    }

    public int Count => _count;
    public bool IsEmpty => _count == 0;
    public ReadOnlySpan<Dot> Span => _items.AsSpan(0, _count);

    public bool Contains(Dot dot)
    {
        for (int i = 0; i < _count; i++)
            if (_items[i] == dot) return true;
        return false;
    }

    public void Add(Dot dot)
    {
        int i = 0;
        while (i < _count)
        {
            int c = _items[i].CompareTo(dot);
            if (c == 0) return;
            if (c > 0) break;
            i++;
        }
        if (_count == _items.Length) Array.Resize(ref _items, Math.Max(2, _count * 2));
        Array.Copy(_items, i, _items, i + 1, _count - i);
        _items[i] = dot;
        _count++;
    }

    /// <summary>Removes every dot of <paramref name="observed"/>; returns whether any was removed.</summary>
    public bool RemoveAll(DotSet observed)
    {
        if (observed.IsEmpty || _count == 0) return false;
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            var d = _items[i];
            if (!observed.Contains(d)) _items[n++] = d;
        }
        bool removed = n != _count;
        _count = n;
        return removed;
    }

    /// <summary>The causal merge of this bag (whose state has context <paramref name="thisContext"/>)
    /// with <paramref name="other"/> (context <paramref name="otherContext"/>; null = empty): keep a
    /// dot both hold, or one holds that the other's context has not seen (so it was not removed there).</summary>
    public void CausalMerge(DotBag? other, VersionVector thisContext, VersionVector otherContext)
    {
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            var d = _items[i];
            if ((other is not null && other.Contains(d)) || !otherContext.Contains(d)) _items[n++] = d;
        }
        _count = n;
        if (other is null) return;
        for (int j = 0; j < other._count; j++)
        {
            var d = other._items[j];
            if (!thisContext.Contains(d)) Add(d); // Add ignores a dot we already hold
        }
    }

    public void AdvanceContext(VersionVector context)
    {
        for (int i = 0; i < _count; i++) context.Advance(_items[i]);
    }

    public void AddTo(List<Dot> dots)
    {
        foreach (var d in Span) dots.Add(d);
    }

    public DotSet ToDotSet() => _count == 0 ? DotSet.Empty : DotSet.FromSorted(Span.ToArray());

    public DotBag Clone() => new(_count == 0 ? [] : (Dot[])_items.Clone(), _count);

    public bool Equals(DotBag? other) => other is not null && Span.SequenceEqual(other.Span);
    public override bool Equals(object? obj) => obj is DotBag b && Equals(b);
    public override int GetHashCode() => ToDotSet().GetHashCode();
}

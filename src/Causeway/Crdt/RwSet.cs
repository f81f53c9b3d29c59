using System.Runtime.InteropServices;
using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A remove-wins set. Each element carries add-dots and remove-dots (tombstones); an op
/// drops the dots its writer observed on both sides and records its own dot on one side. An
/// element is present iff it has add-dots and no remove-dots, so a remove concurrent with an
/// add wins, while an add after a remove (which observed its tombstone) brings it back.
/// Mutable; not thread-safe.</summary>
public sealed class RwSet<T> : ICrdt<RwSet<T>> where T : notnull, IComparable<T>, IEquatable<T>
{
    private sealed class Entry
    {
        public DotBag Adds = new();
        public DotBag Removes = new();
        public bool IsEmpty => Adds.IsEmpty && Removes.IsEmpty;
        public bool IsPresent => !Adds.IsEmpty && Removes.IsEmpty;
        public Entry Clone() => new() { Adds = Adds.Clone(), Removes = Removes.Clone() };
        public bool Equals(Entry other) => Adds.Equals(other.Adds) && Removes.Equals(other.Removes);
    }

    private readonly Dictionary<T, Entry> _elements;
    private readonly VersionVector _context;

    public RwSet() : this(new Dictionary<T, Entry>(), new VersionVector()) { }

    private RwSet(Dictionary<T, Entry> elements, VersionVector context)
    {
        _elements = elements;
        _context = context;
    }

    /// <summary>Rebuilds a state from its parts (for decoding): element → (add-dots, remove-dots).
    /// Every dot must be covered by the context.</summary>
    public static RwSet<T> FromParts(IEnumerable<(T Element, DotSet Adds, DotSet Removes)> elements, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(context);
        var set = new RwSet<T>(new Dictionary<T, Entry>(), context.Clone());
        foreach (var (element, adds, removes) in elements)
        {
            foreach (var d in adds)
                if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
            foreach (var d in removes)
                if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
            if (adds.IsEmpty && removes.IsEmpty) continue;
            if (!set._elements.TryAdd(element, new Entry { Adds = new DotBag(adds), Removes = new DotBag(removes) }))
                throw new ArgumentException($"Element {element} appears twice.", nameof(elements));
        }
        return set;
    }

    /// <summary>Every element that has dots (visible or tombstoned), ordered by element.</summary>
    public IReadOnlyList<(T Element, DotSet Adds, DotSet Removes)> Entries
    {
        get
        {
            var result = new (T Element, DotSet Adds, DotSet Removes)[_elements.Count];
            int i = 0;
            foreach (var (element, e) in _elements) result[i++] = (element, e.Adds.ToDotSet(), e.Removes.ToDotSet());
            Array.Sort(result, (a, b) => a.Element.CompareTo(b.Element));
            return result;
        }
    }

    /// <summary>The causal context. Read-only by contract: do not mutate.</summary>
    public VersionVector Context => _context;

    /// <summary>The visible elements, ordered by <typeparamref name="T"/>'s comparer.</summary>
    public IReadOnlyList<T> Elements
    {
        get
        {
            var result = new List<T>(_elements.Count);
            foreach (var (element, e) in _elements)
                if (e.IsPresent) result.Add(element);
            result.Sort();
            return result;
        }
    }

    public bool Contains(T element) => _elements.TryGetValue(element, out var e) && e.IsPresent;

    /// <summary>Whether some element is visible.</summary>
    public bool IsPresent
    {
        get
        {
            foreach (var (_, e) in _elements)
                if (e.IsPresent) return true;
            return false;
        }
    }

    /// <summary>Whether the state holds any dot at all (visible elements or tombstones).</summary>
    public bool HasDots => _elements.Count > 0;

    public RwAdd<T> PrepareAdd(T element, Dot dot)
    {
        var (adds, removes) = Observed(element);
        return new(element, dot, adds, removes);
    }

    public RwRemove<T> PrepareRemove(T element, Dot dot)
    {
        var (adds, removes) = Observed(element);
        return new(element, dot, adds, removes);
    }

    /// <summary>An unset: drops every observed dot, adds and tombstones alike.</summary>
    public RwClear PrepareClear()
    {
        var all = new List<Dot>();
        foreach (var (_, e) in _elements)
        {
            foreach (var d in e.Adds.Span) all.Add(d);
            foreach (var d in e.Removes.Span) all.Add(d);
        }
        return new(DotSet.Create(all));
    }

    public void Apply(RwAdd<T> op) => Record(op.Element, op.Dot, op.ObservedAdds, op.ObservedRemoves, add: true);

    public void Apply(RwRemove<T> op) => Record(op.Element, op.Dot, op.ObservedAdds, op.ObservedRemoves, add: false);

    public void Apply(RwClear op)
    {
        if (op.Observed.IsEmpty) return;
        List<T>? emptied = null;
        foreach (var (element, e) in _elements)
        {
            e.Adds.RemoveAll(op.Observed);
            e.Removes.RemoveAll(op.Observed);
            if (e.IsEmpty) (emptied ??= []).Add(element);
        }
        if (emptied is not null) foreach (var el in emptied) _elements.Remove(el);
        foreach (var d in op.Observed) _context.Advance(d);
    }

    public void Apply(CrdtOp op)
    {
        switch (op)
        {
            case RwAdd<T> a: Apply(a); break;
            case RwRemove<T> r: Apply(r); break;
            case RwClear c: Apply(c); break;
            default: throw CrdtErrors.WrongOp("rwset", op);
        }
    }

    /// <summary>Causal merge of add-dots and remove-dots per element.</summary>
    public void Merge(RwSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        List<T>? emptied = null;
        foreach (var (element, e) in _elements)
        {
            other._elements.TryGetValue(element, out var theirs);
            e.Adds.CausalMerge(theirs?.Adds, _context, other._context);
            e.Removes.CausalMerge(theirs?.Removes, _context, other._context);
            if (e.IsEmpty) (emptied ??= []).Add(element);
        }
        foreach (var (element, theirs) in other._elements)
        {
            if (_elements.ContainsKey(element)) continue;
            var e = new Entry();
            e.Adds.CausalMerge(theirs.Adds, _context, other._context);
            e.Removes.CausalMerge(theirs.Removes, _context, other._context);
            if (!e.IsEmpty) _elements.Add(element, e);
        }
        if (emptied is not null) foreach (var el in emptied) _elements.Remove(el);
        _context.Merge(other._context);
    }

    public RwSet<T> Clone()
    {
        var elements = new Dictionary<T, Entry>(_elements.Count);
        foreach (var (element, e) in _elements) elements.Add(element, e.Clone());
        return new(elements, _context.Clone());
    }

    public bool Equals(RwSet<T>? other)
    {
        if (other is null || other._elements.Count != _elements.Count || !_context.Equals(other._context)) return false;
        foreach (var (element, e) in _elements)
            if (!other._elements.TryGetValue(element, out var theirs) || !e.Equals(theirs)) return false;
        return true;
    }

    public override string ToString() =>
        "{" + string.Join(", ", Entries.Select(e => $"{e.Element}+{e.Adds}-{e.Removes}")) + "} ctx " + _context;

    private (DotSet Adds, DotSet Removes) Observed(T element) =>
        _elements.TryGetValue(element, out var e) ? (e.Adds.ToDotSet(), e.Removes.ToDotSet()) : (DotSet.Empty, DotSet.Empty);

    private void Record(T element, Dot dot, DotSet observedAdds, DotSet observedRemoves, bool add)
    {
        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(_elements, element, out _);
        e ??= new Entry();
        e.Adds.RemoveAll(observedAdds);
        e.Removes.RemoveAll(observedRemoves);
        (add ? e.Adds : e.Removes).Add(dot);
        _context.Advance(dot);
        foreach (var d in observedAdds) _context.Advance(d);
        foreach (var d in observedRemoves) _context.Advance(d);
    }
}

using System.Runtime.InteropServices;
using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>An add-wins observed-remove set (OR-set without tombstones). Each element carries
/// the dots of the adds that put it there; a remove deletes only the dots its writer observed,
/// so an add concurrent with a remove survives. State: element → dots, plus the causal context.
/// Mutable; not thread-safe.</summary>
public sealed class AwSet<T> : ICrdt<AwSet<T>> where T : notnull, IComparable<T>, IEquatable<T>
{
    private readonly Dictionary<T, DotBag> _elements;
    private readonly VersionVector _context;

    public AwSet() : this(new Dictionary<T, DotBag>(), new VersionVector()) { }

    private AwSet(Dictionary<T, DotBag> elements, VersionVector context)
    {
        _elements = elements;
        _context = context;
    }

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static AwSet<T> FromParts(IEnumerable<KeyValuePair<T, DotSet>> elements, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(context);
        var set = new AwSet<T>(new Dictionary<T, DotBag>(), context.Clone());
        foreach (var (element, dots) in elements)
        {
            foreach (var d in dots)
                if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
            if (dots.IsEmpty) continue;
            if (!set._elements.TryAdd(element, new DotBag(dots))) throw new ArgumentException($"Element {element} appears twice.", nameof(elements));
        }
        return set;
    }

    /// <summary>Every element with its dots, ordered by element.</summary>
    public IReadOnlyList<KeyValuePair<T, DotSet>> Entries
    {
        get
        {
            var result = new KeyValuePair<T, DotSet>[_elements.Count];
            int i = 0;
            foreach (var (element, dots) in _elements) result[i++] = new(element, dots.ToDotSet());
            Array.Sort(result, (a, b) => a.Key.CompareTo(b.Key));
            return result;
        }
    }

    /// <summary>The causal context. Read-only by contract: do not mutate.</summary>
    public VersionVector Context => _context;

    /// <summary>The elements, ordered by <typeparamref name="T"/>'s comparer.</summary>
    public IReadOnlyList<T> Elements
    {
        get
        {
            var result = new T[_elements.Count];
            _elements.Keys.CopyTo(result, 0);
            Array.Sort(result);
            return result;
        }
    }

    public int Count => _elements.Count;
    public bool IsPresent => _elements.Count > 0;
    public bool Contains(T element) => _elements.ContainsKey(element);

    /// <summary>The dots currently supporting <paramref name="element"/>.</summary>
    public DotSet DotsOf(T element) => _elements.TryGetValue(element, out var bag) ? bag.ToDotSet() : DotSet.Empty;

    public AwAdd<T> PrepareAdd(T element, Dot dot) => new(element, dot, DotsOf(element));

    public AwRemove<T> PrepareRemove(T element) => new(element, DotsOf(element));

    /// <summary>An unset: removes every element observed now.</summary>
    public AwClear PrepareClear()
    {
        var all = new List<Dot>();
        foreach (var (_, bag) in _elements) foreach (var d in bag.Span) all.Add(d);
        return new(DotSet.Create(all));
    }

    public void Apply(AwAdd<T> op)
    {
        ref var bag = ref CollectionsMarshal.GetValueRefOrAddDefault(_elements, op.Element, out bool exists);
        if (!exists) bag = new DotBag(op.Dot);
        else
        {
            bag!.RemoveAll(op.Observed);
            bag.Add(op.Dot);
        }
        _context.Advance(op.Dot);
        Advance(op.Observed);
    }

    public void Apply(AwRemove<T> op)
    {
        if (_elements.TryGetValue(op.Element, out var bag) && bag.RemoveAll(op.Observed) && bag.IsEmpty)
            _elements.Remove(op.Element);
        Advance(op.Observed);
    }

    public void Apply(AwClear op)
    {
        if (op.Observed.IsEmpty) return;
        List<T>? emptied = null;
        foreach (var (element, bag) in _elements)
            if (bag.RemoveAll(op.Observed) && bag.IsEmpty) (emptied ??= []).Add(element);
        if (emptied is not null) foreach (var e in emptied) _elements.Remove(e);
        Advance(op.Observed);
    }

    public void Apply(CrdtOp op)
    {
        switch (op)
        {
            case AwAdd<T> a: Apply(a); break;
            case AwRemove<T> r: Apply(r); break;
            case AwClear c: Apply(c); break;
            default: throw CrdtErrors.WrongOp("awset", op);
        }
    }

    /// <summary>Causal merge per element: keep a dot both hold, or one holds that the other's context has not seen.</summary>
    public void Merge(AwSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        List<T>? emptied = null;
        foreach (var (element, bag) in _elements)
        {
            other._elements.TryGetValue(element, out var theirs);
            bag.CausalMerge(theirs, _context, other._context);
            if (bag.IsEmpty) (emptied ??= []).Add(element);
        }
        foreach (var (element, theirs) in other._elements)
        {
            if (_elements.ContainsKey(element)) continue;
            var bag = new DotBag();
            bag.CausalMerge(theirs, _context, other._context);
            if (!bag.IsEmpty) _elements.Add(element, bag);
        }
        if (emptied is not null) foreach (var e in emptied) _elements.Remove(e);
        _context.Merge(other._context);
    }

    public AwSet<T> Clone()
    {
        var elements = new Dictionary<T, DotBag>(_elements.Count);
        foreach (var (element, bag) in _elements) elements.Add(element, bag.Clone());
        return new(elements, _context.Clone());
    }

    public bool Equals(AwSet<T>? other)
    {
        if (other is null || other._elements.Count != _elements.Count || !_context.Equals(other._context)) return false;
        foreach (var (element, bag) in _elements)
            if (!other._elements.TryGetValue(element, out var theirs) || !bag.Equals(theirs)) return false;
        return true;
    }

    public override string ToString() => "{" + string.Join(", ", Entries.Select(e => $"{e.Key}{e.Value}")) + "} ctx " + _context;

    private void Advance(DotSet dots)
    {
        foreach (var d in dots) _context.Advance(d);
    }
}

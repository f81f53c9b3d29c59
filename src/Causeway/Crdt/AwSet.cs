using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>An add-wins observed-remove set (OR-set without tombstones). Each element carries
/// the dots of the adds that put it there; a remove deletes only the dots its writer observed,
/// so an add concurrent with a remove survives. State: element → dots, plus the causal context.
/// Mutable; not thread-safe.</summary>
public sealed class AwSet<T> : CausalCrdt<AwSet<T>>, IApplies<AwAdd<T>>, IApplies<AwRemove<T>>, IApplies<AwClear>
    where T : notnull, IComparable<T>, IEquatable<T>
{
    private readonly DotMap<T, DotBag> _elements;

    public AwSet() : this(new DotMap<T, DotBag>(), new VersionVector()) { }

    private AwSet(DotMap<T, DotBag> elements, VersionVector context) : base(context) => _elements = elements;

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static AwSet<T> FromParts(IEnumerable<KeyValuePair<T, DotSet>> elements, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(context);
        var set = new AwSet<T>(new DotMap<T, DotBag>(), context.Clone());
        foreach (var (element, dots) in elements)
        {
            RequireCovered(dots, context);
            set._elements.AddPart(element, new DotBag(dots), nameof(elements));
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

    /// <summary>The elements, ordered by <typeparamref name="T"/>'s comparer.</summary>
    public IReadOnlyList<T> Elements
    {
        get
        {
            var result = new T[_elements.Count];
            int i = 0;
            foreach (var (element, _) in _elements) result[i++] = element;
            Array.Sort(result);
            return result;
        }
    }

    public int Count => _elements.Count;
    public override bool IsPresent => _elements.Count > 0;
    public bool Contains(T element) => _elements.ContainsKey(element);

    private protected override string Name => "awset";

    /// <summary>The dots currently supporting <paramref name="element"/>.</summary>
    public DotSet DotsOf(T element) => _elements.TryGetValue(element, out var bag) ? bag.ToDotSet() : DotSet.Empty;

    public AwAdd<T> PrepareAdd(T element, Dot dot) => new(element, dot, DotsOf(element));

    public AwRemove<T> PrepareRemove(T element) => new(element, DotsOf(element));

    /// <summary>An unset: removes every element observed now.</summary>
    public AwClear PrepareClear() => new(AllDots(_elements));

    public void Apply(AwAdd<T> op)
    {
        var bag = _elements.GetOrAdd(op.Element);
        bag.RemoveAll(op.Observed);
        bag.Add(op.Dot);
        Observe(op.Dot);
        Observe(op.Observed);
    }

    public void Apply(AwRemove<T> op)
    {
        _elements.RemoveAll(op.Element, op.Observed);
        Observe(op.Observed);
    }

    public void Apply(AwClear op) => Remove(_elements, op.Observed);

    /// <summary>Causal merge per element.</summary>
    private protected override void JoinDots(AwSet<T> other) => _elements.CausalMerge(other._elements, Context, other.Context);

    public override AwSet<T> Clone() => new(_elements.Clone(), Context.Clone());

    private protected override bool SameDots(AwSet<T> other) => _elements.Equals(other._elements);

    public override string ToString() => "{" + string.Join(", ", Entries.Select(e => $"{e.Key}{e.Value}")) + "} ctx " + Context;
}

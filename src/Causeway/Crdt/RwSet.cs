using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A remove-wins set. Each element carries add-dots and remove-dots (tombstones); an op
/// drops the dots its writer observed on both sides and records its own dot on one side. An
/// element is present iff it has add-dots and no remove-dots, so a remove concurrent with an
/// add wins, while an add after a remove (which observed its tombstone) brings it back.
/// Mutable; not thread-safe.</summary>
public sealed class RwSet<T> : CausalCrdt<RwSet<T>>, IApplies<RwAdd<T>>, IApplies<RwRemove<T>>, IApplies<RwClear>
    where T : notnull, IComparable<T>, IEquatable<T>
{
    private readonly DotMap<T, OnOffDots> _elements;

    public RwSet() : this(new DotMap<T, OnOffDots>(), new VersionVector()) { }

    private RwSet(DotMap<T, OnOffDots> elements, VersionVector context) : base(context) => _elements = elements;

    /// <summary>Rebuilds a state from its parts (for decoding): element → (add-dots, remove-dots).
    /// Every dot must be covered by the context.</summary>
    public static RwSet<T> FromParts(IEnumerable<(T Element, DotSet Adds, DotSet Removes)> elements, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(context);
        var set = new RwSet<T>(new DotMap<T, OnOffDots>(), context.Clone());
        foreach (var (element, adds, removes) in elements)
        {
            RequireCovered(adds, context);
            RequireCovered(removes, context);
            set._elements.AddPart(element, new OnOffDots(new DotBag(adds), new DotBag(removes)), nameof(elements));
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
            foreach (var (element, e) in _elements) result[i++] = (element, e.On.ToDotSet(), e.Off.ToDotSet());
            Array.Sort(result, (a, b) => a.Element.CompareTo(b.Element));
            return result;
        }
    }

    /// <summary>The visible elements, ordered by <typeparamref name="T"/>'s comparer.</summary>
    public IReadOnlyList<T> Elements
    {
        get
        {
            var result = new List<T>(_elements.Count);
            foreach (var (element, e) in _elements)
                if (e.IsOn) result.Add(element);
            result.Sort();
            return result;
        }
    }

    public bool Contains(T element) => _elements.TryGetValue(element, out var e) && e.IsOn;

    /// <summary>Whether some element is visible.</summary>
    public override bool IsPresent
    {
        get
        {
            foreach (var (_, e) in _elements)
                if (e.IsOn) return true;
            return false;
        }
    }

    /// <summary>Whether the state holds any dot at all (visible elements or tombstones).</summary>
    public bool HasDots => _elements.Count > 0;

    private protected override string Name => "rwset";

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
    public RwClear PrepareClear() => new(AllDots(_elements));

    public void Apply(RwAdd<T> op) => Record(_elements.GetOrAdd(op.Element), op.Dot, op.ObservedAdds, op.ObservedRemoves, on: true);

    public void Apply(RwRemove<T> op) => Record(_elements.GetOrAdd(op.Element), op.Dot, op.ObservedAdds, op.ObservedRemoves, on: false);

    public void Apply(RwClear op) => Remove(_elements, op.Observed);

    /// <summary>Causal merge of add-dots and remove-dots per element.</summary>
    private protected override void JoinDots(RwSet<T> other) => _elements.CausalMerge(other._elements, Context, other.Context);

    public override RwSet<T> Clone() => new(_elements.Clone(), Context.Clone());

    private protected override bool SameDots(RwSet<T> other) => _elements.Equals(other._elements);

    public override string ToString() =>
        "{" + string.Join(", ", Entries.Select(e => $"{e.Element}+{e.Adds}-{e.Removes}")) + "} ctx " + Context;

    private (DotSet Adds, DotSet Removes) Observed(T element) =>
        _elements.TryGetValue(element, out var e) ? (e.On.ToDotSet(), e.Off.ToDotSet()) : (DotSet.Empty, DotSet.Empty);
}

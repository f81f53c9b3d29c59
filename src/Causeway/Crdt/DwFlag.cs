using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A disable-wins flag: enable-dots and disable-dots. Each op drops the dots its writer
/// observed on both sides and records its own dot on one side; the flag is true iff it has
/// enable-dots and no disable-dots, so a disable concurrent with an enable wins. A reset drops
/// every observed dot (the unset). State: both dot sets plus the causal context.
/// Mutable; not thread-safe.</summary>
public sealed class DwFlag : ICrdt<DwFlag>
{
    private readonly DotBag _enables;
    private readonly DotBag _disables;
    private readonly VersionVector _context;

    public DwFlag() : this(new DotBag(), new DotBag(), new VersionVector()) { }

    private DwFlag(DotBag enables, DotBag disables, VersionVector context)
    {
        _enables = enables;
        _disables = disables;
        _context = context;
    }

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static DwFlag FromParts(DotSet enables, DotSet disables, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var d in enables)
            if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
        foreach (var d in disables)
            if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
        return new(new DotBag(enables), new DotBag(disables), context.Clone());
    }

    public DotSet Enables => _enables.ToDotSet();
    public DotSet Disables => _disables.ToDotSet();

    /// <summary>The causal context. Read-only by contract: do not mutate.</summary>
    public VersionVector Context => _context;

    /// <summary>Whether the flag is enabled.</summary>
    public bool Value => !_enables.IsEmpty && _disables.IsEmpty;

    /// <summary>Present (non-bottom) iff enabled.</summary>
    public bool IsPresent => Value;

    /// <summary>Whether the state holds any dot (enabled, or disabled by a tombstone).</summary>
    public bool HasDots => !_enables.IsEmpty || !_disables.IsEmpty;

    public DwEnable PrepareEnable(Dot dot) => new(dot, _enables.ToDotSet(), _disables.ToDotSet());

    public DwDisable PrepareDisable(Dot dot) => new(dot, _enables.ToDotSet(), _disables.ToDotSet());

    /// <summary>The unset: drops everything observed on both sides.</summary>
    public DwReset PrepareReset()
    {
        var all = new List<Dot>(_enables.Count + _disables.Count);
        foreach (var d in _enables.Span) all.Add(d);
        foreach (var d in _disables.Span) all.Add(d);
        return new(DotSet.Create(all));
    }

    public void Apply(DwEnable op) => Record(op.Dot, op.ObservedEnables, op.ObservedDisables, enable: true);

    public void Apply(DwDisable op) => Record(op.Dot, op.ObservedEnables, op.ObservedDisables, enable: false);

    public void Apply(DwReset op)
    {
        _enables.RemoveAll(op.Observed);
        _disables.RemoveAll(op.Observed);
        foreach (var d in op.Observed) _context.Advance(d);
    }

    public void Apply(CrdtOp op)
    {
        switch (op)
        {
            case DwEnable e: Apply(e); break;
            case DwDisable d: Apply(d); break;
            case DwReset r: Apply(r); break;
            default: throw CrdtErrors.WrongOp("flag_dw", op);
        }
    }

    public void Merge(DwFlag other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        _enables.CausalMerge(other._enables, _context, other._context);
        _disables.CausalMerge(other._disables, _context, other._context);
        _context.Merge(other._context);
    }

    public DwFlag Clone() => new(_enables.Clone(), _disables.Clone(), _context.Clone());

    public bool Equals(DwFlag? other) =>
        other is not null && _enables.Equals(other._enables) && _disables.Equals(other._disables) && _context.Equals(other._context);

    public override string ToString() => $"{Value} +{Enables} -{Disables} ctx {_context}";

    private void Record(Dot dot, DotSet observedEnables, DotSet observedDisables, bool enable)
    {
        _enables.RemoveAll(observedEnables);
        _disables.RemoveAll(observedDisables);
        (enable ? _enables : _disables).Add(dot);
        _context.Advance(dot);
        foreach (var d in observedEnables) _context.Advance(d);
        foreach (var d in observedDisables) _context.Advance(d);
    }
}

using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>An enable-wins flag: true while it holds a dot. Enable replaces the observed dots
/// with a new one; disable removes the observed dots, so a concurrent enable wins. Also the
/// document existence flag (docs/data-model.md: existence is a flag, not a wipe). State: dots plus the
/// causal context. Mutable; not thread-safe.</summary>
public sealed class EwFlag : ICrdt<EwFlag>
{
    private readonly DotBag _dots;
    private readonly VersionVector _context;

    public EwFlag() : this(new DotBag(), new VersionVector()) { }

    private EwFlag(DotBag dots, VersionVector context)
    {
        _dots = dots;
        _context = context;
    }

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static EwFlag FromParts(DotSet dots, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var d in dots)
            if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
        return new(new DotBag(dots), context.Clone());
    }

    public DotSet Dots => _dots.ToDotSet();

    /// <summary>The causal context. Read-only by contract: do not mutate.</summary>
    public VersionVector Context => _context;

    /// <summary>Whether the flag is enabled.</summary>
    public bool Value => !_dots.IsEmpty;

    /// <summary>Present (non-bottom) iff enabled.</summary>
    public bool IsPresent => !_dots.IsEmpty;

    public EwEnable PrepareEnable(Dot dot) => new(dot, _dots.ToDotSet());

    /// <summary>Disable; also the unset of this kind.</summary>
    public EwDisable PrepareDisable() => new(_dots.ToDotSet());

    public void Apply(EwEnable op)
    {
        _dots.RemoveAll(op.Observed);
        _dots.Add(op.Dot);
        _context.Advance(op.Dot);
        foreach (var d in op.Observed) _context.Advance(d);
    }

    public void Apply(EwDisable op)
    {
        _dots.RemoveAll(op.Observed);
        foreach (var d in op.Observed) _context.Advance(d);
    }

    public void Apply(CrdtOp op)
    {
        switch (op)
        {
            case EwEnable e: Apply(e); break;
            case EwDisable d: Apply(d); break;
            default: throw CrdtErrors.WrongOp("flag_ew", op);
        }
    }

    public void Merge(EwFlag other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        _dots.CausalMerge(other._dots, _context, other._context);
        _context.Merge(other._context);
    }

    public EwFlag Clone() => new(_dots.Clone(), _context.Clone());

    public bool Equals(EwFlag? other) => other is not null && _dots.Equals(other._dots) && _context.Equals(other._context);

    public override string ToString() => $"{Value} {Dots} ctx {_context}";
}

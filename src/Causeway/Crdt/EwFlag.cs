using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>An enable-wins flag: true while it holds a dot. Enable replaces the observed dots
/// with a new one; disable removes the observed dots, so a concurrent enable wins. Also the
/// document existence flag (docs/data-model.md: existence is a flag, not a wipe). State: dots plus the
/// causal context. Mutable; not thread-safe.</summary>
public sealed class EwFlag : CausalCrdt<EwFlag>, IApplies<EwEnable>, IApplies<EwDisable>
{
    private readonly DotBag _dots;

    public EwFlag() : this(new DotBag(), new VersionVector()) { }

    private EwFlag(DotBag dots, VersionVector context) : base(context) => _dots = dots;

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static EwFlag FromParts(DotSet dots, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireCovered(dots, context);
        return new(new DotBag(dots), context.Clone());
    }

    public DotSet Dots => _dots.ToDotSet();

    /// <summary>Whether the flag is enabled.</summary>
    public bool Value => !_dots.IsEmpty;

    /// <summary>Present (non-bottom) iff enabled.</summary>
    public override bool IsPresent => !_dots.IsEmpty;

    private protected override string Name => "flag_ew";

    public EwEnable PrepareEnable(Dot dot) => new(dot, _dots.ToDotSet());

    /// <summary>Disable; also the unset of this kind.</summary>
    public EwDisable PrepareDisable() => new(_dots.ToDotSet());

    public void Apply(EwEnable op)
    {
        _dots.RemoveAll(op.Observed);
        _dots.Add(op.Dot);
        Observe(op.Dot);
        Observe(op.Observed);
    }

    public void Apply(EwDisable op) => Remove(_dots, op.Observed);

    private protected override void JoinDots(EwFlag other) => _dots.CausalMerge(other._dots, Context, other.Context);

    public override EwFlag Clone() => new(_dots.Clone(), Context.Clone());

    private protected override bool SameDots(EwFlag other) => _dots.Equals(other._dots);

    public override string ToString() => $"{Value} {Dots} ctx {Context}";
}

using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A disable-wins flag: enable-dots and disable-dots. Each op drops the dots its writer
/// observed on both sides and records its own dot on one side; the flag is true iff it has
/// enable-dots and no disable-dots, so a disable concurrent with an enable wins. A reset drops
/// every observed dot (the unset). State: both dot sets plus the causal context.
/// Mutable; not thread-safe.</summary>
public sealed class DwFlag : CausalCrdt<DwFlag>, IApplies<DwEnable>, IApplies<DwDisable>, IApplies<DwReset>
{
    private readonly OnOffDots _dots;

    public DwFlag() : this(new OnOffDots(), new VersionVector()) { }

    private DwFlag(OnOffDots dots, VersionVector context) : base(context) => _dots = dots;

    /// <summary>Rebuilds a state from its parts (for decoding). Every dot must be covered by the context.</summary>
    public static DwFlag FromParts(DotSet enables, DotSet disables, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireCovered(enables, context);
        RequireCovered(disables, context);
        return new(new OnOffDots(new DotBag(enables), new DotBag(disables)), context.Clone());
    }

    public DotSet Enables => _dots.On.ToDotSet();
    public DotSet Disables => _dots.Off.ToDotSet();

    /// <summary>Whether the flag is enabled.</summary>
    public bool Value => _dots.IsOn;

    /// <summary>Present (non-bottom) iff enabled.</summary>
    public override bool IsPresent => Value;

    /// <summary>Whether the state holds any dot (enabled, or disabled by a tombstone).</summary>
    public bool HasDots => !_dots.IsEmpty;

    private protected override string Name => "flag_dw";

    public DwEnable PrepareEnable(Dot dot) => new(dot, Enables, Disables);

    public DwDisable PrepareDisable(Dot dot) => new(dot, Enables, Disables);

    /// <summary>The unset: drops everything observed on both sides.</summary>
    public DwReset PrepareReset() => new(AllDots(_dots));

    public void Apply(DwEnable op) => Record(_dots, op.Dot, op.ObservedEnables, op.ObservedDisables, on: true);

    public void Apply(DwDisable op) => Record(_dots, op.Dot, op.ObservedEnables, op.ObservedDisables, on: false);

    public void Apply(DwReset op) => Remove(_dots, op.Observed);

    private protected override void JoinDots(DwFlag other) => _dots.CausalMerge(other._dots, Context, other.Context);

    public override DwFlag Clone() => new(_dots.Clone(), Context.Clone());

    private protected override bool SameDots(DwFlag other) => _dots.Equals(other._dots);

    public override string ToString() => $"{Value} +{Enables} -{Disables} ctx {Context}";
}

using System.Collections.Immutable;

namespace Causeway.Crdt.Kinds;

/// <summary>flag_dw: a disable-wins flag (<see cref="DwFlag"/>). Effects: <c>dw+</c>,
/// <c>dw-</c>, <c>dwreset</c>.</summary>
internal sealed class FlagDwKind : FlagKind<DwFlag>
{
    public static readonly FlagDwKind Instance = new();

    private FlagDwKind() : base(FieldKind.FlagDw, 3,
    [
        EffectForm.Of<DwEnable>("dw+", 2, r => new(r.Dot, r.Dots(), r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "flag dot"); w.Start(); w.Dots(op.ObservedEnables); w.Dots(op.ObservedDisables); },
            (_, path) => new("enable", path)),
        EffectForm.Of<DwDisable>("dw-", 2, r => new(r.Dot, r.Dots(), r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "flag dot"); w.Start(); w.Dots(op.ObservedEnables); w.Dots(op.ObservedDisables); },
            (_, path) => new("disable", path)),
        EffectForm.Of<DwReset>("dwreset", 1, r => new(r.Dots()), (w, op) => { w.Start(); w.Dots(op.Observed); }),
    ]) { }

    protected override bool IsOn(DwFlag flag) => flag.Value;

    /// <summary>A reset as long as any dot is held, disables too.</summary>
    protected override CrdtOp? Unset(DwFlag flag, LwwStamp stamp) => flag.HasDots ? flag.PrepareReset() : null;

    /// <summary>[enables, disables, context].</summary>
    protected override void Write(StateWriter w, DwFlag flag)
    {
        w.Dots(flag.Enables);
        w.Dots(flag.Disables);
        w.Vector(flag.Context);
    }

    protected override DwFlag Read(StateReader r, int items) => DwFlag.FromParts(r.Dots(), r.Dots(), r.Vector());

    protected override MapOp PrepareEnable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareDwEnable(path, e.Dot);

    protected override MapOp PrepareDisable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareDwDisable(path, e.Dot);
}

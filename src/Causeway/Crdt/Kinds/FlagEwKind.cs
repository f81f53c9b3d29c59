using System.Collections.Immutable;

namespace Causeway.Crdt.Kinds;

/// <summary>flag_ew: an enable-wins flag (<see cref="EwFlag"/>); what enable makes of an absent
/// field, and a document's existence flag. Effects: <c>ew+</c>, <c>ew-</c>.</summary>
internal sealed class FlagEwKind : FlagKind<EwFlag>
{
    public static readonly FlagEwKind Instance = new();

    private FlagEwKind() : base(FieldKind.FlagEw, 2,
    [
        EffectForm.Of<EwEnable>("ew+", 1, r => new(r.Dot, r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "flag dot"); w.Start(); w.Dots(op.Observed); },
            (_, path) => new("enable", path)),
        // An unset of a flag_ew is its disable, and says so.
        EffectForm.Of<EwDisable>("ew-", 1, r => new(r.Dots()), (w, op) => { w.Start(); w.Dots(op.Observed); },
            (_, path) => new("disable", path)),
    ]) { }

    protected override bool IsOn(EwFlag flag) => flag.Value;

    protected override CrdtOp? Unset(EwFlag flag, LwwStamp stamp) => flag.IsPresent ? flag.PrepareDisable() : null;

    /// <summary>[dots, context].</summary>
    protected override void Write(StateWriter w, EwFlag flag)
    {
        w.Dots(flag.Dots);
        w.Vector(flag.Context);
    }

    protected override EwFlag Read(StateReader r, int items) => EwFlag.FromParts(r.Dots(), r.Vector());

    protected override MapOp PrepareEnable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareEwEnable(path, e.Dot);

    protected override MapOp PrepareDisable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareEwDisable(path);
}

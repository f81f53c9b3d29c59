using System.Collections.Immutable;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>flag_dw: a disable-wins flag (<see cref="DwFlag"/>). Effects: <c>dw+</c>,
/// <c>dw-</c>, <c>dwreset</c>.</summary>
internal sealed class FlagDwKind : FlagKind<DwFlag>
{
    public static readonly FlagDwKind Instance = new();

    private static readonly EffectForm Enable = new("dw+", 2, r => new DwEnable(r.Dot, r.Dots(), r.Dots()));
    private static readonly EffectForm Disable = new("dw-", 2, r => new DwDisable(r.Dot, r.Dots(), r.Dots()));
    private static readonly EffectForm Reset = new("dwreset", 1, r => new DwReset(r.Dots()));

    private FlagDwKind() : base(FieldKind.FlagDw) { }

    public override bool IsFieldOp(CrdtOp op) => op is DwEnable or DwDisable or DwReset;

    protected override bool IsOn(DwFlag flag) => flag.Value;

    /// <summary>A reset as long as any dot is held, disables too.</summary>
    protected override void PrepareUnset(DwFlag flag, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (flag.HasDots) ops.Add(new(path, flag.PrepareReset()));
    }

    protected override void AddReplicas(ReplicaSet replicas, DwFlag flag)
    {
        replicas.Add(flag.Enables);
        replicas.Add(flag.Disables);
        replicas.Add(flag.Context);
    }

    /// <summary>[enables, disables, context].</summary>
    protected override void Write(StateWriter w, DwFlag flag)
    {
        w.Cbor.WriteStartArray(3);
        w.Dots(flag.Enables);
        w.Dots(flag.Disables);
        w.Vector(flag.Context);
        w.Cbor.WriteEndArray();
    }

    public override DwFlag Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        var enables = r.Dots();
        var disables = r.Dots();
        var flag = DwFlag.FromParts(enables, disables, r.Vector());
        r.Cbor.ReadEndArray();
        return flag;
    }

    public override IReadOnlyList<EffectForm> Effects => [Enable, Disable, Reset];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case DwEnable enable:
                EffectWriter.Expect(enable.Dot == w.Dot, "flag dot");
                w.Start(Enable); w.Dots(enable.ObservedEnables); w.Dots(enable.ObservedDisables); return true;
            case DwDisable disable:
                EffectWriter.Expect(disable.Dot == w.Dot, "flag dot");
                w.Start(Disable); w.Dots(disable.ObservedEnables); w.Dots(disable.ObservedDisables); return true;
            case DwReset reset:
                w.Start(Reset); w.Dots(reset.Observed); return true;
            default: return false;
        }
    }

    public override FieldChange Describe(CrdtOp op, string path) => op switch
    {
        DwEnable => new("enable", path),
        DwDisable => new("disable", path),
        _ => base.Describe(op, path),
    };

    protected override MapOp PrepareEnable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareDwEnable(path, e.Dot);

    protected override MapOp PrepareDisable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareDwDisable(path, e.Dot);
}

using System.Collections.Immutable;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>flag_ew: an enable-wins flag (<see cref="EwFlag"/>); what enable makes of an absent
/// field, and a document's existence flag. Effects: <c>ew+</c>, <c>ew-</c>.</summary>
internal sealed class FlagEwKind : FlagKind<EwFlag>
{
    public static readonly FlagEwKind Instance = new();

    private static readonly EffectForm Enable = new("ew+", 1, r => new EwEnable(r.Dot, r.Dots()));
    private static readonly EffectForm Disable = new("ew-", 1, r => new EwDisable(r.Dots()));

    private FlagEwKind() : base(FieldKind.FlagEw) { }

    public override bool IsFieldOp(CrdtOp op) => op is EwEnable or EwDisable;

    protected override bool IsOn(EwFlag flag) => flag.Value;

    protected override void PrepareUnset(EwFlag flag, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (flag.IsPresent) ops.Add(new(path, flag.PrepareDisable()));
    }

    protected override void AddReplicas(ReplicaSet replicas, EwFlag flag)
    {
        replicas.Add(flag.Dots);
        replicas.Add(flag.Context);
    }

    /// <summary>[dots, context].</summary>
    protected override void Write(StateWriter w, EwFlag flag)
    {
        w.Cbor.WriteStartArray(2);
        w.Dots(flag.Dots);
        w.Vector(flag.Context);
        w.Cbor.WriteEndArray();
    }

    public override EwFlag Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        var dots = r.Dots();
        var context = r.Vector();
        r.Cbor.ReadEndArray();
        return EwFlag.FromParts(dots, context);
    }

    public override IReadOnlyList<EffectForm> Effects => [Enable, Disable];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case EwEnable enable:
                EffectWriter.Expect(enable.Dot == w.Dot, "flag dot");
                w.Start(Enable); w.Dots(enable.Observed); return true;
            case EwDisable disable:
                w.Start(Disable); w.Dots(disable.Observed); return true;
            default: return false;
        }
    }

    /// <summary>An unset of a flag_ew is its disable, and says so.</summary>
    public override FieldChange Describe(CrdtOp op, string path) => op switch
    {
        EwEnable => new("enable", path),
        EwDisable => new("disable", path),
        _ => base.Describe(op, path),
    };

    protected override MapOp PrepareEnable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareEwEnable(path, e.Dot);

    protected override MapOp PrepareDisable(IFieldEditor e, ImmutableArray<string> path) => e.Fields.PrepareEwDisable(path);
}

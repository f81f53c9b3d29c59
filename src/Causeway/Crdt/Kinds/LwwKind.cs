using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>lww: a last-writer-wins register (<see cref="LwwRegister{T}"/>); what a plain value
/// becomes. Effects: <c>set</c>, <c>clear</c>, both stamped by their position in the commit.</summary>
internal sealed class LwwKind : FieldKindDefinition<LwwRegister<Value>>
{
    public static readonly LwwKind Instance = new();

    private LwwKind() : base(FieldKind.Lww, 5,
    [
        EffectForm.Of<LwwAssign<Value>>("set", 1, r => new(r.Stamp, r.Value()),
            (w, op) => { EffectWriter.Expect(op.Stamp == w.Stamp, "lww stamp"); w.Start(); w.Value(op.Value); },
            (op, path) => new("set", path, op.Value)),
        EffectForm.Of<LwwClear>("clear", 0, r => new(r.Stamp),
            (w, op) => { EffectWriter.Expect(op.Stamp == w.Stamp, "lww stamp"); w.Start(); }),
    ]) { }

    protected override Value? ToValue(LwwRegister<Value> lww) => lww.Value;

    /// <summary>Even an absent register gets a clear: its stamp beats older writes not seen yet.</summary>
    protected override CrdtOp? Unset(LwwRegister<Value> lww, LwwStamp stamp) => lww.PrepareClear(stamp);

    /// <summary>[time, replica (-1 when never written), index, present, value or null].</summary>
    protected override void Write(StateWriter w, LwwRegister<Value> lww)
    {
        w.Int(lww.Stamp.Time.Raw);
        if (lww.Stamp.Replica is null) w.Int(-1); else w.Replica(lww.Stamp.Replica);
        w.Int(lww.Stamp.Index);
        w.Bool(lww.IsPresent);
        if (lww.IsPresent) w.Value(lww.Value!); else w.Null();
    }

    protected override LwwRegister<Value> Read(StateReader r, int items)
    {
        var time = HlcTimestamp.FromRaw(r.Cbor.ReadInt64());
        long replica = r.Cbor.ReadInt64();
        int index = (int)r.Cbor.ReadInt64();
        bool present = r.Cbor.ReadBoolean();
        Value? value = present ? r.Value() : ReadNull(r);
        return LwwRegister<Value>.FromParts(new LwwStamp(time, replica < 0 ? null! : r.Replica(replica), index), present, value);
    }

    private static Value? ReadNull(StateReader r)
    {
        r.Cbor.ReadNull();
        return null;
    }

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Set;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) => e.AssignValue(path, op.Value!);

    protected override IEnumerable<Value> TypedValues(LwwRegister<Value> lww) => lww.Value is { } v && !v.IsNull ? [v] : [];
}

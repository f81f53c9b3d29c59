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

    private static readonly EffectForm Set = new("set", 1, r => new LwwAssign<Value>(r.Stamp, r.Value()));
    private static readonly EffectForm Clear = new("clear", 0, r => new LwwClear(r.Stamp));

    private LwwKind() : base(FieldKind.Lww) { }

    public override bool IsFieldOp(CrdtOp op) => op is LwwAssign<Value> or LwwClear;

    protected override Value? ToValue(LwwRegister<Value> lww) => lww.Value;

    /// <summary>Even an absent register gets a clear: its stamp beats older writes not seen yet.</summary>
    protected override void PrepareUnset(LwwRegister<Value> lww, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops) =>
        ops.Add(new(path, lww.PrepareClear(stamp)));

    protected override void AddReplicas(ReplicaSet replicas, LwwRegister<Value> lww)
    {
        if (lww.Stamp.Replica is { } replica) replicas.Add(replica);
    }

    /// <summary>[time, replica (-1 when never written), index, present, value or null].</summary>
    protected override void Write(StateWriter w, LwwRegister<Value> lww)
    {
        w.Cbor.WriteStartArray(5);
        w.Cbor.WriteInt64(lww.Stamp.Time.Raw);
        if (lww.Stamp.Replica is null) w.Cbor.WriteInt64(-1); else w.Replica(lww.Stamp.Replica);
        w.Cbor.WriteInt64(lww.Stamp.Index);
        w.Cbor.WriteBoolean(lww.IsPresent);
        if (lww.IsPresent) w.Value(lww.Value!); else w.Cbor.WriteNull();
        w.Cbor.WriteEndArray();
    }

    public override LwwRegister<Value> Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        var time = HlcTimestamp.FromRaw(r.Cbor.ReadInt64());
        long replica = r.Cbor.ReadInt64();
        int index = (int)r.Cbor.ReadInt64();
        bool present = r.Cbor.ReadBoolean();
        Value? value = present ? r.Value() : ReadNull(r);
        r.Cbor.ReadEndArray();
        return LwwRegister<Value>.FromParts(new LwwStamp(time, replica < 0 ? null! : r.Replica(replica), index), present, value);
    }

    private static Value? ReadNull(StateReader r)
    {
        r.Cbor.ReadNull();
        return null;
    }

    public override IReadOnlyList<EffectForm> Effects => [Set, Clear];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case LwwAssign<Value> assign:
                EffectWriter.Expect(assign.Stamp == w.Stamp, "lww stamp");
                w.Start(Set); w.Value(assign.Value); return true;
            case LwwClear clear:
                EffectWriter.Expect(clear.Stamp == w.Stamp, "lww stamp");
                w.Start(Clear); return true;
            default: return false;
        }
    }

    public override FieldChange Describe(CrdtOp op, string path) =>
        op is LwwAssign<Value> a ? new("set", path, a.Value) : base.Describe(op, path);

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Set;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) => e.AssignValue(path, op.Value!);

    protected override IEnumerable<Value> TypedValues(LwwRegister<Value> lww) => lww.Value is { } v && !v.IsNull ? [v] : [];
}

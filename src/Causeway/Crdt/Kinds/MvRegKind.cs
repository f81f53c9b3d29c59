using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>mvreg: a multi-value register (<see cref="MvRegister{T}"/>), read as the array of its
/// concurrent values. Effects: <c>mvset</c>, <c>mvclear</c>.</summary>
internal sealed class MvRegKind : FieldKindDefinition<MvRegister<Value>>
{
    public static readonly MvRegKind Instance = new();

    private static readonly EffectForm Set = new("mvset", 2, r => new MvAssign<Value>(r.Dot, r.Value(), r.Dots()));
    private static readonly EffectForm Clear = new("mvclear", 1, r => new MvClear(r.Dots()));

    private MvRegKind() : base(FieldKind.MvReg) { }

    public override bool IsFieldOp(CrdtOp op) => op is MvAssign<Value> or MvClear;

    protected override Value? ToValue(MvRegister<Value> mv) => Value.Array(mv.Values);

    protected override void PrepareUnset(MvRegister<Value> mv, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (mv.IsPresent) ops.Add(new(path, mv.PrepareClear()));
    }

    protected override void AddReplicas(ReplicaSet replicas, MvRegister<Value> mv)
    {
        foreach (var (dot, _) in mv.Entries) replicas.Add(dot);
        replicas.Add(mv.Context);
    }

    /// <summary>[[[dot, value]…], context].</summary>
    protected override void Write(StateWriter w, MvRegister<Value> mv)
    {
        w.Cbor.WriteStartArray(2);
        w.Cbor.WriteStartArray(mv.Entries.Count);
        foreach (var (dot, value) in mv.Entries)
        {
            w.Cbor.WriteStartArray(2);
            w.Dot(dot);
            w.Value(value);
            w.Cbor.WriteEndArray();
        }
        w.Cbor.WriteEndArray();
        w.Vector(mv.Context);
        w.Cbor.WriteEndArray();
    }

    public override MvRegister<Value> Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        int n = r.Cbor.ReadStartArray();
        var entries = new List<KeyValuePair<Dot, Value>>(n);
        for (int i = 0; i < n; i++)
        {
            r.Cbor.ReadStartArray();
            var dot = r.Dot();
            entries.Add(new(dot, r.Value()));
            r.Cbor.ReadEndArray();
        }
        r.Cbor.ReadEndArray();
        var mv = MvRegister<Value>.FromParts(entries, r.Vector());
        r.Cbor.ReadEndArray();
        return mv;
    }

    public override IReadOnlyList<EffectForm> Effects => [Set, Clear];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case MvAssign<Value> assign:
                EffectWriter.Expect(assign.Dot == w.Dot, "mvreg dot");
                w.Start(Set); w.Value(assign.Value); w.Dots(assign.Observed); return true;
            case MvClear clear:
                w.Start(Clear); w.Dots(clear.Observed); return true;
            default: return false;
        }
    }

    public override FieldChange Describe(CrdtOp op, string path) =>
        op is MvAssign<Value> a ? new("set", path, a.Value) : base.Describe(op, path);

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Set;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) =>
        e.Emit(e.Fields.PrepareMvAssign(path, e.Dot, op.Value!));

    /// <summary>A plain value replaces the values unless it is already the only one.</summary>
    public override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        var values = e.Fields.FieldAt(path)?.MvReg?.Values ?? [];
        if (values.Count != 1 || values[0] != value) e.Emit(e.Fields.PrepareMvAssign(path, e.Dot, value));
        return true;
    }

    protected override IEnumerable<Value> TypedValues(MvRegister<Value> mv) => mv.Values;
}

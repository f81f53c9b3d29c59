using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>rwset: a remove-wins set (<see cref="RwSet{T}"/>); a remove leaves a tombstone that
/// beats concurrent adds. Effects: <c>rw+</c>, <c>rw-</c>, <c>rwclear</c>.</summary>
internal sealed class RwSetKind : SetKind<RwSet<Value>>
{
    public static readonly RwSetKind Instance = new();

    private static readonly EffectForm Add = new("rw+", 3, r => new RwAdd<Value>(r.Value(), r.Dot, r.Dots(), r.Dots()));
    private static readonly EffectForm Remove = new("rw-", 3, r => new RwRemove<Value>(r.Value(), r.Dot, r.Dots(), r.Dots()));
    private static readonly EffectForm Clear = new("rwclear", 1, r => new RwClear(r.Dots()));

    private RwSetKind() : base(FieldKind.RwSet) { }

    public override bool IsFieldOp(CrdtOp op) => op is RwAdd<Value> or RwRemove<Value> or RwClear;

    protected override IReadOnlyList<Value> Elements(RwSet<Value> set) => set.Elements;

    /// <summary>A clear as long as anything is held, tombstones too.</summary>
    protected override void PrepareUnset(RwSet<Value> set, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (set.HasDots) ops.Add(new(path, set.PrepareClear()));
    }

    protected override void AddReplicas(ReplicaSet replicas, RwSet<Value> set)
    {
        foreach (var (_, adds, removes) in set.Entries) { replicas.Add(adds); replicas.Add(removes); }
        replicas.Add(set.Context);
    }

    /// <summary>[[[element, adds, removes]…], context].</summary>
    protected override void Write(StateWriter w, RwSet<Value> set)
    {
        w.Cbor.WriteStartArray(2);
        w.Cbor.WriteStartArray(set.Entries.Count);
        foreach (var (element, adds, removes) in set.Entries)
        {
            w.Cbor.WriteStartArray(3);
            w.Value(element);
            w.Dots(adds);
            w.Dots(removes);
            w.Cbor.WriteEndArray();
        }
        w.Cbor.WriteEndArray();
        w.Vector(set.Context);
        w.Cbor.WriteEndArray();
    }

    public override RwSet<Value> Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        int n = r.Cbor.ReadStartArray();
        var entries = new List<(Value, DotSet, DotSet)>(n);
        for (int i = 0; i < n; i++)
        {
            r.Cbor.ReadStartArray();
            var element = r.Value();
            var adds = r.Dots();
            var removes = r.Dots();
            entries.Add((element, adds, removes));
            r.Cbor.ReadEndArray();
        }
        r.Cbor.ReadEndArray();
        var set = RwSet<Value>.FromParts(entries, r.Vector());
        r.Cbor.ReadEndArray();
        return set;
    }

    public override IReadOnlyList<EffectForm> Effects => [Add, Remove, Clear];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case RwAdd<Value> add:
                EffectWriter.Expect(add.Dot == w.Dot, "rwset dot");
                w.Start(Add); w.Value(add.Element); w.Dots(add.ObservedAdds); w.Dots(add.ObservedRemoves); return true;
            case RwRemove<Value> remove:
                EffectWriter.Expect(remove.Dot == w.Dot, "rwset dot");
                w.Start(Remove); w.Value(remove.Element); w.Dots(remove.ObservedAdds); w.Dots(remove.ObservedRemoves); return true;
            case RwClear clear:
                w.Start(Clear); w.Dots(clear.Observed); return true;
            default: return false;
        }
    }

    public override FieldChange Describe(CrdtOp op, string path) => op switch
    {
        RwAdd<Value> a => new("add", path, a.Element),
        RwRemove<Value> r => new("remove", path, r.Element),
        _ => base.Describe(op, path),
    };

    protected override MapOp PrepareAdd(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareRwAdd(path, element, e.Dot);

    protected override MapOp PrepareRemove(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareRwRemove(path, element, e.Dot);
}

using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>awset: an add-wins set (<see cref="AwSet{T}"/>); what add makes of an absent field.
/// Effects: <c>aw+</c>, <c>aw-</c>, <c>awclear</c>.</summary>
internal sealed class AwSetKind : SetKind<AwSet<Value>>
{
    public static readonly AwSetKind Instance = new();

    private static readonly EffectForm Add = new("aw+", 2, r => new AwAdd<Value>(r.Value(), r.Dot, r.Dots()));
    private static readonly EffectForm Remove = new("aw-", 2, r => new AwRemove<Value>(r.Value(), r.Dots()));
    private static readonly EffectForm Clear = new("awclear", 1, r => new AwClear(r.Dots()));

    private AwSetKind() : base(FieldKind.AwSet) { }

    public override bool IsFieldOp(CrdtOp op) => op is AwAdd<Value> or AwRemove<Value> or AwClear;

    protected override IReadOnlyList<Value> Elements(AwSet<Value> set) => set.Elements;

    protected override void PrepareUnset(AwSet<Value> set, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (set.IsPresent) ops.Add(new(path, set.PrepareClear()));
    }

    protected override void AddReplicas(ReplicaSet replicas, AwSet<Value> set)
    {
        foreach (var (_, dots) in set.Entries) replicas.Add(dots);
        replicas.Add(set.Context);
    }

    /// <summary>[[[element, dots]…], context].</summary>
    protected override void Write(StateWriter w, AwSet<Value> set)
    {
        w.Cbor.WriteStartArray(2);
        w.Cbor.WriteStartArray(set.Entries.Count);
        foreach (var (element, dots) in set.Entries)
        {
            w.Cbor.WriteStartArray(2);
            w.Value(element);
            w.Dots(dots);
            w.Cbor.WriteEndArray();
        }
        w.Cbor.WriteEndArray();
        w.Vector(set.Context);
        w.Cbor.WriteEndArray();
    }

    public override AwSet<Value> Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        int n = r.Cbor.ReadStartArray();
        var entries = new List<KeyValuePair<Value, DotSet>>(n);
        for (int i = 0; i < n; i++)
        {
            r.Cbor.ReadStartArray();
            var element = r.Value();
            entries.Add(new(element, r.Dots()));
            r.Cbor.ReadEndArray();
        }
        r.Cbor.ReadEndArray();
        var set = AwSet<Value>.FromParts(entries, r.Vector());
        r.Cbor.ReadEndArray();
        return set;
    }

    public override IReadOnlyList<EffectForm> Effects => [Add, Remove, Clear];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case AwAdd<Value> add:
                EffectWriter.Expect(add.Dot == w.Dot, "awset dot");
                w.Start(Add); w.Value(add.Element); w.Dots(add.Observed); return true;
            case AwRemove<Value> remove:
                w.Start(Remove); w.Value(remove.Element); w.Dots(remove.Observed); return true;
            case AwClear clear:
                w.Start(Clear); w.Dots(clear.Observed); return true;
            default: return false;
        }
    }

    public override FieldChange Describe(CrdtOp op, string path) => op switch
    {
        AwAdd<Value> a => new("add", path, a.Element),
        AwRemove<Value> r => new("remove", path, r.Element),
        _ => base.Describe(op, path),
    };

    protected override MapOp PrepareAdd(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareAwAdd(path, element, e.Dot);

    protected override MapOp PrepareRemove(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareAwRemove(path, element);
}

using System.Collections.Immutable;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>rwset: a remove-wins set (<see cref="RwSet{T}"/>); a remove leaves a tombstone that
/// beats concurrent adds. Effects: <c>rw+</c>, <c>rw-</c>, <c>rwclear</c>.</summary>
internal sealed class RwSetKind : SetKind<RwSet<Value>>
{
    public static readonly RwSetKind Instance = new();

    private RwSetKind() : base(FieldKind.RwSet, 2,
    [
        EffectForm.Of<RwAdd<Value>>("rw+", 3, r => new(r.Value(), r.Dot, r.Dots(), r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "rwset dot"); w.Start(); w.Value(op.Element); w.Dots(op.ObservedAdds); w.Dots(op.ObservedRemoves); },
            (op, path) => new("add", path, op.Element)),
        EffectForm.Of<RwRemove<Value>>("rw-", 3, r => new(r.Value(), r.Dot, r.Dots(), r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "rwset dot"); w.Start(); w.Value(op.Element); w.Dots(op.ObservedAdds); w.Dots(op.ObservedRemoves); },
            (op, path) => new("remove", path, op.Element)),
        EffectForm.Of<RwClear>("rwclear", 1, r => new(r.Dots()), (w, op) => { w.Start(); w.Dots(op.Observed); }),
    ]) { }

    protected override IReadOnlyList<Value> Elements(RwSet<Value> set) => set.Elements;

    /// <summary>A clear as long as anything is held, tombstones too.</summary>
    protected override CrdtOp? Unset(RwSet<Value> set, LwwStamp stamp) => set.HasDots ? set.PrepareClear() : null;

    /// <summary>[[[element, adds, removes]…], context].</summary>
    protected override void Write(StateWriter w, RwSet<Value> set)
    {
        w.Entries(set.Entries, 3, static (w, e) => { w.Value(e.Element); w.Dots(e.Adds); w.Dots(e.Removes); });
        w.Vector(set.Context);
    }

    protected override RwSet<Value> Read(StateReader r, int items) =>
        RwSet<Value>.FromParts(r.Entries(static r => (r.Value(), r.Dots(), r.Dots())), r.Vector());

    protected override MapOp PrepareAdd(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareRwAdd(path, element, e.Dot);

    protected override MapOp PrepareRemove(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareRwRemove(path, element, e.Dot);
}

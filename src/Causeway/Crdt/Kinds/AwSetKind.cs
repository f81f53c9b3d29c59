using System.Collections.Immutable;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>awset: an add-wins set (<see cref="AwSet{T}"/>); what add makes of an absent field.
/// Effects: <c>aw+</c>, <c>aw-</c>, <c>awclear</c>.</summary>
internal sealed class AwSetKind : SetKind<AwSet<Value>>
{
    public static readonly AwSetKind Instance = new();

    private AwSetKind() : base(FieldKind.AwSet, 2,
    [
        EffectForm.Of<AwAdd<Value>>("aw+", 2, r => new(r.Value(), r.Dot, r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "awset dot"); w.Start(); w.Value(op.Element); w.Dots(op.Observed); },
            (op, path) => new("add", path, op.Element)),
        EffectForm.Of<AwRemove<Value>>("aw-", 2, r => new(r.Value(), r.Dots()),
            (w, op) => { w.Start(); w.Value(op.Element); w.Dots(op.Observed); },
            (op, path) => new("remove", path, op.Element)),
        EffectForm.Of<AwClear>("awclear", 1, r => new(r.Dots()), (w, op) => { w.Start(); w.Dots(op.Observed); }),
    ]) { }

    protected override IReadOnlyList<Value> Elements(AwSet<Value> set) => set.Elements;

    protected override CrdtOp? Unset(AwSet<Value> set, LwwStamp stamp) => set.IsPresent ? set.PrepareClear() : null;

    /// <summary>[[[element, dots]…], context].</summary>
    protected override void Write(StateWriter w, AwSet<Value> set)
    {
        w.Entries(set.Entries, 2, static (w, e) => { w.Value(e.Key); w.Dots(e.Value); });
        w.Vector(set.Context);
    }

    protected override AwSet<Value> Read(StateReader r, int items) =>
        AwSet<Value>.FromParts(r.Entries(static r => KeyValuePair.Create(r.Value(), r.Dots())), r.Vector());

    protected override MapOp PrepareAdd(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareAwAdd(path, element, e.Dot);

    protected override MapOp PrepareRemove(IFieldEditor e, ImmutableArray<string> path, Value element) => e.Fields.PrepareAwRemove(path, element);
}

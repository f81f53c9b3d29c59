using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>mvreg: a multi-value register (<see cref="MvRegister{T}"/>), read as the array of its
/// concurrent values. Effects: <c>mvset</c>, <c>mvclear</c>.</summary>
internal sealed class MvRegKind : FieldKindDefinition<MvRegister<Value>>
{
    public static readonly MvRegKind Instance = new();

    private MvRegKind() : base(FieldKind.MvReg, 2,
    [
        EffectForm.Of<MvAssign<Value>>("mvset", 2, r => new(r.Dot, r.Value(), r.Dots()),
            (w, op) => { EffectWriter.Expect(op.Dot == w.Dot, "mvreg dot"); w.Start(); w.Value(op.Value); w.Dots(op.Observed); },
            (op, path) => new("set", path, op.Value)),
        EffectForm.Of<MvClear>("mvclear", 1, r => new(r.Dots()), (w, op) => { w.Start(); w.Dots(op.Observed); }),
    ]) { }

    protected override Value? ToValue(MvRegister<Value> mv) => Value.Array(mv.Values);

    protected override CrdtOp? Unset(MvRegister<Value> mv, LwwStamp stamp) => mv.IsPresent ? mv.PrepareClear() : null;

    /// <summary>[[[dot, value]…], context].</summary>
    protected override void Write(StateWriter w, MvRegister<Value> mv)
    {
        w.Entries(mv.Entries, 2, static (w, e) => { w.Dot(e.Key); w.Value(e.Value); });
        w.Vector(mv.Context);
    }

    protected override MvRegister<Value> Read(StateReader r, int items) =>
        MvRegister<Value>.FromParts(r.Entries(static r => KeyValuePair.Create(r.Dot(), r.Value())), r.Vector());

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

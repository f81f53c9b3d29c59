using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Crdt.Kinds;

/// <summary>counter: a resettable positive-negative counter (<see cref="PnCounter"/>), read as an
/// integer. Effects: <c>inc</c> (by the commit's origin), <c>reset</c>.</summary>
internal sealed class CounterKind : FieldKindDefinition<PnCounter>
{
    public static readonly CounterKind Instance = new();

    private CounterKind() : base(FieldKind.Counter, 2,
    [
        EffectForm.Of<CounterIncrement>("inc", 1, r => new(r.Origin, r.Int()),
            (w, op) => { EffectWriter.Expect(op.Replica == w.Origin, "counter replica"); w.Start(); w.Int(op.By); },
            (op, path) => new("increment", path, Value.Int(op.By))),
        EffectForm.Of<CounterReset>("reset", 1, r => new(ReadTotals(r)), WriteReset),
    ]) { }

    protected override Value? ToValue(PnCounter counter) => Value.Int(counter.Value);

    protected override CrdtOp? Unset(PnCounter counter, LwwStamp stamp) => counter.IsPresent ? counter.PrepareReset() : null;

    /// <summary>[totals, reset base].</summary>
    protected override void Write(StateWriter w, PnCounter counter)
    {
        w.Totals(counter.Totals);
        w.Totals(counter.ResetBase);
    }

    protected override PnCounter Read(StateReader r, int items) => PnCounter.FromParts(r.Totals(), r.Totals());

    /// <summary>The totals observed: [[replica, p, n]…], replicas as DIDs.</summary>
    private static void WriteReset(EffectWriter w, CounterReset reset)
    {
        w.Start();
        w.Cbor.WriteStartArray(reset.Observed.Length);
        foreach (var t in reset.Observed)
        {
            w.Cbor.WriteStartArray(3); w.Text(t.Replica); w.Int(t.P); w.Int(t.N); w.Cbor.WriteEndArray();
        }
        w.Cbor.WriteEndArray();
    }

    private static ImmutableArray<ReplicaTotals> ReadTotals(EffectReader r)
    {
        int n = r.Cbor.ReadStartArray();
        var totals = ImmutableArray.CreateBuilder<ReplicaTotals>(n);
        for (int i = 0; i < n; i++)
        {
            if (r.Cbor.ReadStartArray() != 3) throw EffectReader.Invalid("counter totals are [replica, p, n]");
            totals.Add(new ReplicaTotals(r.Text(), r.Int(), r.Int()));
            r.Cbor.ReadEndArray();
        }
        r.Cbor.ReadEndArray();
        return totals.MoveToImmutable();
    }

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Increment;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op)
    {
        e.Fields.FieldAt(path)?.Counter?.PrepareIncrement(e.Origin, op.By); // throws on overflow
        if (op.By != 0) e.Emit(e.Fields.PrepareIncrement(path, e.Origin, op.By));
    }

    /// <summary>A number moves the counter by the difference.</summary>
    public override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        long by = Difference(this, path, value, e.Fields.FieldAt(path)?.Counter?.ExactValue ?? 0);
        if (by != 0) e.Emit(e.Fields.PrepareIncrement(path, e.Origin, by));
        return true;
    }

    /// <summary>The increment that moves a counter (of either kind) from <paramref name="current"/>
    /// to the whole number <paramref name="value"/>; invalid_value past 64 bits.</summary>
    internal static long Difference(FieldKindDefinition kind, ImmutableArray<string> path, Value value, Int128 current)
    {
        kind.RequireValue(path, value, ValueKind.Int, "a whole number");
        Int128 delta = (Int128)value.AsInt() - current;
        if (delta > long.MaxValue || delta <= long.MinValue)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Moving '{string.Join('.', path)}' to {value.AsInt()} overflows a 64-bit integer.");
        return (long)delta;
    }

    public override string? Refusal(FieldRule rule, string where) =>
        rule.Type is null or ValueType.Integer or ValueType.Number ? null
        : $"{where} is a counter: its values are integers, not {TypeName(rule)}.";
}

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

    private static readonly EffectForm Increment = new("inc", 1, r => new CounterIncrement(r.Origin, r.Int()));
    private static readonly EffectForm Reset = new("reset", 1, r => new CounterReset(ReadTotals(r)));

    private CounterKind() : base(FieldKind.Counter) { }

    public override bool IsFieldOp(CrdtOp op) => op is CounterIncrement or CounterReset;

    protected override Value? ToValue(PnCounter counter) => Value.Int(counter.Value);

    protected override void PrepareUnset(PnCounter counter, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (counter.IsPresent) ops.Add(new(path, counter.PrepareReset()));
    }

    protected override void AddReplicas(ReplicaSet replicas, PnCounter counter)
    {
        replicas.Add(counter.Totals);
        replicas.Add(counter.ResetBase);
    }

    /// <summary>[totals, reset base].</summary>
    protected override void Write(StateWriter w, PnCounter counter)
    {
        w.Cbor.WriteStartArray(2);
        w.Totals(counter.Totals);
        w.Totals(counter.ResetBase);
        w.Cbor.WriteEndArray();
    }

    public override PnCounter Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        var totals = r.Totals();
        var resetBase = r.Totals();
        r.Cbor.ReadEndArray();
        return PnCounter.FromParts(totals, resetBase);
    }

    public override IReadOnlyList<EffectForm> Effects => [Increment, Reset];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case CounterIncrement increment:
                EffectWriter.Expect(increment.Replica == w.Origin, "counter replica");
                w.Start(Increment); w.Int(increment.By); return true;
            case CounterReset reset:
                w.Start(Reset);
                w.Cbor.WriteStartArray(reset.Observed.Length);
                foreach (var t in reset.Observed)
                {
                    w.Cbor.WriteStartArray(3); w.Text(t.Replica); w.Int(t.P); w.Int(t.N); w.Cbor.WriteEndArray();
                }
                w.Cbor.WriteEndArray();
                return true;
            default: return false;
        }
    }

    /// <summary>[[replica, p, n]…], replicas as DIDs.</summary>
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

    public override FieldChange Describe(CrdtOp op, string path) =>
        op is CounterIncrement i ? new("increment", path, Value.Int(i.By)) : base.Describe(op, path);

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Increment;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op)
    {
        e.Fields.FieldAt(path)?.Counter?.PrepareIncrement(e.Origin, op.By); // throws on overflow
        if (op.By != 0) e.Emit(e.Fields.PrepareIncrement(path, e.Origin, op.By));
    }

    /// <summary>A number moves the counter by the difference.</summary>
    public override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        long by = Difference(path, value, e.Fields.FieldAt(path)?.Counter?.ExactValue ?? 0);
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

    private long Difference(ImmutableArray<string> path, Value value, Int128 current) => Difference(this, path, value, current);

    public override string? Refusal(FieldRule rule, string where) =>
        rule.Type is null or ValueType.Integer or ValueType.Number ? null
        : $"{where} is a counter: its values are integers, not {TypeName(rule)}.";
}

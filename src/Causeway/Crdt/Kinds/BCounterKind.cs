using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Crdt.Kinds;

/// <summary>bcounter: a bounded counter (<see cref="BCounter"/>), read as an integer; each
/// replica spends only the rights it holds. Effects: <c>binc</c>, <c>bxfer</c> (both by the
/// commit's origin). It has no reset: a reset would move the value without any replica spending
/// rights, so a declared bcounter cannot be unset.</summary>
internal sealed class BCounterKind : FieldKindDefinition<BCounter>
{
    public static readonly BCounterKind Instance = new();

    private static readonly EffectForm Increment = new("binc", 1, r => ReadIncrement(r));
    private static readonly EffectForm Transfer = new("bxfer", 3, r => ReadTransfer(r));

    private BCounterKind() : base(FieldKind.BCounter) { }

    public override bool IsFieldOp(CrdtOp op) => op is BCounterIncrement or BCounterTransfer;

    protected override Value? ToValue(BCounter counter) => Value.Int(counter.Value);

    /// <summary>No op (see the summary): callers refuse to unset a bcounter.</summary>
    protected override void PrepareUnset(BCounter counter, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops) { }

    protected override void AddReplicas(ReplicaSet replicas, BCounter counter)
    {
        replicas.Add(counter.Totals);
        foreach (var t in counter.Transfers) { replicas.Add(t.From); replicas.Add(t.To); }
    }

    /// <summary>[totals, [[from, to, side, amount]…]]; the rows come sorted by from, to, side.</summary>
    protected override void Write(StateWriter w, BCounter counter)
    {
        var transfers = counter.Transfers;
        w.Cbor.WriteStartArray(2);
        w.Totals(counter.Totals);
        w.Cbor.WriteStartArray(transfers.Count);
        foreach (var t in transfers)
        {
            w.Cbor.WriteStartArray(4);
            w.Replica(t.From);
            w.Replica(t.To);
            w.Cbor.WriteInt64((long)t.Side);
            w.Cbor.WriteInt64(t.Amount);
            w.Cbor.WriteEndArray();
        }
        w.Cbor.WriteEndArray();
        w.Cbor.WriteEndArray();
    }

    public override BCounter Read(StateReader r)
    {
        r.Cbor.ReadStartArray();
        var totals = r.Totals();
        int rows = r.Cbor.ReadStartArray();
        var transfers = new List<RightsTransfer>(rows);
        for (int i = 0; i < rows; i++)
        {
            r.Cbor.ReadStartArray();
            string from = r.Replica(), to = r.Replica();
            long side = r.Cbor.ReadInt64();
            // Checked before the cast: a byte enum would wrap 256 to Lower.
            if (side is not ((long)BoundSide.Lower or (long)BoundSide.Upper)) throw new CorruptDataException("A stored bcounter transfer has an unknown side.");
            transfers.Add(new RightsTransfer(from, to, (BoundSide)side, r.Cbor.ReadInt64()));
            r.Cbor.ReadEndArray();
        }
        r.Cbor.ReadEndArray();
        r.Cbor.ReadEndArray();
        return BCounter.FromParts(totals, transfers);
    }

    public override IReadOnlyList<EffectForm> Effects => [Increment, Transfer];

    public override bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        switch (op)
        {
            case BCounterIncrement increment:
                EffectWriter.Expect(increment.Replica == w.Origin, "bcounter replica");
                w.Start(Increment); w.Int(increment.By); return true;
            case BCounterTransfer transfer:
                EffectWriter.Expect(transfer.From == w.Origin, "bcounter transfer's giving replica");
                w.Start(Transfer); w.Text(transfer.To); w.Int((long)transfer.Side); w.Int(transfer.Amount); return true;
            default: return false;
        }
    }

    private static BCounterIncrement ReadIncrement(EffectReader r)
    {
        long by = r.Int();
        if (by == long.MinValue) throw EffectReader.Invalid("a bcounter increment cannot be the most negative 64-bit integer");
        return new(r.Origin, by);
    }

    private static BCounterTransfer ReadTransfer(EffectReader r)
    {
        string to = r.Text();
        long side = r.Int();
        long amount = r.Int();
        if (side is not ((long)BoundSide.Lower or (long)BoundSide.Upper)) throw EffectReader.Invalid($"a bcounter transfer's side is 0 (lower) or 1 (upper), not {side}");
        if (amount <= 0) throw EffectReader.Invalid($"a bcounter transfer's amount must be positive, not {amount}");
        if (to == r.Origin) throw EffectReader.Invalid("a replica cannot transfer bcounter rights to itself");
        return new(r.Origin, to, (BoundSide)side, amount);
    }

    public override FieldChange Describe(CrdtOp op, string path) => op switch
    {
        BCounterIncrement i => new("increment", path, Value.Int(i.By)),
        BCounterTransfer t => new("transfer", path, Value.Map([
            new("to", Value.String(t.To)),
            new("side", Value.String(t.Side == BoundSide.Lower ? "lower" : "upper")),
            new("amount", Value.Int(t.Amount))])),
        _ => base.Describe(op, path),
    };

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Increment;

    /// <summary>Rights are the caller's to check (the commit pipeline's bound rules).</summary>
    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op)
    {
        if (op.By != 0) e.Emit(e.Fields.PrepareBCounterIncrement(path, e.Origin, op.By)); // throws on overflow
    }

    public override string? UnsetRefusal => "a bounded counter's rights cannot be reset";

    /// <summary>A number moves the counter by the difference.</summary>
    public override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        long by = CounterKind.Difference(this, path, value, e.Fields.FieldAt(path)?.BCounter?.ExactValue ?? 0);
        if (by != 0) e.Emit(e.Fields.PrepareBCounterIncrement(path, e.Origin, by));
        return true;
    }

    public override string? Refusal(FieldRule rule, string where)
    {
        if (rule.Min is null && rule.Max is null) return $"{where} is a bcounter without 'min' or 'max': use a counter, or give the bound it keeps.";
        if (rule.Min > rule.Max) return $"{where} has min {rule.Min} above max {rule.Max}: no value satisfies it.";
        if (rule.Min > 0 || rule.Max < 0) return $"{where}: a bcounter starts at 0, which its bounds [{rule.Min?.ToString() ?? "-∞"}, {rule.Max?.ToString() ?? "∞"}] exclude.";
        if (rule.Type is not (null or ValueType.Integer or ValueType.Number)) return $"{where} is a bcounter: its values are integers, not {TypeName(rule)}.";
        return null;
    }
}

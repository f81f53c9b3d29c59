using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>bcounter: a bounded counter (<see cref="BCounter"/>), read as an integer; each
/// replica spends only the rights it holds. Effects: <c>binc</c>, <c>bxfer</c> (both by the
/// commit's origin). It has no reset: a reset would move the value without any replica spending
/// rights, so a declared bcounter cannot be unset.</summary>
internal sealed class BCounterKind : CountingKind<BCounter>
{
    public static readonly BCounterKind Instance = new();

    private BCounterKind() : base(FieldKind.BCounter, 2,
    [
        EffectForm.Of<BCounterIncrement>("binc", 1, ReadIncrement,
            (w, op) => { EffectWriter.Expect(op.Replica == w.Origin, "bcounter replica"); w.Start(); w.Int(op.By); },
            (op, path) => new("increment", path, Value.Int(op.By))),
        EffectForm.Of<BCounterTransfer>("bxfer", 3, ReadTransfer,
            (w, op) => { EffectWriter.Expect(op.From == w.Origin, "bcounter transfer's giving replica"); w.Start(); w.Text(op.To); w.Int((long)op.Side); w.Int(op.Amount); },
            (op, path) => new("transfer", path, Value.Map([
                new("to", Value.String(op.To)),
                new("side", Value.String(op.Side == BoundSide.Lower ? "lower" : "upper")),
                new("amount", Value.Int(op.Amount))]))),
    ]) { }

    protected override Int128 ExactValue(BCounter counter) => counter.ExactValue;

    protected override MapOp PrepareIncrement(IFieldEditor e, ImmutableArray<string> path, long by) => e.Fields.PrepareBCounterIncrement(path, e.Origin, by);

    /// <summary>[totals, [[from, to, side, amount]…]]; the rows come sorted by from, to, side.</summary>
    protected override void Write(StateWriter w, BCounter counter)
    {
        w.Totals(counter.Totals);
        w.Entries(counter.Transfers, 4, static (w, t) => { w.Replica(t.From); w.Replica(t.To); w.Int((long)t.Side); w.Int(t.Amount); });
    }

    protected override BCounter Read(StateReader r, int items) => BCounter.FromParts(r.Totals(), r.Entries(static r =>
    {
        string from = r.Replica(), to = r.Replica();
        long side = r.Cbor.ReadInt64();
        // Checked before the cast: a byte enum would wrap 256 to Lower.
        if (side is not ((long)BoundSide.Lower or (long)BoundSide.Upper)) throw new CorruptDataException("A stored bcounter transfer has an unknown side.");
        return new RightsTransfer(from, to, (BoundSide)side, r.Cbor.ReadInt64());
    }));

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

    /// <summary>Rights are the caller's to check (the commit pipeline's bound rules).</summary>
    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op)
    {
        if (op.By != 0) e.Emit(PrepareIncrement(e, path, op.By)); // throws on overflow
    }

    public override string? UnsetRefusal => "a bounded counter's rights cannot be reset";

    public override string? Refusal(FieldRule rule, string where)
    {
        if (rule.Min is null && rule.Max is null) return $"{where} is a bcounter without 'min' or 'max': use a counter, or give the bound it keeps.";
        if (rule.Min > rule.Max) return $"{where} has min {rule.Min} above max {rule.Max}: no value satisfies it.";
        if (rule.Min > 0 || rule.Max < 0) return $"{where}: a bcounter starts at 0, which its bounds [{rule.Min?.ToString() ?? "-∞"}, {rule.Max?.ToString() ?? "∞"}] exclude.";
        return base.Refusal(rule, where);
    }
}

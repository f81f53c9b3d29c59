using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>counter: a resettable positive-negative counter (<see cref="PnCounter"/>), read as an
/// integer. Effects: <c>inc</c> (by the commit's origin), <c>reset</c>.</summary>
internal sealed class CounterKind : CountingKind<PnCounter>
{
    public static readonly CounterKind Instance = new();

    private CounterKind() : base(FieldKind.Counter, 2,
    [
        EffectForm.Of<CounterIncrement>("inc", 1, r => new(r.Origin, r.Int()),
            (w, op) => { EffectWriter.Expect(op.Replica == w.Origin, "counter replica"); w.Start(); w.Int(op.By); },
            (op, path) => new("increment", path, Value.Int(op.By))),
        EffectForm.Of<CounterReset>("reset", 1, r => new(ReadTotals(r)), WriteReset),
    ]) { }

    protected override Int128 ExactValue(PnCounter counter) => counter.ExactValue;

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

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op)
    {
        e.Fields.FieldAt(path)?.Counter?.PrepareIncrement(e.Origin, op.By); // throws on overflow
        if (op.By != 0) e.Emit(PrepareIncrement(e, path, op.By));
    }

    protected override MapOp PrepareIncrement(IFieldEditor e, ImmutableArray<string> path, long by) => e.Fields.PrepareIncrement(path, e.Origin, by);
}

using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Crdt;

public class BCounterTests
{
    private static readonly string[] Replicas = ["a", "b", "c", "d"];

    /// <summary>One step of a history over three replica states: an increment (0, 1), a transfer
    /// (2) or a merge of one state into another (3).</summary>
    private readonly record struct Step(int Op, int Replica, int Other, bool Upper, long Amount);

    // Amounts stay below long.MaxValue / 128 so 60 steps cannot overflow a row, yet are large
    // enough to need the exact (Int128) sums.
    private static readonly Gen<long> Amounts = Gen.OneOf(Gen.Long[-20, 20], Gen.Long[-(long.MaxValue / 128), long.MaxValue / 128]);

    private static readonly Gen<Step[]> Histories =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Bool, Amounts)
            .Select((op, r, o, upper, amount) => new Step(op, r, o, upper, amount))
            .Array[0, 60];

    /// <summary>Runs a history, calling <paramref name="check"/> on every state after every step.</summary>
    private static BCounter[] Run(Step[] steps, Action<BCounter>? check = null)
    {
        var states = new[] { new BCounter(), new BCounter(), new BCounter() };
        foreach (var s in steps)
        {
            var state = states[s.Replica % 3];
            string replica = Replicas[s.Replica];
            switch (s.Op)
            {
                case 0 or 1:
                    state.Apply(state.PrepareIncrement(replica, s.Amount));
                    break;
                case 2:
                    string to = Replicas[s.Other == s.Replica ? (s.Other + 1) % 4 : s.Other];
                    state.Apply(state.PrepareTransfer(replica, to, s.Upper ? BoundSide.Upper : BoundSide.Lower, Math.Max(1, Math.Abs(s.Amount))));
                    break;
                default:
                    state.Merge(states[s.Other % 3]);
                    break;
            }
            if (check is not null) foreach (var x in states) check(x);
        }
        return states;
    }

    private static Int128 SumOfRights(BCounter c, BoundSide side)
    {
        Int128 sum = 0;
        foreach (var r in Replicas) sum += c.ExactRights(r, side);
        return sum;
    }

    [Fact]
    public void Increments_count_per_replica_and_give_rights_to_the_writer()
    {
        var c = new BCounter();
        Assert.False(c.IsPresent);
        c.Apply(c.PrepareIncrement("a", 5));
        c.Apply(c.PrepareIncrement("b", -2));
        c.Apply(c.PrepareIncrement("a", -1));
        Assert.Equal(2, c.Value);
        Assert.True(c.IsPresent);
        Assert.Equal([new ReplicaTotals("a", 5, 1), new ReplicaTotals("b", 0, 2)], c.Totals);
        // a's increments are rights a can decrement back; b's decrement used up (negative) lower rights
        Assert.Equal(4, c.Rights("a", BoundSide.Lower));
        Assert.Equal(-2, c.Rights("b", BoundSide.Lower));
        Assert.Equal(-4, c.Rights("a", BoundSide.Upper));
        Assert.Equal(2, c.Rights("b", BoundSide.Upper));
        Assert.Equal(0, c.Rights("nobody", BoundSide.Lower));
    }

    [Fact]
    public void A_transfer_alone_makes_the_counter_present_without_changing_its_value()
    {
        var c = new BCounter();
        c.Apply(c.PrepareTransfer("a", "b", BoundSide.Upper, 3));
        Assert.True(c.IsPresent);
        Assert.Equal(0, c.Value);
        Assert.Equal(-3, c.Rights("a", BoundSide.Upper));
        Assert.Equal(3, c.Rights("b", BoundSide.Upper));
        Assert.Equal(0, c.Rights("b", BoundSide.Lower)); // the other side is untouched
        c.Apply(c.PrepareTransfer("a", "b", BoundSide.Upper, 4));
        Assert.Equal([new RightsTransfer("a", "b", BoundSide.Upper, 7)], c.Transfers); // rows are cumulative
    }

    [Fact]
    public void Prepare_rejects_invalid_increments_and_transfers()
    {
        var c = new BCounter();
        c.Apply(c.PrepareIncrement("a", long.MaxValue));
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => c.PrepareIncrement("a", 1)).Code);
        Assert.Throws<InvalidInputException>(() => c.PrepareIncrement("b", 1)); // the value would overflow
        Assert.Throws<InvalidInputException>(() => new BCounter().PrepareIncrement("a", long.MinValue));

        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => c.PrepareTransfer("a", "b", BoundSide.Lower, 0)).Code);
        Assert.Throws<InvalidInputException>(() => c.PrepareTransfer("a", "b", BoundSide.Lower, -1));
        Assert.Throws<InvalidInputException>(() => c.PrepareTransfer("a", "a", BoundSide.Lower, 1));
        Assert.Throws<InvalidInputException>(() => c.PrepareTransfer("a", "b", (BoundSide)2, 1));
        c.Apply(c.PrepareTransfer("a", "b", BoundSide.Lower, long.MaxValue));
        Assert.Throws<InvalidInputException>(() => c.PrepareTransfer("a", "b", BoundSide.Lower, 1)); // the row would overflow
        c.Apply(c.PrepareTransfer("a", "b", BoundSide.Upper, 1)); // other rows are separate
    }

    [Fact]
    public void Malformed_ops_throw_before_changing_anything()
    {
        var c = new BCounter();
        c.Apply(new BCounterIncrement("a", 3));
        var before = c.Clone();
        Assert.Throws<InvalidInputException>(() => c.Apply(new BCounterTransfer("a", "a", BoundSide.Lower, 1)));
        Assert.Throws<InvalidInputException>(() => c.Apply(new BCounterTransfer("a", "b", BoundSide.Lower, 0)));
        Assert.Throws<InvalidInputException>(() => c.Apply(new BCounterIncrement("a", long.MinValue)));
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<InvalidInputException>(() => c.Apply((CrdtOp)new CounterIncrement("a", 1))).Code);
        Assert.True(c.Equals(before));
    }

    [Fact]
    public void Rights_are_exact_beyond_64_bits_and_clamp_when_read_as_long()
    {
        var c = new BCounter();
        c.Apply(new BCounterIncrement("a", long.MaxValue));
        c.Apply(new BCounterIncrement("b", long.MaxValue));
        c.Apply(new BCounterTransfer("b", "a", BoundSide.Lower, long.MaxValue));
        c.Apply(new BCounterTransfer("a", "b", BoundSide.Upper, long.MaxValue));
        Assert.Equal((Int128)long.MaxValue * 2, c.ExactRights("a", BoundSide.Lower));
        Assert.Equal(long.MaxValue, c.Rights("a", BoundSide.Lower));
        Assert.Equal(-(Int128)long.MaxValue * 2, c.ExactRights("a", BoundSide.Upper));
        Assert.Equal(long.MinValue, c.Rights("a", BoundSide.Upper));
        Assert.Equal(0, c.Rights("b", BoundSide.Lower));
        Assert.Equal(long.MaxValue, c.Value);
        Assert.Equal((Int128)long.MaxValue * 2, c.ExactValue);
    }

    [Fact]
    public void Merge_is_pointwise_max_and_parts_round_trip()
    {
        var a = new BCounter();
        a.Apply(a.PrepareIncrement("a", 3));
        var b = a.Clone();
        a.Apply(a.PrepareIncrement("a", 2));
        a.Apply(a.PrepareTransfer("a", "b", BoundSide.Lower, 4));
        b.Apply(b.PrepareIncrement("b", -7));
        b.Apply(b.PrepareTransfer("b", "a", BoundSide.Upper, 1));
        var ab = a.Clone(); ab.Merge(b);
        var ba = b.Clone(); ba.Merge(a);
        Assert.True(ab.Equals(ba));
        Assert.Equal(-2, ab.Value);
        Assert.Equal([new ReplicaTotals("a", 5, 0), new ReplicaTotals("b", 0, 7)], ab.Totals);
        Assert.Equal([new RightsTransfer("a", "b", BoundSide.Lower, 4), new RightsTransfer("b", "a", BoundSide.Upper, 1)], ab.Transfers);
        Assert.True(BCounter.FromParts(ab.Totals, ab.Transfers).Equals(ab));
        Assert.False(ab.Equals(a));
        // FromParts keeps the maximum of a repeated row, as merge does
        var parts = BCounter.FromParts([new("a", 1, 0), new("a", 0, 2)], [new("a", "b", BoundSide.Lower, 5), new("a", "b", BoundSide.Lower, 3)]);
        Assert.Equal([new ReplicaTotals("a", 1, 2)], parts.Totals);
        Assert.Equal(5, parts.Transfers[0].Amount);
    }

    [Fact]
    public void From_parts_rejects_impossible_rows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BCounter.FromParts([new("a", -1, 0)], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => BCounter.FromParts([], [new("a", "b", BoundSide.Lower, -1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BCounter.FromParts([], [new("a", "b", (BoundSide)7, 1)]));
        Assert.Throws<ArgumentException>(() => BCounter.FromParts([], [new("a", "a", BoundSide.Upper, 1)]));
        Assert.False(BCounter.FromParts([new("a", 0, 0)], [new("a", "b", BoundSide.Lower, 0)]).IsPresent); // zero rows are none
    }

    [Fact]
    public void Rights_sum_to_the_value_on_the_lower_side_and_to_its_negation_on_the_upper_side() =>
        // Transfers cancel in the sum, so this holds for every state, merged or not.
        Histories.Sample(steps => Run(steps, c =>
        {
            Assert.Equal(c.ExactValue, SumOfRights(c, BoundSide.Lower));
            Assert.Equal(-c.ExactValue, SumOfRights(c, BoundSide.Upper));
        }), iter: 300);

    [Fact]
    public void A_transfer_moves_exactly_its_amount_from_the_giver_to_the_receiver() =>
        Gen.Select(Histories, Gen.Int[0, 3], Gen.Int[1, 3], Gen.Bool, Gen.Long[1, long.MaxValue / 4]).Sample((steps, from, shift, upper, amount) =>
        {
            var before = Run(steps)[0];
            var side = upper ? BoundSide.Upper : BoundSide.Lower;
            string giver = Replicas[from], receiver = Replicas[(from + shift) % 4];
            var after = before.Clone();
            after.Apply(after.PrepareTransfer(giver, receiver, side, amount));
            Assert.Equal(before.ExactValue, after.ExactValue);
            foreach (var r in Replicas)
            {
                Int128 delta = r == giver ? -amount : r == receiver ? amount : 0;
                Assert.Equal(before.ExactRights(r, side) + delta, after.ExactRights(r, side));
                var other = upper ? BoundSide.Lower : BoundSide.Upper;
                Assert.Equal(before.ExactRights(r, other), after.ExactRights(r, other));
            }
        }, iter: 300);

    [Fact]
    public void Bounded_counter_converges() => Convergence.Check(new BCounterModel());

    /// <summary>Replicas increment and hand rights to each other at random (rights are not
    /// checked: convergence must not depend on them).</summary>
    private sealed class BCounterModel : Model<BCounter>
    {
        private static readonly string[] Names = ["r0", "r1", "R2"];

        public override BCounter Create() => new();
        public override BCounter Clone(BCounter s) => s.Clone();
        public override void Apply(BCounter s, CrdtOp op) => s.Apply(op);
        public override void Merge(BCounter into, BCounter other) => into.Merge(other);
        public override bool Same(BCounter a, BCounter b) => a.Equals(b);
        public override BCounter Rebuild(BCounter s) => BCounter.FromParts(s.Totals, s.Transfers);

        public override string Read(BCounter s) =>
            $"{s.Value} present={s.IsPresent} rights " + string.Join(",", Names.Select(r => $"{s.Rights(r, BoundSide.Lower)}/{s.Rights(r, BoundSide.Upper)}"));

        public override IEnumerable<CrdtOp> Prepare(BCounter s, CommitContext ctx, Random rnd) =>
            [rnd.Next(3) == 0 ? s.PrepareTransfer(ctx.Replica, To(ctx.Replica, rnd), (BoundSide)rnd.Next(2), rnd.Next(1, 4)) : s.PrepareIncrement(ctx.Replica, rnd.Next(-3, 4))];

        /// <summary>A replica other than <paramref name="from"/>.</summary>
        public static string To(string from, Random rnd)
        {
            string to = Names[rnd.Next(Names.Length)];
            return to == from ? to + "x" : to;
        }
    }

    // ---- integration: map field, codecs, change descriptions ----

    private static readonly string[] P = ["stock"];

    [Fact]
    public void A_map_field_holds_a_bcounter_that_ranks_between_map_and_counter()
    {
        var m = new CrdtMap();
        m.Apply(m.PrepareIncrement(P, "a", 100));
        m.Apply(m.PrepareBCounterIncrement(P, "a", 7));
        Assert.Equal(FieldKind.BCounter, m.KindAt(P)); // the bcounter hides the concurrent counter
        Assert.Equal(Value.Int(7), m.ValueAt(P));
        m.Apply(m.PrepareBCounterTransfer(P, "a", "b", BoundSide.Lower, 2));
        Assert.Equal(5, m.FieldAt(P)!.BCounter!.Rights("a", BoundSide.Lower));
        Assert.Equal([FieldKind.Counter, FieldKind.BCounter], m.FieldAt(P)!.Kinds);

        // Unset resets the counter but leaves the bcounter: it has no reset.
        var unset = m.PrepareUnset(P, T.S(1, "a"), T.D("a", 1));
        Assert.IsType<CounterReset>(Assert.Single(unset).Inner);
        foreach (var op in unset) m.Apply(op);
        Assert.Equal(Value.Int(7), m.ValueAt(P));

        m.Apply(m.PrepareAssign(["stock", "x"], T.S(2, "a"), Value.Int(1)));
        Assert.Equal(FieldKind.Map, m.KindAt(P)); // a nested map still outranks it
        Assert.Throws<InvalidInputException>(() => m.PrepareBCounterTransfer(P, "a", "a", BoundSide.Lower, 1));
    }

    [Fact]
    public void A_bcounter_value_beyond_64_bits_reads_clamped()
    {
        var m = new CrdtMap();
        m.Apply(new MapOp([.. P], new BCounterIncrement("a", long.MaxValue)));
        m.Apply(new MapOp([.. P], new BCounterIncrement("b", long.MaxValue)));
        Assert.Equal(Value.Int(long.MaxValue), m.ValueAt(P));
    }

    private static readonly EffectContext Context = new("did:key:z6MkA", 3, HlcTimestamp.FromParts(1_000, 0));

    private static readonly Gen<CrdtOp> Effects = Gen.OneOf(
        Gen.Long.Where(by => by != long.MinValue).Select(by => (CrdtOp)new BCounterIncrement(Context.Origin, by)),
        Gen.Select(Gen.OneOf(Gen.Const("did:key:z6MkB"), Gen.String.AlphaNumeric), Gen.Bool, Gen.Long[1, long.MaxValue])
            .Select((to, upper, amount) => (CrdtOp)new BCounterTransfer(Context.Origin, to, upper ? BoundSide.Upper : BoundSide.Lower, amount)));

    [Fact]
    public void Increment_and_transfer_effects_round_trip_through_an_operation_block() =>
        Effects.Array[1, 4].Sample(effects =>
        {
            var fx = effects.Select(e => (CrdtOp)new MapOp([.. P], e)).ToList();
            var decoded = DocumentOp.Decode(DocumentOp.Create("c", "d", fx, Context).Block, Context);
            Assert.Equal(fx, decoded.Effects);
        }, iter: 300);

    [Fact]
    public void Effect_wire_forms_are_fixed()
    {
        // ["binc", path, by] and ["bxfer", path, to, side, amount]: replica and giver are the origin.
        Assert.Equal("""["binc",["stock"],-4]""", WireForm(new BCounterIncrement(Context.Origin, -4)));
        Assert.Equal("""["bxfer",["stock"],"b",1,9]""", WireForm(new BCounterTransfer(Context.Origin, "b", BoundSide.Upper, 9)));
        Assert.Equal("""["bxfer",["stock"],"b",0,9]""", WireForm(new BCounterTransfer(Context.Origin, "b", BoundSide.Lower, 9)));
    }

    [Fact]
    public void Effects_that_the_commit_contradicts_are_not_encoded()
    {
        var w = new DagCborWriter();
        Assert.Throws<InvalidOperationException>(() => EffectCodec.Write(w, new MapOp([.. P], new BCounterIncrement("did:key:z6MkB", 1)), Context, 0));
        w.Reset();
        Assert.Throws<InvalidOperationException>(() => EffectCodec.Write(w, new MapOp([.. P], new BCounterTransfer("did:key:z6MkB", "c", BoundSide.Lower, 1)), Context, 0));
    }

    [Theory]
    [InlineData("binc", 2)]                           // missing the amount
    [InlineData("binc", 3, long.MinValue)]            // not a valid increment
    [InlineData("bxfer", 4, "b", 0L)]                 // missing the amount
    [InlineData("bxfer", 5, "b", 2L, 1L)]             // side is 0 or 1
    [InlineData("bxfer", 5, "b", 0L, 0L)]             // amount must be positive
    [InlineData("bxfer", 5, "b", 1L, -3L)]
    [InlineData("bxfer", 5, "did:key:z6MkA", 0L, 1L)] // a transfer to oneself
    public void Malformed_effects_are_invalid_commits(string name, int items, params object[] rest)
    {
        var w = new DagCborWriter();
        w.WriteStartArray(items);
        w.WriteText(name);
        w.WriteStartArray(1); w.WriteText("stock"); w.WriteEndArray();
        foreach (var item in rest)
        {
            if (item is string s) w.WriteText(s); else w.WriteInt64((long)item);
        }
        w.WriteEndArray();
        var r = new DagCborReader(w.Encode());
        Assert.Throws<InvalidCommitException>(() => EffectCodec.Read(r, Context, 0));
    }

    [Fact]
    public void A_stored_state_round_trips_and_encodes_the_same_whatever_the_order_of_its_history()
    {
        string[] dids = ["did:key:z6MkC", "did:key:z6MkA", "did:key:z6MkB"];
        var ops = new List<CrdtOp>
        {
            new MapOp([.. P], new BCounterIncrement(dids[0], 10)),
            new MapOp([.. P], new BCounterIncrement(dids[1], -4)),
            new MapOp([.. P], new BCounterTransfer(dids[0], dids[2], BoundSide.Lower, 3)),
            new MapOp([.. P], new BCounterTransfer(dids[0], dids[1], BoundSide.Upper, 2)),
            new MapOp([.. P], new BCounterTransfer(dids[0], dids[1], BoundSide.Lower, 1)),
            new MapOp(["n", "inner"], new BCounterTransfer(dids[2], dids[0], BoundSide.Upper, 5)),
            new MapOp([.. P], new CounterIncrement(dids[2], 1)), // a second kind in the same field
        };
        var forward = new DocumentState();
        foreach (var op in ops) forward.Apply(op);
        var backward = new DocumentState();
        for (int i = ops.Count - 1; i >= 0; i--) backward.Apply(ops[i]);

        var bytes = DocumentStateCodec.Encode(forward);
        Assert.Equal(bytes, DocumentStateCodec.Encode(backward)); // rows are written sorted, not in arrival order
        var restored = DocumentStateCodec.Decode(bytes);
        Assert.Equal(forward, restored);
        Assert.Equal(forward.ToValue(), restored.ToValue());
        Assert.Equal(3, restored.Fields.FieldAt(P)!.BCounter!.Transfers.Count);
    }

    [Fact]
    public void A_stored_transfer_with_an_unknown_side_is_corrupt()
    {
        var state = new DocumentState();
        state.Apply(new MapOp([.. P], new BCounterTransfer("x", "y", BoundSide.Upper, 2)));
        var bytes = DocumentStateCodec.Encode(state);
        // The transfer row [0, 1, 1, 2] is the last thing before the closing arrays; make its side 256.
        var tampered = Replace(bytes, [0x84, 0x00, 0x01, 0x01, 0x02], [0x84, 0x00, 0x01, 0x19, 0x01, 0x00, 0x02]);
        Assert.Throws<CorruptDataException>(() => DocumentStateCodec.Decode(tampered));
        var toSelf = Replace(bytes, [0x84, 0x00, 0x01, 0x01, 0x02], [0x84, 0x00, 0x00, 0x01, 0x02]);
        Assert.Throws<CorruptDataException>(() => DocumentStateCodec.Decode(toSelf));
    }

    [Fact]
    public void Changes_describe_increments_and_transfers()
    {
        var changes = ChangeDescription.Describe(
        [
            new MapOp(["a", "n"], new BCounterIncrement("r", -2)),
            new MapOp(["a", "n"], new BCounterTransfer("r", "s", BoundSide.Upper, 5)),
        ]);
        Assert.Equal(
        [
            new FieldChange("increment", "a.n", Value.Int(-2)),
            new FieldChange("transfer", "a.n", Value.Map([new("to", Value.String("s")), new("side", Value.String("upper")), new("amount", Value.Int(5))])),
        ], changes);
    }

    private static string WireForm(CrdtOp inner)
    {
        var w = new DagCborWriter();
        EffectCodec.Write(w, new MapOp([.. P], inner), Context, 0);
        var r = new DagCborReader(w.Encode());
        return ValueJson.ToJsonString(ValueCbor.Read(r));
    }

    private static byte[] Replace(byte[] bytes, byte[] find, byte[] with)
    {
        int at = bytes.AsSpan().IndexOf(find);
        Assert.True(at >= 0, "the pattern is in the encoding");
        return [.. bytes[..at], .. with, .. bytes[(at + find.Length)..]];
    }
}

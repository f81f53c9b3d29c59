using CsCheck;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Tests.Documents;

/// <summary>Document states and operation blocks survive encoding exactly, for documents edited by
/// random operations of every kind from several replicas.</summary>
public sealed class CodecRoundTripTests
{
    private static readonly string[] Replicas = ["did:key:z6MkA", "did:key:z6MkB", "did:key:z6MkC"];
    private static readonly string[] Paths = ["a", "b", "n.x", "n.y", "s", "f", "deep.er.path"];

    private static Value RandomValue(Random r, int depth = 0) => r.Next(depth > 1 ? 8 : 10) switch
    {
        0 => Value.Null,
        1 => Value.Bool(r.Next(2) == 0),
        2 => Value.Int(r.NextInt64(long.MinValue, long.MaxValue)),
        3 => Value.Double(r.NextDouble() * 1e6 - 5e5),
        4 => Value.Decimal(new decimal(r.NextDouble()) * 1000m),
        5 => Value.String("ü€𝄞 " + r.Next()),
        6 => Value.Bytes([(byte)r.Next(256), (byte)r.Next(256)]),
        7 => Value.TimestampFromMicros(r.NextInt64(0, 4_000_000_000_000_000)),
        8 => Value.Array([RandomValue(r, depth + 1), RandomValue(r, depth + 1)]),
        _ => Value.Map([new("k" + r.Next(3), RandomValue(r, depth + 1))]),
    };

    private static FieldOp RandomOp(Random r, string path) => r.Next(7) switch
    {
        0 => FieldOp.Set(path, RandomValue(r)),
        1 => FieldOp.Unset(path),
        2 => FieldOp.Increment(path, r.Next(-5, 6)),
        3 => FieldOp.Add(path, Value.Int(r.Next(4))),
        4 => FieldOp.Remove(path, Value.Int(r.Next(4))),
        5 => FieldOp.Enable(path),
        _ => FieldOp.Disable(path),
    };

    [Fact]
    public void States_and_operations_round_trip_through_dag_cbor()
    {
        var random = new Random(424242);
        for (int doc = 0; doc < 200; doc++)
        {
            var state = new DocumentState();
            var seqs = new long[Replicas.Length];
            for (int step = 0; step < 12; step++)
            {
                int who = random.Next(Replicas.Length);
                var context = new EffectContext(Replicas[who], ++seqs[who], HlcTimestamp.FromParts(1_000 + step, random.Next(3)));
                var trial = state.Clone();
                IReadOnlyList<CrdtOp> effects;
                if (trial.Exists && random.Next(6) == 0)
                {
                    // Field operations do not reach bcounters yet: prepare their effects directly.
                    var path = Paths[random.Next(Paths.Length)].Split('.');
                    var effect = random.Next(2) == 0
                        ? trial.Fields.PrepareBCounterIncrement(path, context.Origin, random.Next(-5, 6))
                        : trial.Fields.PrepareBCounterTransfer(path, context.Origin, Replicas[(who + random.Next(1, Replicas.Length)) % Replicas.Length], (BoundSide)random.Next(2), random.Next(1, 9));
                    trial.Apply(effect);
                    effects = [effect];
                }
                else
                {
                    var editor = new DocumentEditor(trial, context);
                    try
                    {
                        if (!trial.Exists || random.Next(4) == 0) editor.Apply(new DocumentIntent.Put(Value.Map([new("a", RandomValue(random))])), "c/d");
                        else if (random.Next(8) == 0) editor.Apply(new DocumentIntent.Delete(), "c/d");
                        else editor.Apply(new DocumentIntent.Patch([RandomOp(random, Paths[random.Next(Paths.Length)])]), "c/d");
                    }
                    catch (Errors.CausewayException)
                    {
                        seqs[who]--;
                        continue; // a refused intent (type mismatch) makes no commit
                    }
                    effects = editor.Effects;
                }
                var op = DocumentOp.Create("c", "d", effects, context);
                var decoded = DocumentOp.Decode(op.Block, context);
                Assert.Equal(op.Effects, decoded.Effects);

                // Applying the decoded effects to the old state gives what the editor produced.
                var replayed = state.Clone();
                foreach (var effect in decoded.Effects) replayed.Apply(effect);
                Assert.Equal(trial, replayed);
                state = trial;

                var restored = DocumentStateCodec.Decode(DocumentStateCodec.Encode(state));
                Assert.Equal(state, restored);
                Assert.Equal(state.ToValue(), restored.ToValue());
            }
        }
    }

    /// <summary>Quotas count a document's bytes without encoding it: the count is the encoding's length.</summary>
    [Fact]
    public void A_values_counted_length_is_its_encodings_length()
    {
        Gen.Frequency((3, Support.ValueGen.Any), (1, Support.ValueGen.Document)).Sample(value =>
            Assert.Equal(ValueCbor.Encode(value).Length, ValueCbor.Length(value)));
        // Heads of every width: lengths and integers at each boundary.
        foreach (long n in new long[] { 0, 23, 24, 255, 256, 65_535, 65_536, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue })
            foreach (var value in new[] { Value.Int(n), Value.Int(-n - 1) })
                Assert.Equal(ValueCbor.Encode(value).Length, ValueCbor.Length(value));
        foreach (int size in new[] { 23, 24, 255, 256, 65_535, 65_536 })
        {
            var text = Value.String(new string('é', size / 2) + new string('a', size % 2));
            var bytes = Value.Bytes(new byte[size]);
            var list = Value.Array([.. Enumerable.Repeat(Value.Null, size)]);
            foreach (var value in new[] { text, bytes, list })
                Assert.Equal(ValueCbor.Encode(value).Length, ValueCbor.Length(value));
        }
    }

    [Fact]
    public void Values_round_trip_through_json_and_cbor()
    {
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var value = Value.Map([new("v", RandomValue(random))]);
            Assert.Equal(value, ValueCbor.Decode(ValueCbor.Encode(value)));
        }
        var typed = ValueJson.Parse("""{"d": {"$decimal": "1.50"}, "t": {"$time": "2026-11-24T10:00:00.123456Z"}, "b": {"$bytes": "AQID"}}""");
        Assert.Equal(ValueKind.Decimal, typed.Get("d")!.Kind);
        Assert.Equal(1.50m, typed.Get("d")!.AsDecimal());
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560), typed.Get("t")!.AsTimestamp());
        Assert.Equal([1, 2, 3], typed.Get("b")!.AsBytes().ToArray());
        Assert.Equal(typed, ValueCbor.Decode(ValueCbor.Encode(typed)));
        Assert.Equal("""{"b":{"$bytes":"AQID"},"d":{"$decimal":"1.50"},"t":{"$time":"2026-11-24T10:00:00.123456Z"}}""", ValueJson.ToJsonString(typed));
        Assert.Equal(typed, ValueJson.Parse(ValueJson.ToJsonString(typed)));
        Assert.Equal("""{"b":"AQID","d":"1.50","t":"2026-11-24T10:00:00.123456Z"}""", ValueJson.ToJsonString(typed, typed: false));
    }
}

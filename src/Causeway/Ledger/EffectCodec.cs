using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Ledger;

/// <summary>One effect as a DAG-CBOR array: <c>[name, …]</c>. Field effects carry their path as
/// an array of names. docs/ledger-format.md lists every form.</summary>
internal static class EffectCodec
{
    public static void Write(DagCborWriter w, CrdtOp effect, EffectContext context, int index)
    {
        switch (effect)
        {
            case EwEnable e:
                Expect(e.Dot == context.Dot, "existence dot");
                Start(w, "live", null, 1); WriteDots(w, e.Observed); break;
            case EwDisable e:
                Start(w, "dead", null, 1); WriteDots(w, e.Observed); break;
            case MapOp { Inner: var inner, Path: var path }:
                switch (inner)
                {
                    case LwwAssign<Value> op:
                        Expect(op.Stamp == context.Stamp(index), "lww stamp");
                        Start(w, "set", path, 1); ValueCbor.Write(w, op.Value); break;
                    case LwwClear op:
                        Expect(op.Stamp == context.Stamp(index), "lww stamp");
                        Start(w, "clear", path, 0); break;
                    case MvAssign<Value> op:
                        Expect(op.Dot == context.Dot, "mvreg dot");
                        Start(w, "mvset", path, 2); ValueCbor.Write(w, op.Value); WriteDots(w, op.Observed); break;
                    case MvClear op:
                        Start(w, "mvclear", path, 1); WriteDots(w, op.Observed); break;
                    case CounterIncrement op:
                        Expect(op.Replica == context.Origin, "counter replica");
                        Start(w, "inc", path, 1); w.WriteInt64(op.By); break;
                    case CounterReset op:
                        Start(w, "reset", path, 1);
                        w.WriteStartArray(op.Observed.Length);
                        foreach (var t in op.Observed)
                        {
                            w.WriteStartArray(3); w.WriteText(t.Replica); w.WriteInt64(t.P); w.WriteInt64(t.N); w.WriteEndArray();
                        }
                        w.WriteEndArray();
                        break;
                    case BCounterIncrement op:
                        Expect(op.Replica == context.Origin, "bcounter replica");
                        Start(w, "binc", path, 1); w.WriteInt64(op.By); break;
                    case BCounterTransfer op:
                        Expect(op.From == context.Origin, "bcounter transfer's giving replica");
                        Start(w, "bxfer", path, 3); w.WriteText(op.To); w.WriteInt64((long)op.Side); w.WriteInt64(op.Amount); break;
                    case AwAdd<Value> op:
                        Expect(op.Dot == context.Dot, "awset dot");
                        Start(w, "aw+", path, 2); ValueCbor.Write(w, op.Element); WriteDots(w, op.Observed); break;
                    case AwRemove<Value> op:
                        Start(w, "aw-", path, 2); ValueCbor.Write(w, op.Element); WriteDots(w, op.Observed); break;
                    case AwClear op:
                        Start(w, "awclear", path, 1); WriteDots(w, op.Observed); break;
                    case RwAdd<Value> op:
                        Expect(op.Dot == context.Dot, "rwset dot");
                        Start(w, "rw+", path, 3); ValueCbor.Write(w, op.Element); WriteDots(w, op.ObservedAdds); WriteDots(w, op.ObservedRemoves); break;
                    case RwRemove<Value> op:
                        Expect(op.Dot == context.Dot, "rwset dot");
                        Start(w, "rw-", path, 3); ValueCbor.Write(w, op.Element); WriteDots(w, op.ObservedAdds); WriteDots(w, op.ObservedRemoves); break;
                    case RwClear op:
                        Start(w, "rwclear", path, 1); WriteDots(w, op.Observed); break;
                    case EwEnable op:
                        Expect(op.Dot == context.Dot, "flag dot");
                        Start(w, "ew+", path, 1); WriteDots(w, op.Observed); break;
                    case EwDisable op:
                        Start(w, "ew-", path, 1); WriteDots(w, op.Observed); break;
                    case DwEnable op:
                        Expect(op.Dot == context.Dot, "flag dot");
                        Start(w, "dw+", path, 2); WriteDots(w, op.ObservedEnables); WriteDots(w, op.ObservedDisables); break;
                    case DwDisable op:
                        Expect(op.Dot == context.Dot, "flag dot");
                        Start(w, "dw-", path, 2); WriteDots(w, op.ObservedEnables); WriteDots(w, op.ObservedDisables); break;
                    case DwReset op:
                        Start(w, "dwreset", path, 1); WriteDots(w, op.Observed); break;
                    default: throw new ArgumentException($"{inner.GetType().Name} cannot be encoded.");
                }
                break;
            default: throw new ArgumentException($"{effect.GetType().Name} is not a document effect.");
        }
        w.WriteEndArray();
    }

    public static CrdtOp Read(DagCborReader r, EffectContext context, int index)
    {
        int n = r.ReadStartArray();
        if (n < 1) throw Invalid("an effect is empty");
        string name = r.ReadText();
        CrdtOp effect;
        if (name is "live" or "dead")
        {
            Arity(n, 2, name);
            var observed = ReadDots(r);
            effect = name == "live" ? new EwEnable(context.Dot, observed) : new EwDisable(observed);
        }
        else
        {
            var path = ReadPath(r);
            CrdtOp inner = name switch
            {
                "set" => Arity(n, 3, name, () => new LwwAssign<Value>(context.Stamp(index), ValueCbor.Read(r))),
                "clear" => Arity(n, 2, name, () => new LwwClear(context.Stamp(index))),
                "mvset" => Arity(n, 4, name, () => new MvAssign<Value>(context.Dot, ValueCbor.Read(r), ReadDots(r))),
                "mvclear" => Arity(n, 3, name, () => new MvClear(ReadDots(r))),
                "inc" => Arity(n, 3, name, () => new CounterIncrement(context.Origin, r.ReadInt64())),
                "reset" => Arity(n, 3, name, () => new CounterReset(ReadTotals(r))),
                "binc" => Arity(n, 3, name, () => ReadBCounterIncrement(r, context.Origin)),
                "bxfer" => Arity(n, 5, name, () => ReadBCounterTransfer(r, context.Origin)),
                "aw+" => Arity(n, 4, name, () => new AwAdd<Value>(ValueCbor.Read(r), context.Dot, ReadDots(r))),
                "aw-" => Arity(n, 4, name, () => new AwRemove<Value>(ValueCbor.Read(r), ReadDots(r))),
                "awclear" => Arity(n, 3, name, () => new AwClear(ReadDots(r))),
                "rw+" => Arity(n, 5, name, () => new RwAdd<Value>(ValueCbor.Read(r), context.Dot, ReadDots(r), ReadDots(r))),
                "rw-" => Arity(n, 5, name, () => new RwRemove<Value>(ValueCbor.Read(r), context.Dot, ReadDots(r), ReadDots(r))),
                "rwclear" => Arity(n, 3, name, () => new RwClear(ReadDots(r))),
                "ew+" => Arity(n, 3, name, () => new EwEnable(context.Dot, ReadDots(r))),
                "ew-" => Arity(n, 3, name, () => new EwDisable(ReadDots(r))),
                "dw+" => Arity(n, 4, name, () => new DwEnable(context.Dot, ReadDots(r), ReadDots(r))),
                "dw-" => Arity(n, 4, name, () => new DwDisable(context.Dot, ReadDots(r), ReadDots(r))),
                "dwreset" => Arity(n, 3, name, () => new DwReset(ReadDots(r))),
                _ => throw Invalid($"unknown effect '{Names.Clip(name)}'"),
            };
            effect = new MapOp(path, inner);
        }
        r.ReadEndArray();
        return effect;
    }

    private static void Start(DagCborWriter w, string name, ImmutableArray<string>? path, int rest)
    {
        w.WriteStartArray(1 + (path is null ? 0 : 1) + rest);
        w.WriteText(name);
        if (path is { } p)
        {
            w.WriteStartArray(p.Length);
            foreach (var segment in p) w.WriteText(segment);
            w.WriteEndArray();
        }
    }

    private static ImmutableArray<string> ReadPath(DagCborReader r)
    {
        int n = r.ReadStartArray();
        if (n is < 1 or > FieldPath.MaxDepth) throw Invalid($"a path has {n} segments");
        var path = ImmutableArray.CreateBuilder<string>(n);
        for (int i = 0; i < n; i++)
        {
            string segment = r.ReadText();
            try { FieldPath.CheckName(segment, topLevel: i == 0); }
            catch (InvalidInputException e) { throw Invalid(e.Message); }
            path.Add(segment);
        }
        r.ReadEndArray();
        return path.MoveToImmutable();
    }

    private static void WriteDots(DagCborWriter w, DotSet dots)
    {
        w.WriteStartArray(dots.Count);
        foreach (var dot in dots)
        {
            w.WriteStartArray(2); w.WriteText(dot.Replica); w.WriteInt64(dot.Seq); w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static DotSet ReadDots(DagCborReader r)
    {
        int n = r.ReadStartArray();
        if (n == 0) { r.ReadEndArray(); return DotSet.Empty; }
        var dots = new Dot[n];
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 2) throw Invalid("a dot is [replica, seq]");
            dots[i] = new Dot(r.ReadText(), r.ReadInt64());
            if (dots[i].Seq < 1) throw Invalid("a dot's seq must be ≥ 1");
            r.ReadEndArray();
        }
        r.ReadEndArray();
        return DotSet.Create(dots);
    }

    private static ImmutableArray<ReplicaTotals> ReadTotals(DagCborReader r)
    {
        int n = r.ReadStartArray();
        var totals = ImmutableArray.CreateBuilder<ReplicaTotals>(n);
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 3) throw Invalid("counter totals are [replica, p, n]");
            totals.Add(new ReplicaTotals(r.ReadText(), r.ReadInt64(), r.ReadInt64()));
            r.ReadEndArray();
        }
        r.ReadEndArray();
        return totals.MoveToImmutable();
    }

    private static BCounterIncrement ReadBCounterIncrement(DagCborReader r, string origin)
    {
        long by = r.ReadInt64();
        if (by == long.MinValue) throw Invalid("a bcounter increment cannot be the most negative 64-bit integer");
        return new(origin, by);
    }

    private static BCounterTransfer ReadBCounterTransfer(DagCborReader r, string origin)
    {
        string to = r.ReadText();
        long side = r.ReadInt64();
        long amount = r.ReadInt64();
        if (side is not ((long)BoundSide.Lower or (long)BoundSide.Upper)) throw Invalid($"a bcounter transfer's side is 0 (lower) or 1 (upper), not {side}");
        if (amount <= 0) throw Invalid($"a bcounter transfer's amount must be positive, not {amount}");
        if (to == origin) throw Invalid("a replica cannot transfer bcounter rights to itself");
        return new(origin, to, (BoundSide)side, amount);
    }

    private static void Arity(int n, int expected, string name)
    {
        if (n != expected) throw Invalid($"effect '{name}' has {n} items, not {expected}");
    }

    private static T Arity<T>(int n, int expected, string name, Func<T> read)
    {
        Arity(n, expected, name);
        return read();
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"The {what} of an effect does not match its commit.");
    }

    private static InvalidCommitException Invalid(string why) => new($"Not a valid effect: {why}.");
}

using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Crdt.Kinds;
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
                EffectWriter.Expect(e.Dot == context.Dot, "existence dot");
                var live = Writer(w, null, context, index);
                live.Start("live", 1); live.Dots(e.Observed); break;
            case EwDisable e:
                var dead = Writer(w, null, context, index);
                dead.Start("dead", 1); dead.Dots(e.Observed); break;
            case MapOp { Inner: var inner, Path: var path }:
                if (!FieldKindRegistry.Of(inner.Kind).WriteEffect(Writer(w, path, context, index), inner))
                    throw new ArgumentException($"{inner.GetType().Name} cannot be encoded.");
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
        var items = new EffectReader(r, context.Origin, context.Dot, context.Stamp(index));
        CrdtOp effect;
        if (name is "live" or "dead")
        {
            Arity(n, 2, name);
            var observed = items.Dots();
            effect = name == "live" ? new EwEnable(context.Dot, observed) : new EwDisable(observed);
        }
        else
        {
            var path = ReadPath(r);
            var form = FieldKindRegistry.Effect(name) ?? throw Invalid($"unknown effect '{Names.Clip(name)}'");
            Arity(n, 2 + form.Items, name);
            effect = new MapOp(path, form.Read(items));
        }
        r.ReadEndArray();
        return effect;
    }

    private static EffectWriter Writer(DagCborWriter w, ImmutableArray<string>? path, EffectContext context, int index) =>
        new(w, path, context.Origin, context.Dot, context.Stamp(index));

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

    private static void Arity(int n, int expected, string name)
    {
        if (n != expected) throw Invalid($"effect '{name}' has {n} items, not {expected}");
    }

    private static InvalidCommitException Invalid(string why) => EffectReader.Invalid(why);
}

using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>One form of field effect in the ledger (docs/ledger-format.md):
/// <c>[name, path, …items]</c>, with <paramref name="Items"/> items after the path, and how to
/// read them into the op (the reader stands at the first item).</summary>
internal sealed record EffectForm(string Name, int Items, Func<EffectReader, CrdtOp> Read);

/// <summary>Reads the items of one effect. What an effect leaves out because its commit says it
/// (the dot, the lww stamp, the writing replica) comes from the commit.</summary>
internal readonly struct EffectReader(DagCborReader cbor, string origin, Dot dot, LwwStamp stamp)
{
    public DagCborReader Cbor => cbor;

    /// <summary>The commit's origin: the replica that wrote the effect.</summary>
    public string Origin => origin;

    /// <summary>The commit's dot.</summary>
    public Dot Dot => dot;

    /// <summary>The lww stamp of this effect's position in the commit.</summary>
    public LwwStamp Stamp => stamp;

    public Value Value() => ValueCbor.Read(cbor);

    public long Int() => cbor.ReadInt64();

    public string Text() => cbor.ReadText();

    /// <summary>A dot set: [[replica, seq]…], each seq ≥ 1.</summary>
    public DotSet Dots()
    {
        int n = cbor.ReadStartArray();
        if (n == 0) { cbor.ReadEndArray(); return DotSet.Empty; }
        var dots = new Dot[n];
        for (int i = 0; i < n; i++)
        {
            if (cbor.ReadStartArray() != 2) throw Invalid("a dot is [replica, seq]");
            dots[i] = new Dot(cbor.ReadText(), cbor.ReadInt64());
            if (dots[i].Seq < 1) throw Invalid("a dot's seq must be ≥ 1");
            cbor.ReadEndArray();
        }
        cbor.ReadEndArray();
        return DotSet.Create(dots);
    }

    public static InvalidCommitException Invalid(string why) => new($"Not a valid effect: {why}.");
}

/// <summary>Writes one effect: <see cref="Start(EffectForm)"/>, then its items. Replicas are
/// written as DIDs.</summary>
internal readonly struct EffectWriter(DagCborWriter cbor, ImmutableArray<string>? path, string origin, Dot dot, LwwStamp stamp)
{
    public DagCborWriter Cbor => cbor;

    /// <summary>The commit's origin, dot, and the lww stamp of this effect's position: what the
    /// effect leaves out must be what it holds (<see cref="Expect"/>).</summary>
    public string Origin => origin;
    public Dot Dot => dot;
    public LwwStamp Stamp => stamp;

    /// <summary>Starts a field effect: <c>[name, path, …]</c>.</summary>
    public void Start(EffectForm form) => Start(form.Name, form.Items);

    /// <summary>Starts <c>[name, path?, …items]</c> (a document effect has no path).</summary>
    public void Start(string name, int items)
    {
        cbor.WriteStartArray(1 + (path is null ? 0 : 1) + items);
        cbor.WriteText(name);
        if (path is { } p)
        {
            cbor.WriteStartArray(p.Length);
            foreach (var segment in p) cbor.WriteText(segment);
            cbor.WriteEndArray();
        }
    }

    public void Value(Value value) => ValueCbor.Write(cbor, value);

    public void Int(long value) => cbor.WriteInt64(value);

    public void Text(string value) => cbor.WriteText(value);

    public void Dots(DotSet dots)
    {
        cbor.WriteStartArray(dots.Count);
        foreach (var d in dots)
        {
            cbor.WriteStartArray(2); cbor.WriteText(d.Replica); cbor.WriteInt64(d.Seq); cbor.WriteEndArray();
        }
        cbor.WriteEndArray();
    }

    /// <summary>An effect leaves out what its commit says; writing one that says otherwise is a bug.</summary>
    public static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"The {what} of an effect does not match its commit.");
    }
}

using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>One field op of a kind and its form in the ledger (docs/ledger-format.md):
/// <c>[name, path, …items]</c>, with <see cref="Items"/> items after the path; how to read and
/// write them, and what the op did in the terms of field operations. A kind's forms are its
/// field ops: an op no form of its kind matches is not a field op.</summary>
internal abstract class EffectForm(string name, int items)
{
    public string Name => name;
    public int Items => items;

    /// <summary>A form for ops of type <typeparamref name="TOp"/> (exactly: generic ops over
    /// <see cref="Value"/>). <paramref name="write"/> checks what the effect leaves out against the
    /// commit (<see cref="EffectWriter.Expect"/>), then starts the form and writes the items.
    /// <paramref name="describe"/>: the change in history; an op without one is an unset.</summary>
    public static EffectForm Of<TOp>(string name, int items, Func<EffectReader, TOp> read, Action<EffectWriter, TOp> write,
        Func<TOp, string, FieldChange>? describe = null) where TOp : CrdtOp =>
        new Typed<TOp>(name, items, read, write, describe);

    public abstract bool Matches(CrdtOp op);

    /// <summary>Reads the items (the reader stands at the first one) into the op.</summary>
    public abstract CrdtOp Read(EffectReader r);

    public abstract void Write(EffectWriter w, CrdtOp op);

    public abstract FieldChange? Describe(CrdtOp op, string path);

    private sealed class Typed<TOp>(string name, int items, Func<EffectReader, TOp> read, Action<EffectWriter, TOp> write,
        Func<TOp, string, FieldChange>? describe) : EffectForm(name, items) where TOp : CrdtOp
    {
        public override bool Matches(CrdtOp op) => op is TOp;
        public override CrdtOp Read(EffectReader r) => read(r);
        public override void Write(EffectWriter w, CrdtOp op) => write(w.For(this), (TOp)op);
        public override FieldChange? Describe(CrdtOp op, string path) => describe?.Invoke((TOp)op, path);
    }
}

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

/// <summary>Writes one effect: <see cref="Start()"/>, then its items. Replicas are written as DIDs.</summary>
internal readonly struct EffectWriter
{
    private readonly DagCborWriter _cbor;
    private readonly ImmutableArray<string>? _path;
    private readonly EffectForm? _form;

    /// <param name="path">The field's path; null for a document effect (live, dead), which has none.</param>
    public EffectWriter(DagCborWriter cbor, ImmutableArray<string>? path, string origin, Dot dot, LwwStamp stamp)
        : this(cbor, path, origin, dot, stamp, null) { }

    private EffectWriter(DagCborWriter cbor, ImmutableArray<string>? path, string origin, Dot dot, LwwStamp stamp, EffectForm? form)
    {
        _cbor = cbor;
        _path = path;
        _form = form;
        Origin = origin;
        Dot = dot;
        Stamp = stamp;
    }

    public DagCborWriter Cbor => _cbor;

    /// <summary>The commit's origin, dot, and the lww stamp of this effect's position: what the
    /// effect leaves out must be what it holds (<see cref="Expect"/>).</summary>
    public string Origin { get; }
    public Dot Dot { get; }
    public LwwStamp Stamp { get; }

    /// <summary>The same writer, writing <paramref name="form"/>.</summary>
    public EffectWriter For(EffectForm form) => new(_cbor, _path, Origin, Dot, Stamp, form);

    /// <summary>Starts the form being written: <c>[name, path, …]</c>.</summary>
    public void Start()
    {
        var form = _form ?? throw new InvalidOperationException("No effect form to start.");
        Start(form.Name, form.Items);
    }

    /// <summary>Starts <c>[name, path?, …items]</c>.</summary>
    public void Start(string name, int items)
    {
        _cbor.WriteStartArray(1 + (_path is null ? 0 : 1) + items);
        _cbor.WriteText(name);
        if (_path is { } p)
        {
            _cbor.WriteStartArray(p.Length);
            foreach (var segment in p) _cbor.WriteText(segment);
            _cbor.WriteEndArray();
        }
    }

    public void Value(Value value) => ValueCbor.Write(_cbor, value);

    public void Int(long value) => _cbor.WriteInt64(value);

    public void Text(string value) => _cbor.WriteText(value);

    public void Dots(DotSet dots)
    {
        _cbor.WriteStartArray(dots.Count);
        foreach (var d in dots)
        {
            _cbor.WriteStartArray(2); _cbor.WriteText(d.Replica); _cbor.WriteInt64(d.Seq); _cbor.WriteEndArray();
        }
        _cbor.WriteEndArray();
    }

    /// <summary>An effect leaves out what its commit says; writing one that says otherwise is a bug.</summary>
    public static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"The {what} of an effect does not match its commit.");
    }
}

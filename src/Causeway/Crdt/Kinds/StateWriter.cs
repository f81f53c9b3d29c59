using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>Writes the CRDTs of a stored document state (DocumentStateCodec): a replica is its
/// index in the state's table; a dot is [replica, seq]; a version vector [[replica, seq]…];
/// counter totals [[replica, p, n]…]. The table comes first in the encoding, so a state is
/// written twice: once by a <see cref="Collecting"/> writer, which writes nothing and gathers
/// the replicas named, then for real. A kind writes only through this writer, so the two walks
/// see the same replicas.</summary>
internal sealed class StateWriter
{
    private readonly DagCborWriter? _cbor;
    private readonly Dictionary<string, int>? _index;
    private readonly HashSet<string>? _seen;

    private StateWriter() => _seen = new HashSet<string>(StringComparer.Ordinal);

    public StateWriter(DagCborWriter cbor, string[] replicas)
    {
        _cbor = cbor;
        _index = new Dictionary<string, int>(replicas.Length, StringComparer.Ordinal);
        for (int i = 0; i < replicas.Length; i++) _index[replicas[i]] = i;
    }

    /// <summary>A writer that writes nothing and gathers the replicas (<see cref="Replicas"/>).</summary>
    public static StateWriter Collecting() => new();

    public bool IsCollecting => _seen is not null;

    /// <summary>The replicas a collecting writer saw, sorted (ordinal).</summary>
    public string[] Replicas()
    {
        var names = _seen!.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public void Start(int count) => _cbor?.WriteStartArray(count);

    public void End() => _cbor?.WriteEndArray();

    public void Int(long value) => _cbor?.WriteInt64(value);

    public void Bool(bool value) => _cbor?.WriteBoolean(value);

    public void Null() => _cbor?.WriteNull();

    public void Text(string value) => _cbor?.WriteText(value);

    public void Value(Value value)
    {
        if (_cbor is not null) ValueCbor.Write(_cbor, value);
    }

    public void Replica(string did)
    {
        if (_seen is not null) _seen.Add(did);
        else _cbor!.WriteInt64(_index![did]);
    }

    /// <summary><c>[[…]…]</c>: one array of <paramref name="items"/> items per entry, written by <paramref name="write"/>.</summary>
    public void Entries<T>(IReadOnlyList<T> entries, int items, Action<StateWriter, T> write)
    {
        Start(entries.Count);
        foreach (var entry in entries)
        {
            Start(items);
            write(this, entry);
            End();
        }
        End();
    }

    public void Dot(Dot dot)
    {
        Start(2);
        Replica(dot.Replica);
        Int(dot.Seq);
        End();
    }

    public void Dots(DotSet dots)
    {
        Start(dots.Count);
        foreach (var dot in dots) Dot(dot);
        End();
    }

    public void Vector(VersionVector vector)
    {
        Start(vector.Count);
        foreach (var (replica, seq) in vector)
        {
            Start(2);
            Replica(replica);
            Int(seq);
            End();
        }
        End();
    }

    public void Totals(IReadOnlyList<ReplicaTotals> totals)
    {
        Start(totals.Count);
        foreach (var t in totals)
        {
            Start(3);
            Replica(t.Replica);
            Int(t.P);
            Int(t.N);
            End();
        }
        End();
    }
}

using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>The replicas a stored document state names (DocumentStateCodec lists them once,
/// sorted, and refers to them by index).</summary>
internal sealed class ReplicaSet
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public void Add(string replica) => _seen.Add(replica);

    public void Add(Dot dot) => _seen.Add(dot.Replica);

    public void Add(DotSet dots)
    {
        foreach (var dot in dots) _seen.Add(dot.Replica);
    }

    public void Add(VersionVector vector)
    {
        foreach (var (replica, _) in vector) _seen.Add(replica);
    }

    public void Add(IReadOnlyList<ReplicaTotals> totals)
    {
        foreach (var t in totals) _seen.Add(t.Replica);
    }

    /// <summary>The replicas, sorted (ordinal).</summary>
    public string[] Sorted()
    {
        var names = _seen.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}

/// <summary>Writes the CRDTs of a stored document state (DocumentStateCodec): a replica is its
/// index in the state's table; a dot is [replica, seq]; a version vector [[replica, seq]…];
/// counter totals [[replica, p, n]…].</summary>
internal sealed class StateWriter
{
    private readonly Dictionary<string, int> _index;

    public StateWriter(DagCborWriter cbor, string[] replicas)
    {
        Cbor = cbor;
        _index = new Dictionary<string, int>(replicas.Length, StringComparer.Ordinal);
        for (int i = 0; i < replicas.Length; i++) _index[replicas[i]] = i;
    }

    public DagCborWriter Cbor { get; }

    public void Replica(string did) => Cbor.WriteInt64(_index[did]);

    public void Value(Value value) => ValueCbor.Write(Cbor, value);

    public void Dot(Dot dot)
    {
        Cbor.WriteStartArray(2);
        Replica(dot.Replica);
        Cbor.WriteInt64(dot.Seq);
        Cbor.WriteEndArray();
    }

    public void Dots(DotSet dots)
    {
        Cbor.WriteStartArray(dots.Count);
        foreach (var dot in dots) Dot(dot);
        Cbor.WriteEndArray();
    }

    public void Vector(VersionVector vector)
    {
        Cbor.WriteStartArray(vector.Count);
        foreach (var (replica, seq) in vector)
        {
            Cbor.WriteStartArray(2);
            Replica(replica);
            Cbor.WriteInt64(seq);
            Cbor.WriteEndArray();
        }
        Cbor.WriteEndArray();
    }

    public void Totals(IReadOnlyList<ReplicaTotals> totals)
    {
        Cbor.WriteStartArray(totals.Count);
        foreach (var t in totals)
        {
            Cbor.WriteStartArray(3);
            Replica(t.Replica);
            Cbor.WriteInt64(t.P);
            Cbor.WriteInt64(t.N);
            Cbor.WriteEndArray();
        }
        Cbor.WriteEndArray();
    }
}

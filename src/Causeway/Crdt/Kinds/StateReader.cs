using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>Reads what <see cref="StateWriter"/> wrote. A replica index outside the state's table
/// throws <see cref="IndexOutOfRangeException"/>, which DocumentStateCodec reports as corrupt data.</summary>
internal readonly struct StateReader(DagCborReader cbor, string[] replicas)
{
    public DagCborReader Cbor => cbor;

    /// <summary>The replica at <paramref name="index"/> of the state's table.</summary>
    public string Replica(long index) => replicas[index];

    public string Replica() => replicas[cbor.ReadInt64()];

    public Value Value() => ValueCbor.Read(cbor);

    /// <summary>Reads what <see cref="StateWriter.Entries"/> wrote: <paramref name="read"/> reads the items of each entry.</summary>
    public List<T> Entries<T>(Func<StateReader, T> read)
    {
        int n = cbor.ReadStartArray();
        var entries = new List<T>(n);
        for (int i = 0; i < n; i++)
        {
            cbor.ReadStartArray();
            entries.Add(read(this));
            cbor.ReadEndArray();
        }
        cbor.ReadEndArray();
        return entries;
    }

    public Dot Dot()
    {
        cbor.ReadStartArray();
        var dot = new Dot(replicas[cbor.ReadInt64()], cbor.ReadInt64());
        cbor.ReadEndArray();
        return dot;
    }

    public DotSet Dots()
    {
        int n = cbor.ReadStartArray();
        if (n == 0) { cbor.ReadEndArray(); return DotSet.Empty; }
        var dots = new Dot[n];
        for (int i = 0; i < n; i++) dots[i] = Dot();
        cbor.ReadEndArray();
        return DotSet.Create(dots);
    }

    public VersionVector Vector()
    {
        int n = cbor.ReadStartArray();
        var vector = new VersionVector();
        for (int i = 0; i < n; i++)
        {
            cbor.ReadStartArray();
            vector.Set(replicas[cbor.ReadInt64()], cbor.ReadInt64());
            cbor.ReadEndArray();
        }
        cbor.ReadEndArray();
        return vector;
    }

    public ImmutableArray<ReplicaTotals> Totals()
    {
        int n = cbor.ReadStartArray();
        var totals = ImmutableArray.CreateBuilder<ReplicaTotals>(n);
        for (int i = 0; i < n; i++)
        {
            cbor.ReadStartArray();
            totals.Add(new ReplicaTotals(replicas[cbor.ReadInt64()], cbor.ReadInt64(), cbor.ReadInt64()));
            cbor.ReadEndArray();
        }
        cbor.ReadEndArray();
        return totals.MoveToImmutable();
    }
}

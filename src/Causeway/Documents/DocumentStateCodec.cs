using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Stores a <see cref="DocumentState"/> as DAG-CBOR. Replica DIDs (56 characters) would
/// repeat in every stamp and dot, so the encoding lists them once in "r" and refers to them by index:
/// <code>{ "r": [did…], "live": [dots, context], "fields": { name: { kind: state } } }</code>
/// A dot is [replica-index, seq]; a version vector is [[replica-index, seq]…].</summary>
public static class DocumentStateCodec
{
    public static byte[] Encode(DocumentState state, DagCborWriter? scratch = null)
    {
        var replicas = new ReplicaTable();
        // Encode the body first (it fills the table), then the table in front.
        var body = scratch ?? new DagCborWriter(512);
        body.Reset();
        body.WriteStartArray(2);
        WriteEwFlag(body, state.Live, replicas);
        WriteMap(body, state.Fields, replicas);
        body.WriteEndArray();
        var bodyBytes = body.Encode();

        body.Reset();
        body.WriteStartArray(2);
        body.WriteStartArray(replicas.Count);
        foreach (var did in replicas.Names) body.WriteText(did);
        body.WriteEndArray();
        body.WriteBytes(bodyBytes);
        body.WriteEndArray();
        return body.Encode();
    }

    public static DocumentState Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var outer = new DagCborReader(bytes);
            outer.ReadStartArray();
            int n = outer.ReadStartArray();
            var names = new string[n];
            for (int i = 0; i < n; i++) names[i] = outer.ReadText();
            outer.ReadEndArray();
            var body = outer.ReadBytesMemory();
            outer.ReadEndArray();
            outer.ReadEnd();

            var reader = new DagCborReader(body);
            reader.ReadStartArray();
            var live = ReadEwFlag(reader, names);
            var fields = ReadMap(reader, names);
            reader.ReadEndArray();
            reader.ReadEnd();
            return new DocumentState(live, fields);
        }
        catch (Exception e) when (e is InvalidInputException or IndexOutOfRangeException or InvalidCastException)
        {
            throw new CorruptDataException($"A stored document state does not decode: {e.Message}", e);
        }
    }

    private sealed class ReplicaTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        public List<string> Names { get; } = [];
        public int Count => Names.Count;

        public int this[string did]
        {
            get
            {
                if (_index.TryGetValue(did, out int i)) return i;
                _index[did] = Names.Count;
                Names.Add(did);
                return Names.Count - 1;
            }
        }
    }

    private static void WriteMap(DagCborWriter w, CrdtMap map, ReplicaTable r)
    {
        var fields = map.SortedFields;
        w.WriteStartMap(fields.Count);
        foreach (var (name, field) in fields)
        {
            w.WriteText(name);
            var kinds = field.Kinds;
            w.WriteStartMap(kinds.Count);
            foreach (var kind in kinds)
            {
                w.WriteText(kind.ToWireName());
                switch (kind)
                {
                    case FieldKind.Lww:
                        var lww = field.Lww!;
                        w.WriteStartArray(5);
                        w.WriteInt64(lww.Stamp.Time.Raw);
                        w.WriteInt64(lww.Stamp.Replica is null ? -1 : r[lww.Stamp.Replica]);
                        w.WriteInt64(lww.Stamp.Index);
                        w.WriteBoolean(lww.IsPresent);
                        if (lww.IsPresent) ValueCbor.Write(w, lww.Value!); else w.WriteNull();
                        w.WriteEndArray();
                        break;
                    case FieldKind.MvReg:
                        var mv = field.MvReg!;
                        w.WriteStartArray(2);
                        w.WriteStartArray(mv.Entries.Count);
                        foreach (var (dot, value) in mv.Entries)
                        {
                            w.WriteStartArray(2);
                            WriteDot(w, dot, r);
                            ValueCbor.Write(w, value);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                        WriteVector(w, mv.Context, r);
                        w.WriteEndArray();
                        break;
                    case FieldKind.Counter:
                        var counter = field.Counter!;
                        w.WriteStartArray(2);
                        WriteTotals(w, counter.Totals, r);
                        WriteTotals(w, counter.ResetBase, r);
                        w.WriteEndArray();
                        break;
                    case FieldKind.AwSet:
                        var aw = field.AwSet!;
                        w.WriteStartArray(2);
                        w.WriteStartArray(aw.Entries.Count);
                        foreach (var (element, dots) in aw.Entries)
                        {
                            w.WriteStartArray(2);
                            ValueCbor.Write(w, element);
                            WriteDots(w, dots, r);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                        WriteVector(w, aw.Context, r);
                        w.WriteEndArray();
                        break;
                    case FieldKind.RwSet:
                        var rw = field.RwSet!;
                        w.WriteStartArray(2);
                        w.WriteStartArray(rw.Entries.Count);
                        foreach (var (element, adds, removes) in rw.Entries)
                        {
                            w.WriteStartArray(3);
                            ValueCbor.Write(w, element);
                            WriteDots(w, adds, r);
                            WriteDots(w, removes, r);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                        WriteVector(w, rw.Context, r);
                        w.WriteEndArray();
                        break;
                    case FieldKind.FlagEw:
                        WriteEwFlag(w, field.FlagEw!, r);
                        break;
                    case FieldKind.FlagDw:
                        var dw = field.FlagDw!;
                        w.WriteStartArray(3);
                        WriteDots(w, dw.Enables, r);
                        WriteDots(w, dw.Disables, r);
                        WriteVector(w, dw.Context, r);
                        w.WriteEndArray();
                        break;
                    case FieldKind.Map:
                        WriteMap(w, field.Map!, r);
                        break;
                }
            }
            w.WriteEndMap();
        }
        w.WriteEndMap();
    }

    private static CrdtMap ReadMap(DagCborReader reader, string[] names)
    {
        int n = reader.ReadStartMap();
        var fields = new List<KeyValuePair<string, CrdtField>>(n);
        for (int i = 0; i < n; i++)
        {
            string name = reader.ReadText();
            int kinds = reader.ReadStartMap();
            LwwRegister<Value>? lww = null;
            MvRegister<Value>? mv = null;
            PnCounter? counter = null;
            AwSet<Value>? aw = null;
            RwSet<Value>? rw = null;
            EwFlag? ew = null;
            DwFlag? dw = null;
            CrdtMap? map = null;
            for (int k = 0; k < kinds; k++)
            {
                switch (FieldKinds.Parse(reader.ReadText()))
                {
                    case FieldKind.Lww:
                        reader.ReadStartArray();
                        var time = HlcTimestamp.FromRaw(reader.ReadInt64());
                        long replica = reader.ReadInt64();
                        int index = (int)reader.ReadInt64();
                        bool present = reader.ReadBoolean();
                        Value? value = present ? ValueCbor.Read(reader) : ReadNullAs(reader);
                        reader.ReadEndArray();
                        lww = LwwRegister<Value>.FromParts(new LwwStamp(time, replica < 0 ? null! : names[replica], index), present, value);
                        break;
                    case FieldKind.MvReg:
                        reader.ReadStartArray();
                        int entries = reader.ReadStartArray();
                        var mvEntries = new List<KeyValuePair<Dot, Value>>(entries);
                        for (int e = 0; e < entries; e++)
                        {
                            reader.ReadStartArray();
                            var dot = ReadDot(reader, names);
                            mvEntries.Add(new(dot, ValueCbor.Read(reader)));
                            reader.ReadEndArray();
                        }
                        reader.ReadEndArray();
                        mv = MvRegister<Value>.FromParts(mvEntries, ReadVector(reader, names));
                        reader.ReadEndArray();
                        break;
                    case FieldKind.Counter:
                        reader.ReadStartArray();
                        var totals = ReadTotals(reader, names);
                        var resetBase = ReadTotals(reader, names);
                        reader.ReadEndArray();
                        counter = PnCounter.FromParts(totals, resetBase);
                        break;
                    case FieldKind.AwSet:
                        reader.ReadStartArray();
                        int awCount = reader.ReadStartArray();
                        var awEntries = new List<KeyValuePair<Value, DotSet>>(awCount);
                        for (int e = 0; e < awCount; e++)
                        {
                            reader.ReadStartArray();
                            var element = ValueCbor.Read(reader);
                            awEntries.Add(new(element, ReadDots(reader, names)));
                            reader.ReadEndArray();
                        }
                        reader.ReadEndArray();
                        aw = AwSet<Value>.FromParts(awEntries, ReadVector(reader, names));
                        reader.ReadEndArray();
                        break;
                    case FieldKind.RwSet:
                        reader.ReadStartArray();
                        int rwCount = reader.ReadStartArray();
                        var rwEntries = new List<(Value, DotSet, DotSet)>(rwCount);
                        for (int e = 0; e < rwCount; e++)
                        {
                            reader.ReadStartArray();
                            var element = ValueCbor.Read(reader);
                            var adds = ReadDots(reader, names);
                            var removes = ReadDots(reader, names);
                            rwEntries.Add((element, adds, removes));
                            reader.ReadEndArray();
                        }
                        reader.ReadEndArray();
                        rw = RwSet<Value>.FromParts(rwEntries, ReadVector(reader, names));
                        reader.ReadEndArray();
                        break;
                    case FieldKind.FlagEw:
                        ew = ReadEwFlag(reader, names);
                        break;
                    case FieldKind.FlagDw:
                        reader.ReadStartArray();
                        var enables = ReadDots(reader, names);
                        var disables = ReadDots(reader, names);
                        dw = DwFlag.FromParts(enables, disables, ReadVector(reader, names));
                        reader.ReadEndArray();
                        break;
                    case FieldKind.Map:
                        map = ReadMap(reader, names);
                        break;
                }
            }
            reader.ReadEndMap();
            fields.Add(new(name, CrdtField.FromParts(lww, mv, counter, aw, rw, ew, dw, map)));
        }
        reader.ReadEndMap();
        return CrdtMap.FromParts(fields);
    }

    private static Value? ReadNullAs(DagCborReader reader)
    {
        reader.ReadNull();
        return null;
    }

    private static void WriteEwFlag(DagCborWriter w, EwFlag flag, ReplicaTable r)
    {
        w.WriteStartArray(2);
        WriteDots(w, flag.Dots, r);
        WriteVector(w, flag.Context, r);
        w.WriteEndArray();
    }

    private static EwFlag ReadEwFlag(DagCborReader reader, string[] names)
    {
        reader.ReadStartArray();
        var dots = ReadDots(reader, names);
        var context = ReadVector(reader, names);
        reader.ReadEndArray();
        return EwFlag.FromParts(dots, context);
    }

    private static void WriteDot(DagCborWriter w, Dot dot, ReplicaTable r)
    {
        w.WriteStartArray(2);
        w.WriteInt64(r[dot.Replica]);
        w.WriteInt64(dot.Seq);
        w.WriteEndArray();
    }

    private static Dot ReadDot(DagCborReader reader, string[] names)
    {
        reader.ReadStartArray();
        var dot = new Dot(names[reader.ReadInt64()], reader.ReadInt64());
        reader.ReadEndArray();
        return dot;
    }

    private static void WriteDots(DagCborWriter w, DotSet dots, ReplicaTable r)
    {
        w.WriteStartArray(dots.Count);
        foreach (var dot in dots) WriteDot(w, dot, r);
        w.WriteEndArray();
    }

    private static DotSet ReadDots(DagCborReader reader, string[] names)
    {
        int n = reader.ReadStartArray();
        if (n == 0) { reader.ReadEndArray(); return DotSet.Empty; }
        var dots = new Dot[n];
        for (int i = 0; i < n; i++) dots[i] = ReadDot(reader, names);
        reader.ReadEndArray();
        return DotSet.Create(dots);
    }

    private static void WriteVector(DagCborWriter w, VersionVector vector, ReplicaTable r)
    {
        w.WriteStartArray(vector.Count);
        foreach (var (replica, seq) in vector)
        {
            w.WriteStartArray(2);
            w.WriteInt64(r[replica]);
            w.WriteInt64(seq);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static VersionVector ReadVector(DagCborReader reader, string[] names)
    {
        int n = reader.ReadStartArray();
        var vector = new VersionVector();
        for (int i = 0; i < n; i++)
        {
            reader.ReadStartArray();
            vector.Set(names[reader.ReadInt64()], reader.ReadInt64());
            reader.ReadEndArray();
        }
        reader.ReadEndArray();
        return vector;
    }

    private static void WriteTotals(DagCborWriter w, IReadOnlyList<ReplicaTotals> totals, ReplicaTable r)
    {
        w.WriteStartArray(totals.Count);
        foreach (var t in totals)
        {
            w.WriteStartArray(3);
            w.WriteInt64(r[t.Replica]);
            w.WriteInt64(t.P);
            w.WriteInt64(t.N);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static ImmutableArray<ReplicaTotals> ReadTotals(DagCborReader reader, string[] names)
    {
        int n = reader.ReadStartArray();
        var totals = ImmutableArray.CreateBuilder<ReplicaTotals>(n);
        for (int i = 0; i < n; i++)
        {
            reader.ReadStartArray();
            totals.Add(new ReplicaTotals(names[reader.ReadInt64()], reader.ReadInt64(), reader.ReadInt64()));
            reader.ReadEndArray();
        }
        reader.ReadEndArray();
        return totals.MoveToImmutable();
    }
}

using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Stores a <see cref="DocumentState"/> as DAG-CBOR. Replica DIDs (56 characters) would
/// repeat in every stamp and dot, so the encoding lists them once, sorted, and refers to them by
/// index. Fields are arrays in name order rather than maps, so no canonical key sort is needed:
/// <code>[ [did…], live: [dots, context], fields: [[name, kind, state]…] ]</code>
/// A dot is [replica-index, seq]; a version vector is [[replica-index, seq]…]. A field holding
/// several kinds (after concurrent writes of different kinds) has one entry per kind, in
/// <see cref="FieldKind"/> order; kind is the enum's number.</summary>
public static class DocumentStateCodec
{
    public static byte[] Encode(DocumentState state, DagCborWriter? scratch = null)
    {
        var writer = scratch ?? new DagCborWriter(512);
        writer.Reset();
        Write(writer, state);
        return writer.Encode();
    }

    public static DocumentState Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new DagCborReader(bytes);
        var state = Read(reader);
        reader.ReadEnd();
        return state;
    }

    /// <summary>Writes the state as one item into <paramref name="w"/>.</summary>
    public static void Write(DagCborWriter w, DocumentState state)
    {
        var replicas = ReplicaTable.Collect(state);
        w.WriteStartArray(3);
        w.WriteStartArray(replicas.Names.Length);
        foreach (var did in replicas.Names) w.WriteText(did);
        w.WriteEndArray();
        WriteEwFlag(w, state.Live, replicas);
        WriteMap(w, state.Fields, replicas);
        w.WriteEndArray();
    }

    public static DocumentState Read(DagCborReader reader)
    {
        try
        {
            reader.ReadStartArray();
            int n = reader.ReadStartArray();
            var names = new string[n];
            for (int i = 0; i < n; i++) names[i] = reader.ReadText();
            reader.ReadEndArray();
            var live = ReadEwFlag(reader, names);
            var fields = ReadMap(reader, names);
            reader.ReadEndArray();
            return new DocumentState(live, fields);
        }
        catch (Exception e) when (e is InvalidInputException or IndexOutOfRangeException or InvalidCastException or ArgumentException)
        {
            throw new CorruptDataException($"A stored document state does not decode: {e.Message}", e);
        }
    }

    /// <summary>Every replica named in a state, sorted, with its index.</summary>
    private sealed class ReplicaTable
    {
        private readonly Dictionary<string, int> _index;

        private ReplicaTable(string[] names)
        {
            Names = names;
            _index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++) _index[names[i]] = i;
        }

        public string[] Names { get; }

        public int this[string did] => _index[did];

        public static ReplicaTable Collect(DocumentState state)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            AddFlag(seen, state.Live.Dots, state.Live.Context);
            AddMap(seen, state.Fields);
            var names = seen.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            return new ReplicaTable(names);
        }

        private static void AddMap(HashSet<string> seen, CrdtMap map)
        {
            foreach (var field in map.Fields.Values)
            {
                if (field.Lww is { Stamp.Replica: { } replica }) seen.Add(replica);
                if (field.MvReg is { } mv) { foreach (var (dot, _) in mv.Entries) seen.Add(dot.Replica); AddVector(seen, mv.Context); }
                if (field.Counter is { } counter) { foreach (var t in counter.Totals) seen.Add(t.Replica); foreach (var t in counter.ResetBase) seen.Add(t.Replica); }
                if (field.AwSet is { } aw) { foreach (var (_, dots) in aw.Entries) AddDots(seen, dots); AddVector(seen, aw.Context); }
                if (field.RwSet is { } rw) { foreach (var (_, adds, removes) in rw.Entries) { AddDots(seen, adds); AddDots(seen, removes); } AddVector(seen, rw.Context); }
                if (field.FlagEw is { } ew) AddFlag(seen, ew.Dots, ew.Context);
                if (field.FlagDw is { } dw) { AddDots(seen, dw.Enables); AddFlag(seen, dw.Disables, dw.Context); }
                if (field.BCounter is { } bc) { foreach (var t in bc.Totals) seen.Add(t.Replica); foreach (var t in bc.Transfers) { seen.Add(t.From); seen.Add(t.To); } }
                if (field.Map is { } nested) AddMap(seen, nested);
            }
        }

        private static void AddFlag(HashSet<string> seen, DotSet dots, VersionVector context)
        {
            AddDots(seen, dots);
            AddVector(seen, context);
        }

        private static void AddDots(HashSet<string> seen, DotSet dots)
        {
            foreach (var dot in dots) seen.Add(dot.Replica);
        }

        private static void AddVector(HashSet<string> seen, VersionVector vector)
        {
            foreach (var (replica, _) in vector) seen.Add(replica);
        }
    }

    private static void WriteMap(DagCborWriter w, CrdtMap map, ReplicaTable r)
    {
        var fields = map.SortedFields;
        int entries = 0;
        foreach (var (_, field) in fields) entries += field.Kinds.Count;
        w.WriteStartArray(entries);
        foreach (var (name, field) in fields)
        {
            foreach (var kind in field.Kinds)
            {
                w.WriteStartArray(3);
                w.WriteText(name);
                w.WriteInt64((int)kind);
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
                    case FieldKind.BCounter:
                        // [totals, [[from, to, side, amount]…]]; the rows come sorted by from, to, side.
                        var bc = field.BCounter!;
                        var transfers = bc.Transfers;
                        w.WriteStartArray(2);
                        WriteTotals(w, bc.Totals, r);
                        w.WriteStartArray(transfers.Count);
                        foreach (var t in transfers)
                        {
                            w.WriteStartArray(4);
                            w.WriteInt64(r[t.From]);
                            w.WriteInt64(r[t.To]);
                            w.WriteInt64((long)t.Side);
                            w.WriteInt64(t.Amount);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                        w.WriteEndArray();
                        break;
                }
                w.WriteEndArray();
            }
        }
        w.WriteEndArray();
    }

    private static CrdtMap ReadMap(DagCborReader reader, string[] names)
    {
        int n = reader.ReadStartArray();
        var fields = new List<KeyValuePair<string, CrdtField>>(n);
        string? name = null;
        var parts = new FieldParts();
        for (int i = 0; i < n; i++)
        {
            reader.ReadStartArray();
            string entryName = reader.ReadText();
            // Consecutive entries with the same name are the kinds of one field.
            if (name is not null && entryName != name)
            {
                fields.Add(new(name, parts.ToField()));
                parts = new FieldParts();
            }
            name = entryName;
            ReadKind(reader, names, parts);
            reader.ReadEndArray();
        }
        if (name is not null) fields.Add(new(name, parts.ToField()));
        reader.ReadEndArray();
        return CrdtMap.FromParts(fields);
    }

    private sealed class FieldParts
    {
        public LwwRegister<Value>? Lww;
        public MvRegister<Value>? MvReg;
        public PnCounter? Counter;
        public AwSet<Value>? AwSet;
        public RwSet<Value>? RwSet;
        public EwFlag? FlagEw;
        public DwFlag? FlagDw;
        public CrdtMap? Map;
        public BCounter? BCounter;

        public CrdtField ToField() => CrdtField.FromParts(Lww, MvReg, Counter, AwSet, RwSet, FlagEw, FlagDw, Map, BCounter);
    }

    private static void ReadKind(DagCborReader reader, string[] names, FieldParts parts)
    {
        switch ((FieldKind)reader.ReadInt64())
        {
            case FieldKind.Lww:
                reader.ReadStartArray();
                var time = HlcTimestamp.FromRaw(reader.ReadInt64());
                long replica = reader.ReadInt64();
                int index = (int)reader.ReadInt64();
                bool present = reader.ReadBoolean();
                Value? value = present ? ValueCbor.Read(reader) : ReadNullAs(reader);
                reader.ReadEndArray();
                parts.Lww = LwwRegister<Value>.FromParts(new LwwStamp(time, replica < 0 ? null! : names[replica], index), present, value);
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
                parts.MvReg = MvRegister<Value>.FromParts(mvEntries, ReadVector(reader, names));
                reader.ReadEndArray();
                break;
            case FieldKind.Counter:
                reader.ReadStartArray();
                var totals = ReadTotals(reader, names);
                var resetBase = ReadTotals(reader, names);
                reader.ReadEndArray();
                parts.Counter = PnCounter.FromParts(totals, resetBase);
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
                parts.AwSet = AwSet<Value>.FromParts(awEntries, ReadVector(reader, names));
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
                parts.RwSet = RwSet<Value>.FromParts(rwEntries, ReadVector(reader, names));
                reader.ReadEndArray();
                break;
            case FieldKind.FlagEw:
                parts.FlagEw = ReadEwFlag(reader, names);
                break;
            case FieldKind.FlagDw:
                reader.ReadStartArray();
                var enables = ReadDots(reader, names);
                var disables = ReadDots(reader, names);
                parts.FlagDw = DwFlag.FromParts(enables, disables, ReadVector(reader, names));
                reader.ReadEndArray();
                break;
            case FieldKind.Map:
                parts.Map = ReadMap(reader, names);
                break;
            case FieldKind.BCounter:
                reader.ReadStartArray();
                var bTotals = ReadTotals(reader, names);
                int rows = reader.ReadStartArray();
                var transfers = new List<RightsTransfer>(rows);
                for (int e = 0; e < rows; e++)
                {
                    reader.ReadStartArray();
                    string from = names[reader.ReadInt64()], to = names[reader.ReadInt64()];
                    long side = reader.ReadInt64();
                    // Checked before the cast: a byte enum would wrap 256 to Lower.
                    if (side is not ((long)BoundSide.Lower or (long)BoundSide.Upper)) throw new CorruptDataException("A stored bcounter transfer has an unknown side.");
                    transfers.Add(new RightsTransfer(from, to, (BoundSide)side, reader.ReadInt64()));
                    reader.ReadEndArray();
                }
                reader.ReadEndArray();
                reader.ReadEndArray();
                parts.BCounter = BCounter.FromParts(bTotals, transfers);
                break;
            default:
                throw new CorruptDataException("A stored field has an unknown kind.");
        }
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

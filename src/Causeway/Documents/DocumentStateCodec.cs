using Causeway.Crdt.Kinds;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Documents;

/// <summary>Stores a <see cref="DocumentState"/> as DAG-CBOR. Replica DIDs (56 characters) would
/// repeat in every stamp and dot, so the encoding lists them once, sorted, and refers to them by
/// index. Fields are arrays in name order rather than maps, so no canonical key sort is needed:
/// <code>[ [did…], live: [dots, context], fields: [[name, kind, state]…] ]</code>
/// A dot is [replica-index, seq]; a version vector is [[replica-index, seq]…]. A field holding
/// several kinds (after concurrent writes of different kinds) has one entry per kind, in
/// <see cref="Crdt.FieldKind"/> order; kind is the enum's number. Each kind's state is its
/// own (Crdt/Kinds: the existence flag is a flag_ew, the fields a map).</summary>
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
        var collect = StateWriter.Collecting();
        WriteParts(collect, state);
        var replicas = collect.Replicas();
        w.WriteStartArray(3);
        w.WriteStartArray(replicas.Length);
        foreach (var did in replicas) w.WriteText(did);
        w.WriteEndArray();
        WriteParts(new StateWriter(w, replicas), state);
        w.WriteEndArray();
    }

    /// <summary>The existence flag (a flag_ew) and the fields (a map).</summary>
    private static void WriteParts(StateWriter w, DocumentState state)
    {
        FlagEwKind.Instance.WriteState(w, state.Live);
        MapKind.Instance.WriteState(w, state.Fields);
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
            var r = new StateReader(reader, names);
            var live = FlagEwKind.Instance.Read(r);
            var fields = MapKind.Instance.Read(r);
            reader.ReadEndArray();
            return new DocumentState(live, fields);
        }
        catch (Exception e) when (e is InvalidInputException or IndexOutOfRangeException or InvalidCastException or ArgumentException)
        {
            throw new CorruptDataException($"A stored document state does not decode: {e.Message}", e);
        }
    }
}

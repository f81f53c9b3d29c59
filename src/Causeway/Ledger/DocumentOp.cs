using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Ledger;

/// <summary>The effects of one commit on one document, stored as its own DAG-CBOR block
/// <c>{ "coll": text, "id": text, "fx": [effect…] }</c>, linked from the commit by CID.
/// Effects omit what the commit header already says: the dot of a new element is (origin, seq),
/// an lww stamp is (time, origin, index of the effect), an increment's replica is the origin.</summary>
public sealed class DocumentOp
{
    private DocumentOp(string collection, string id, IReadOnlyList<CrdtOp> effects, byte[] block, Cid? cid = null)
    {
        Collection = collection;
        Id = id;
        Effects = effects;
        Block = block;
        Cid = cid ?? Cid.ForDagCbor(block);
    }

    public string Collection { get; }
    public string Id { get; }
    public IReadOnlyList<CrdtOp> Effects { get; }
    public byte[] Block { get; }
    public Cid Cid { get; }

    /// <summary>True when the operation leaves the document deleted (its last existence effect disables it).</summary>
    public bool Deletes
    {
        get
        {
            for (int i = Effects.Count - 1; i >= 0; i--)
            {
                if (Effects[i] is EwDisable) return true;
                if (Effects[i] is EwEnable) return false;
            }
            return false;
        }
    }

    public static DocumentOp Create(string collection, string id, IReadOnlyList<CrdtOp> effects, EffectContext context, DagCborWriter? scratch = null)
    {
        var writer = scratch ?? new DagCborWriter(256);
        writer.Reset();
        writer.WriteStartMap(3);
        writer.WriteText("coll"); writer.WriteText(collection);
        writer.WriteText("id"); writer.WriteText(id);
        writer.WriteText("fx");
        writer.WriteStartArray(effects.Count);
        for (int i = 0; i < effects.Count; i++) EffectCodec.Write(writer, effects[i], context, i);
        writer.WriteEndArray();
        writer.WriteEndMap();
        return new DocumentOp(collection, id, effects, writer.Encode());
    }

    /// <summary>Decodes an operation block in the context of its commit; anything malformed is an
    /// <see cref="InvalidCommitException"/> or <see cref="NonCanonicalCborException"/>.</summary>
    public static DocumentOp Decode(byte[] block, EffectContext context) => Decode(block, context, null);

    /// <summary>As <see cref="Decode(byte[], EffectContext)"/>, for a block already found to hash to
    /// <paramref name="cid"/> (so it is not hashed again).</summary>
    internal static DocumentOp Decode(byte[] block, EffectContext context, Cid? cid)
    {
        var reader = new DagCborReader(block);
        int n = reader.ReadStartMap();
        string? collection = null, id = null;
        List<CrdtOp>? effects = null;
        for (int i = 0; i < n; i++)
        {
            switch (reader.ReadText())
            {
                case "coll": collection = reader.ReadText(); break;
                case "id": id = reader.ReadText(); break;
                case "fx":
                    int count = reader.ReadStartArray();
                    effects = new List<CrdtOp>(count);
                    for (int e = 0; e < count; e++) effects.Add(EffectCodec.Read(reader, context, e));
                    reader.ReadEndArray();
                    break;
                default: throw new InvalidCommitException("An operation block has an unknown field.");
            }
        }
        reader.ReadEndMap();
        reader.ReadEnd();
        if (collection is null || id is null || effects is null || n != 3)
            throw new InvalidCommitException("An operation block needs exactly coll, id and fx.");
        try
        {
            Names.Collection(collection);
            Names.DocumentId(id);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidCommitException($"An operation block names an invalid document: {e.Message}");
        }
        return new DocumentOp(collection, id, effects, block, cid);
    }
}

using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Crdt.Kinds;

/// <summary>map: a nested object (<see cref="CrdtMap"/>); what an object becomes. It has no ops of
/// its own: a <see cref="MapOp"/> reaches the field at its path, creating nested maps on the way.
/// Its stored form is also a document's field map.</summary>
internal sealed class MapKind : FieldKindDefinition<CrdtMap>
{
    public static readonly MapKind Instance = new();

    private MapKind() : base(FieldKind.Map, 0, []) { }

    protected override Value? ToValue(CrdtMap map) => map.ToValue();

    /// <summary>Every field inside, recursively, in name order.</summary>
    protected override void PrepareUnset(CrdtMap map, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        foreach (var (name, field) in map.SortedFields)
            field.PrepareUnset(path.Add(name), stamp, ops);
    }

    /// <summary>[[name, kind, state]…] in name order; a field holding several kinds has one entry
    /// per kind, in kind-number order. The kind is its number.</summary>
    protected override int StateItems(CrdtMap map) => map.SlotCount;

    protected override void Write(StateWriter w, CrdtMap map)
    {
        if (w.IsCollecting)
        {
            // Only the replicas count: no names, no order (and no sorting).
            foreach (var field in map.Fields.Values)
                foreach (var (kind, crdt) in field.Slots) kind.WriteState(w, crdt);
            return;
        }
        foreach (var (name, field) in map.SortedFields)
        {
            foreach (var (kind, crdt) in field.Slots)
            {
                w.Start(3);
                w.Text(name);
                w.Int((int)kind.Kind);
                kind.WriteState(w, crdt);
                w.End();
            }
        }
    }

    protected override CrdtMap Read(StateReader r, int items)
    {
        var fields = new List<KeyValuePair<string, CrdtField>>(items);
        string? name = null;
        var field = new CrdtField();
        for (int i = 0; i < items; i++)
        {
            r.Cbor.ReadStartArray();
            string entryName = r.Cbor.ReadText();
            // Consecutive entries with the same name are the kinds of one field.
            if (name is not null && entryName != name)
            {
                fields.Add(new(name, field));
                field = new CrdtField();
            }
            name = entryName;
            var kind = FieldKindRegistry.Find(r.Cbor.ReadInt64()) ?? throw new CorruptDataException("A stored field has an unknown kind.");
            field.Put(kind, kind.ReadState(r));
            r.Cbor.ReadEndArray();
        }
        if (name is not null) fields.Add(new(name, field));
        return CrdtMap.FromParts(fields);
    }

    public override bool Takes(FieldOpKind op) => op == FieldOpKind.Set;

    public override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) => e.AssignValue(path, op.Value!);

    public override string? Refusal(FieldRule rule, string where) =>
        rule.Type is null or ValueType.Object ? null : $"{where} is a map: its value is an object.";
}

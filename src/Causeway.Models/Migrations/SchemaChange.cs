namespace Causeway.Models.Migrations;

/// <summary>What kind of difference a <see cref="SchemaChange"/> is.</summary>
public enum SchemaChangeKind
{
    CollectionAdded,
    /// <summary>The new schema no longer names a collection: it becomes schemaless (its documents stay).</summary>
    CollectionRemoved,
    /// <summary>The collection's id generation or index rule changed: stored documents are unaffected.</summary>
    CollectionChanged,
    FieldAdded,
    FieldRemoved,
    /// <summary>A field's kind (<c>lww</c> → <c>counter</c>) or value type changed.</summary>
    FieldRetyped,
    /// <summary>A constraint appeared or grew stricter: required, unique, check, reference, bounds.</summary>
    ConstraintAdded,
    /// <summary>A constraint went away or grew looser.</summary>
    ConstraintRemoved,
}

/// <summary>One difference between the schema a database holds and the schema it would get.
/// <paramref name="Fields"/> are the field paths the change is about (empty for a whole collection);
/// <paramref name="Breaking"/> says whether stored documents or other replicas' writes may stop fitting,
/// which applying it needs a migration to declare.</summary>
public sealed record SchemaChange(SchemaChangeKind Kind, string Collection, IReadOnlyList<string> Fields, string Detail, bool Breaking)
{
    /// <summary>The first field the change names, or null for a collection-wide one.</summary>
    public string? Field => Fields.Count > 0 ? Fields[0] : null;

    /// <summary>One line: <c>products.title: field removed (lww string)</c>.</summary>
    public override string ToString()
        => $"{Collection}{(Fields.Count > 0 ? "." + string.Join(", ", Fields) : "")}: {Detail}{(Breaking ? " [needs a migration]" : "")}";
}

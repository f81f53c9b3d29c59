namespace Causeway.Schemas;

/// <summary>A database's declared collections, field kinds and constraints (docs/api.md, SCHEMA). A
/// collection the schema does not name stays schemaless. Stored as the document
/// <c>_schema/current</c>, so every version is a commit in the ledger and replicates like data.</summary>
public sealed record Schema
{
    public static readonly Schema Empty = new();

    public IReadOnlyDictionary<string, CollectionRules> Collections { get; init; } = new Dictionary<string, CollectionRules>(StringComparer.Ordinal);

    /// <summary>The replica that holds the default reservations (unique values, sequence blocks) and
    /// the initial slack of bounded counters: the replica that first set the schema, unless named.</summary>
    public string? Home { get; init; }

    /// <summary>The last migration applied to the database (docs/typed-api.md, Migrations): kept in the
    /// schema so the version and the schema it produced are one commit. A schema set without one keeps
    /// the version in force.</summary>
    public long? Migration { get; init; }

    public CollectionRules? For(string collection) => Collections.GetValueOrDefault(collection);

    /// <summary>The collections with a field that references <paramref name="collection"/>, with the field.</summary>
    public IEnumerable<(CollectionRules Child, FieldRule Field)> ReferencesTo(string collection)
    {
        foreach (var child in Collections.Values)
            foreach (var field in child.Fields.Values)
                if (field.References == collection) yield return (child, field);
    }
}

using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>One version of a database's schema as stored in the ledger: the document
/// <c>_schema/current</c> holds the definition (canonical JSON text) and a version number, and each
/// change of it is a commit.</summary>
public sealed record SchemaVersion(Schema Schema, long Version, Cid? Commit, long Position)
{
    public static readonly SchemaVersion None = new(Schema.Empty, 0, null, 0);

    internal const string DefinitionField = "definition";
    internal const string VersionField = "version";

    /// <summary>The document that stores <paramref name="schema"/> as version <paramref name="version"/>.</summary>
    internal static Value ToDocument(Schema schema, long version) => Value.Map(
    [
        new(DefinitionField, Value.String(SchemaJson.ToJson(schema))),
        new(VersionField, Value.Int(version)),
    ]);

    /// <summary>Reads a stored version back; what no schema can be read from is corrupt data (only
    /// the engine writes this document).</summary>
    internal static SchemaVersion FromDocument(Value fields, Cid commit, long position)
    {
        if (fields.Get(DefinitionField) is not { Kind: ValueKind.String } definition || fields.Get(VersionField) is not { Kind: ValueKind.Int } version)
            throw new Errors.CorruptDataException($"The stored schema (commit {commit}) lacks its definition or version.");
        try
        {
            return new SchemaVersion(SchemaJson.Parse(definition.AsString()), version.AsInt(), commit, position);
        }
        catch (Errors.InvalidInputException e)
        {
            throw new Errors.CorruptDataException($"The stored schema (commit {commit}) cannot be read: {e.Message}");
        }
    }
}

using Causeway.Errors;

namespace Causeway.Schemas;

/// <summary>The collections Causeway keeps inside every database for itself. Names starting with
/// '_' are reserved: users read them (the schema's history is a document history) but never write them.</summary>
public static class SystemCollections
{
    public const string Schema = "_schema";
    public const string SchemaDocument = "current";
    public const string Reservations = "_reservations";
    public const string Sequences = "_sequences";

    /// <summary>Revocations of UCAN delegations in an owned database: one document per revoked
    /// delegation (its CID is the id), holding the signed revocation and the chain it names.</summary>
    public const string Revocations = "_revocations";

    public static bool IsSystem(string collection) => collection.StartsWith('_');

    /// <summary>Refuses a user's write to a reserved collection.</summary>
    public static string CheckWritable(string collection)
    {
        if (IsSystem(collection))
            throw new InvalidInputException(ErrorCodes.InvalidName, $"Collection '{collection}' is reserved: names starting with '_' belong to Causeway itself.");
        return collection;
    }
}

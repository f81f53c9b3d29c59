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

    /// <summary>Stored functions: one document per function (its name is the id), holding its source,
    /// role, argument shape and definer (docs/functions.md).</summary>
    public const string Functions = "_functions";

    /// <summary>Calls of stored functions that wrote something: one document per call, written in the
    /// call's own commit (its idempotency key, or a generated id, is the id), holding the function,
    /// the caller, the argument, the result, the call's time and random seed, and when it expires.</summary>
    public const string Calls = "_calls";

    public static bool IsSystem(string collection) => collection.StartsWith('_');

    /// <summary>Refuses a user's write to a reserved collection.</summary>
    public static string CheckWritable(string collection)
    {
        if (IsSystem(collection))
            throw new InvalidInputException(ErrorCodes.InvalidName, $"Collection '{collection}' is reserved: names starting with '_' belong to Causeway itself.");
        return collection;
    }
}

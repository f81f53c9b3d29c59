using System.Text.Json;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Reads the operation forms of docs/api.md from JSON, strictly: <c>{ "ops": [..] }</c> bodies,
/// FIELD-OP lists and TX-OPs. Unknown members, missing members and wrong types are refused with
/// a code and a message that says which; the server, the CLI and any other caller share it.</summary>
public static class OperationJson
{
    /// <summary>The non-empty <c>ops</c> array of a <c>{ "ops": [..] }</c> body (nothing else allowed in it).</summary>
    public static JsonElement OpsOf(JsonElement body, string what, string itemName)
    {
        OnlyMembers(body, what, "ops");
        if (!body.TryGetProperty("ops", out var ops) || ops.ValueKind != JsonValueKind.Array || ops.GetArrayLength() == 0)
            throw new InvalidInputException(ErrorCodes.InvalidOp, $"{what} is {{ \"ops\": [ {itemName}, .. ] }} with at least one operation.");
        return ops;
    }

    public static IReadOnlyList<FieldOp> FieldOps(JsonElement ops) => [.. ops.EnumerateArray().Select(FieldOp.FromJson)];

    /// <summary>True for a TX-OP that deletes (which needs the doc/delete ability).</summary>
    public static bool IsDelete(JsonElement op)
        => op.ValueKind == JsonValueKind.Object && op.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String && o.ValueEquals("delete");

    /// <summary>Adds one TX-OP (put, create, update or delete) to a transaction.</summary>
    public static void ApplyTxOp(ITransactionBuilder tx, JsonElement op)
    {
        if (op.ValueKind != JsonValueKind.Object) throw new InvalidInputException(ErrorCodes.InvalidOp, "Each transaction operation is a JSON object.");
        string kind = String(op, "op");
        switch (kind)
        {
            case "put":
                OnlyMembers(op, "'put'", "op", "collection", "id", "doc");
                tx.Put(String(op, "collection"), String(op, "id"), Document(op));
                break;
            case "create":
                OnlyMembers(op, "'create'", "op", "collection", "doc");
                tx.Create(String(op, "collection"), Document(op));
                break;
            case "update":
                OnlyMembers(op, "'update'", "op", "collection", "id", "ops");
                if (!op.TryGetProperty("ops", out var ops) || ops.ValueKind != JsonValueKind.Array || ops.GetArrayLength() == 0)
                    throw new InvalidInputException(ErrorCodes.InvalidOp, "'update' needs 'ops', a non-empty array of field operations.");
                tx.Patch(String(op, "collection"), String(op, "id"), FieldOps(ops));
                break;
            case "delete":
                OnlyMembers(op, "'delete'", "op", "collection", "id");
                tx.Delete(String(op, "collection"), String(op, "id"));
                break;
            default:
                throw new InvalidInputException(ErrorCodes.InvalidOp, $"Unknown transaction operation '{Names.Clip(kind)}'; expected put, create, update or delete.");
        }
    }

    /// <summary>Refuses members other than <paramref name="allowed"/> (and anything that is not an object).</summary>
    public static void OnlyMembers(JsonElement json, string what, params string[] allowed)
    {
        if (json.ValueKind != JsonValueKind.Object) throw new InvalidInputException(ErrorCodes.InvalidOp, $"{what} must be a JSON object.");
        foreach (var member in json.EnumerateObject())
            if (Array.IndexOf(allowed, member.Name) < 0)
                throw new InvalidInputException(ErrorCodes.InvalidOp, $"{what} does not take '{Names.Clip(member.Name)}'; it takes {string.Join(", ", allowed)}.");
    }

    /// <summary>A required string member, refusing other types and invalid UTF-16.</summary>
    public static string String(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var member)) throw new InvalidInputException(ErrorCodes.InvalidOp, $"'{name}' is required.");
        if (member.ValueKind != JsonValueKind.String) throw new InvalidInputException(ErrorCodes.InvalidOp, $"'{name}' must be a string.");
        try { return member.GetString()!; }
        catch (InvalidOperationException) { throw new InvalidInputException(ErrorCodes.InvalidJson, $"'{name}' is not valid UTF-16."); }
    }

    private static Value Document(JsonElement op)
    {
        if (!op.TryGetProperty("doc", out var doc)) throw new InvalidInputException(ErrorCodes.InvalidOp, "'doc' is required.");
        if (doc.ValueKind != JsonValueKind.Object) throw new InvalidInputException(ErrorCodes.InvalidJson, "'doc' must be a JSON object.");
        return ValueJson.FromElement(doc);
    }
}

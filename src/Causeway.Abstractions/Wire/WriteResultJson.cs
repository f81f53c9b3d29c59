using System.Text.Json;

namespace Causeway.Wire;

/// <summary>What every write answers (docs/api.md): <c>{ "commit": CID, "position": N }</c>; a create
/// with a generated id answers <c>{ "_id", "commit", "position" }</c>.</summary>
public static class WriteResultJson
{
    public static void Write(Utf8JsonWriter w, WriteResult result) => Write(w, result, id: null);

    /// <summary>The answer of a create: the result with the id it generated as <c>_id</c>.</summary>
    public static void Write(Utf8JsonWriter w, WriteResult result, string? id)
    {
        w.WriteStartObject();
        if (id is not null) w.WriteString("_id", id);
        WriteMembers(w, result);
        w.WriteEndObject();
    }

    public static WriteResult Read(JsonElement json) => new(WireJson.Cid(json, "commit"), WireJson.Long(json, "position"));

    /// <summary>The answer of a create: the generated id and the result.</summary>
    public static (string Id, WriteResult Result) ReadCreated(JsonElement json) => (WireJson.String(json, "_id"), Read(json));

    /// <summary><c>commit</c> and <c>position</c>, inside an object another answer writes (a transaction's).</summary>
    internal static void WriteMembers(Utf8JsonWriter w, WriteResult result)
    {
        w.WriteString("commit", result.Commit.ToString());
        w.WriteNumber("position", result.Position);
    }
}

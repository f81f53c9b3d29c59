using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>DELETE /v1/dbs/{db}</c> (and <c>causeway db drop</c>): <c>{ "name", "dropped": true }</c>.</summary>
public static class DatabaseDroppedJson
{
    public static void Write(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteBoolean("dropped", true);
        w.WriteEndObject();
    }

    /// <summary>The name of the database dropped.</summary>
    public static string Read(JsonElement json)
        => WireJson.Bool(json, "dropped") ? WireJson.String(json, "name") : throw new FormatException("'dropped' is false.");
}

using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>DELETE /v1/dbs/{db}/peers/{id}</c> (and <c>causeway peers --stop</c>): <c>{ "id", "stopped": true }</c>.</summary>
public static class PeerStoppedJson
{
    public static void Write(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteBoolean("stopped", true);
        w.WriteEndObject();
    }

    /// <summary>The id of the session stopped.</summary>
    public static string Read(JsonElement json)
        => WireJson.Bool(json, "stopped") ? WireJson.String(json, "id") : throw new FormatException("'stopped' is false.");
}

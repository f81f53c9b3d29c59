using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/dbs/{db}/import</c>: <c>{ applied, skipped, position }</c>.</summary>
public static class ImportResultJson
{
    public static void Write(Utf8JsonWriter w, ImportResult result)
    {
        w.WriteStartObject();
        w.WriteNumber("applied", result.Applied);
        w.WriteNumber("skipped", result.Skipped);
        w.WriteNumber("position", result.Position);
        w.WriteEndObject();
    }

    public static ImportResult Read(JsonElement json) => new(WireJson.Int(json, "applied"), WireJson.Int(json, "skipped"), WireJson.Long(json, "position"));
}

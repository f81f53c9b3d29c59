using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>One version in a document's history: <c>{ position, commit, origin, time, deleted,
/// changes: [ { op, path?, value? }, .. ] }</c>.</summary>
public static class DocumentVersionJson
{
    public static void Write(Utf8JsonWriter w, DocumentVersion version)
    {
        w.WriteStartObject();
        w.WriteNumber("position", version.Position);
        w.WriteString("commit", version.Commit.ToString());
        w.WriteString("origin", version.Origin);
        WireJson.WriteTime(w, "time", version.Time);
        w.WriteBoolean("deleted", version.Deleted);
        w.WriteStartArray("changes");
        foreach (var change in version.Changes) Write(w, change);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static DocumentVersion Read(JsonElement json)
        => new(WireJson.Long(json, "position"), WireJson.Cid(json, "commit"), WireJson.String(json, "origin"), WireJson.Time(json, "time"),
            WireJson.Bool(json, "deleted"), WireJson.Items(json, "changes", ReadChange));

    private static void Write(Utf8JsonWriter w, FieldChange change)
    {
        w.WriteStartObject();
        w.WriteString("op", change.Op);
        if (change.Path is not null) w.WriteString("path", change.Path);
        if (change.Value is not null)
        {
            w.WritePropertyName("value");
            ValueJson.Write(w, change.Value);
        }
        w.WriteEndObject();
    }

    private static FieldChange ReadChange(JsonElement json)
        => new(WireJson.String(json, "op"), WireJson.NullableString(json, "path"),
            json.TryGetProperty("value", out var value) ? ValueJson.FromElement(value) : null);
}

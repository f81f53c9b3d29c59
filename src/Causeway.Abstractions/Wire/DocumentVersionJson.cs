using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>One version in a document's history: <c>{ position, commit, origin, time, deleted,
/// changes: [ { op, path?, value? }, .. ] }</c>. A change's value is typed by default, as a
/// document's fields are (<see cref="DocumentJson"/>).</summary>
public static class DocumentVersionJson
{
    public static void Write(Utf8JsonWriter w, DocumentVersion version) => Write(w, version, typed: true);

    public static void Write(Utf8JsonWriter w, DocumentVersion version, bool typed)
    {
        w.WriteStartObject();
        WireJson.WriteCommitPlace(w, version.Position, version.Commit, version.Origin, version.Time);
        w.WriteBoolean("deleted", version.Deleted);
        WireJson.WriteArray(w, "changes", version.Changes, (w, change) => Write(w, change, typed));
        w.WriteEndObject();
    }

    public static DocumentVersion Read(JsonElement json)
    {
        var (position, commit, origin, time) = WireJson.ReadCommitPlace(json);
        return new(position, commit, origin, time, WireJson.Bool(json, "deleted"), WireJson.Items(json, "changes", ReadChange));
    }

    private static void Write(Utf8JsonWriter w, FieldChange change, bool typed)
    {
        w.WriteStartObject();
        w.WriteString("op", change.Op);
        if (change.Path is not null) w.WriteString("path", change.Path);
        if (change.Value is not null)
        {
            w.WritePropertyName("value");
            ValueJson.Write(w, change.Value, typed);
        }
        w.WriteEndObject();
    }

    private static FieldChange ReadChange(JsonElement json)
        => new(WireJson.String(json, "op"), WireJson.NullableString(json, "path"),
            json.TryGetProperty("value", out var value) ? ValueJson.FromElement(value) : null);
}

using System.Text.Json;

namespace Causeway.Wire;

/// <summary>What <c>causeway migrate --json</c> prints: <c>{ from, to, applied, schemaVersion, changes }</c>;
/// <c>from</c> and <c>to</c> are null for "no migration yet", <c>schemaVersion</c> is there when a schema was written.</summary>
public static class MigrationReportJson
{
    public static void Write(Utf8JsonWriter w, MigrationReport report)
    {
        w.WriteStartObject();
        WireJson.WriteNullableNumber(w, "from", report.From);
        WireJson.WriteNullableNumber(w, "to", report.To);
        w.WriteBoolean("applied", report.Applied);
        if (report.SchemaVersion is { } version) w.WriteNumber("schemaVersion", version);
        SchemaDiffReportJson.WriteChanges(w, report.Changes);
        w.WriteEndObject();
    }

    public static MigrationReport Read(JsonElement json) => new(WireJson.NullableLong(json, "from"), WireJson.NullableLong(json, "to"),
        WireJson.Bool(json, "applied"), WireJson.NullableLong(json, "schemaVersion"), SchemaDiffReportJson.ReadChanges(json));
}

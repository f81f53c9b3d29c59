using System.Text.Json;

namespace Causeway.Wire;

/// <summary>What <c>causeway schema diff --json</c> prints: <c>{ migration, changes: [{ kind, collection,
/// fields, detail, breaking }] }</c>, <c>migration</c> null before the database's first migration.</summary>
public static class SchemaDiffReportJson
{
    public static void Write(Utf8JsonWriter w, SchemaDiffReport report)
    {
        w.WriteStartObject();
        WireJson.WriteNullableNumber(w, "migration", report.Migration);
        WriteChanges(w, report.Changes);
        w.WriteEndObject();
    }

    public static SchemaDiffReport Read(JsonElement json) => new(WireJson.NullableLong(json, "migration"), ReadChanges(json));

    internal static void WriteChanges(Utf8JsonWriter w, IReadOnlyList<SchemaChangeReport> changes)
        => WireJson.WriteArray(w, "changes", changes, (w, change) =>
        {
            w.WriteStartObject();
            w.WriteString("kind", change.Kind);
            w.WriteString("collection", change.Collection);
            WireJson.WriteStrings(w, "fields", change.Fields);
            w.WriteString("detail", change.Detail);
            w.WriteBoolean("breaking", change.Breaking);
            w.WriteEndObject();
        });

    internal static IReadOnlyList<SchemaChangeReport> ReadChanges(JsonElement json)
        => WireJson.Items(json, "changes", change => new SchemaChangeReport(WireJson.String(change, "kind"), WireJson.String(change, "collection"),
            WireJson.Strings(change, "fields"), WireJson.String(change, "detail"), WireJson.Bool(change, "breaking")));
}

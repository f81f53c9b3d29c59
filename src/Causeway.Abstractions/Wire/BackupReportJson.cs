using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/backup</c> (and <c>causeway backup</c>): <c>{ "dir", "replica": DID, "databases": [NAME, ..] }</c>.</summary>
public static class BackupReportJson
{
    public static void Write(Utf8JsonWriter w, BackupReport report)
    {
        w.WriteStartObject();
        w.WriteString("dir", report.Folder);
        w.WriteString("replica", report.Replica);
        WireJson.WriteStrings(w, "databases", report.Databases);
        w.WriteEndObject();
    }

    public static BackupReport Read(JsonElement json)
        => new(WireJson.String(json, "dir"), WireJson.String(json, "replica"), WireJson.Strings(json, "databases"));
}

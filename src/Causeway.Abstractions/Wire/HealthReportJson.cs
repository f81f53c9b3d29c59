using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET /health</c>: <c>{ "status", "checks": [ { "name", "status",
/// "description"?, "details": [ { "name", "value" } ] } ] }</c>.</summary>
public static class HealthReportJson
{
    public static void Write(Utf8JsonWriter w, HealthReportInfo report)
    {
        w.WriteStartObject();
        w.WriteString("status", report.Status);
        WireJson.WriteArray(w, "checks", report.Checks, (w, check) =>
        {
            w.WriteStartObject();
            w.WriteString("name", check.Name);
            w.WriteString("status", check.Status);
            WireJson.WriteNullableString(w, "description", check.Description);
            WireJson.WriteArray(w, "details", check.Details, (w, detail) =>
            {
                w.WriteStartObject();
                w.WriteString("name", detail.Name);
                w.WriteString("value", detail.Value);
                w.WriteEndObject();
            });
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    public static HealthReportInfo Read(JsonElement json)
        => new(WireJson.String(json, "status"), WireJson.Items(json, "checks", check => new HealthCheckInfo(
            WireJson.String(check, "name"), WireJson.String(check, "status"), WireJson.NullableString(check, "description"),
            WireJson.Items(check, "details", detail => new HealthDetail(WireJson.String(detail, "name"), WireJson.String(detail, "value"))))));
}

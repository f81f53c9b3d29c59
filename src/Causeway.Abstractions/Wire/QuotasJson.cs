using System.Text.Json;

namespace Causeway.Wire;

/// <summary>A database's quotas and usage (docs/api.md, <c>GET</c> and <c>PUT /v1/dbs/{db}/quotas</c>):
/// <c>{ limits: { documents, bytes, writesPerSecond, syncSessions }, usage: { documents, bytes, syncSessions } }</c>,
/// a limit null when there is none. <see cref="WriteLimits"/> writes the <c>limits</c> object alone,
/// which is also the body of the <c>PUT</c>.</summary>
public static class QuotasJson
{
    public static void Write(Utf8JsonWriter w, QuotaStatus status)
    {
        w.WriteStartObject();
        w.WritePropertyName("limits");
        WriteLimits(w, status.Limits);
        w.WriteStartObject("usage");
        w.WriteNumber("documents", status.Usage.Documents);
        w.WriteNumber("bytes", status.Usage.Bytes);
        w.WriteNumber("syncSessions", status.Usage.SyncSessions);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Writes <c>{ documents, bytes, writesPerSecond, syncSessions }</c>, null for no limit.</summary>
    public static void WriteLimits(Utf8JsonWriter w, QuotaLimits limits)
    {
        w.WriteStartObject();
        WireJson.WriteNullableNumber(w, "documents", limits.Documents);
        WireJson.WriteNullableNumber(w, "bytes", limits.Bytes);
        WireJson.WriteNullableNumber(w, "writesPerSecond", limits.WritesPerSecond);
        WireJson.WriteNullableNumber(w, "syncSessions", limits.SyncSessions);
        w.WriteEndObject();
    }

    public static QuotaStatus Read(JsonElement json)
    {
        var limits = WireJson.Member(json, "limits");
        var usage = WireJson.Member(json, "usage");
        return new QuotaStatus(
            new QuotaLimits(WireJson.NullableLong(limits, "documents"), WireJson.NullableLong(limits, "bytes"),
                WireJson.NullableLong(limits, "writesPerSecond"), WireJson.NullableLong(limits, "syncSessions")),
            new QuotaUsage(WireJson.Long(usage, "documents"), WireJson.Long(usage, "bytes"), WireJson.Long(usage, "syncSessions")));
    }
}

using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET /v1/status</c>: <c>{ "replica": DID, "owner": DID, "version", "databases": [NAME, ..] }</c>.</summary>
public static class ServerStatusJson
{
    public static void Write(Utf8JsonWriter w, ServerStatus status)
    {
        w.WriteStartObject();
        w.WriteString("replica", status.Replica);
        w.WriteString("owner", status.Owner);
        w.WriteString("version", status.Version);
        WireJson.WriteStrings(w, "databases", status.Databases);
        w.WriteEndObject();
    }

    public static ServerStatus Read(JsonElement json)
        => new(WireJson.String(json, "replica"), WireJson.String(json, "owner"), WireJson.String(json, "version"), WireJson.Strings(json, "databases"));
}

using System.Text.Json;
using Causeway.Clocks;
using Causeway.Replication;

namespace Causeway.Wire;

/// <summary>What one sync session did (docs/api.md, <c>POST /v1/dbs/{db}/replicate</c> once, and a line of
/// <c>causeway sync</c>): <c>{ database?, peer, applied, sent, skipped, bytesSent, bytesReceived,
/// position, clock, elapsedMs }</c>. <c>database</c> names the database synced; it is not part of
/// <see cref="SyncResult"/>.</summary>
public static class SyncResultJson
{
    public static void Write(Utf8JsonWriter w, SyncResult result, string? database = null)
    {
        WireJson.WriteStartObject(w, database);
        w.WriteString("peer", result.PeerDid);
        w.WriteNumber("applied", result.Applied);
        w.WriteNumber("sent", result.Sent);
        w.WriteNumber("skipped", result.Skipped);
        w.WriteNumber("bytesSent", result.BytesSent);
        w.WriteNumber("bytesReceived", result.BytesReceived);
        w.WriteNumber("position", result.Position);
        WireJson.WriteClock(w, "clock", result.Clock);
        w.WriteNumber("elapsedMs", (long)result.Elapsed.TotalMilliseconds);
        w.WriteEndObject();
    }

    public static SyncResult Read(JsonElement json)
        => new(WireJson.String(json, "peer"), WireJson.Long(json, "applied"), WireJson.Long(json, "sent"), WireJson.Long(json, "skipped"),
            WireJson.Long(json, "bytesSent"), WireJson.Long(json, "bytesReceived"), WireJson.Long(json, "position"),
            new VersionVector(WireJson.Clock(json, "clock")), TimeSpan.FromMilliseconds(WireJson.Long(json, "elapsedMs")));
}

using System.Text.Json;
using Causeway.Values;

namespace Causeway.Replication;

/// <summary>The JSON forms of sync results and peers (API.md, <c>POST /v1/dbs/{db}/replicate</c> and
/// <c>GET /v1/dbs/{db}/peers</c>), written by the server and the CLI alike.</summary>
public static class SyncJson
{
    public static string ToJsonName(this SyncDirection direction) => direction switch
    {
        SyncDirection.Pull => "pull",
        SyncDirection.Push => "push",
        _ => "both",
    };

    public static string ToJsonName(this SyncMode mode) => mode == SyncMode.Once ? "once" : "continuous";

    public static bool TryParseDirection(string? text, out SyncDirection direction)
    {
        (bool ok, direction) = text switch
        {
            "pull" => (true, SyncDirection.Pull),
            "push" => (true, SyncDirection.Push),
            "both" => (true, SyncDirection.Both),
            _ => (false, SyncDirection.Both),
        };
        return ok;
    }

    public static bool TryParseMode(string? text, out SyncMode mode)
    {
        (bool ok, mode) = text switch
        {
            "once" => (true, SyncMode.Once),
            "continuous" => (true, SyncMode.Continuous),
            _ => (false, SyncMode.Once),
        };
        return ok;
    }

    /// <summary><c>{ database?, peer, applied, sent, skipped, bytesSent, bytesReceived, position, clock, elapsedMs }</c></summary>
    public static void WriteJson(this SyncResult result, Utf8JsonWriter w, string? database = null)
    {
        w.WriteStartObject();
        if (database is not null) w.WriteString("database", database);
        w.WriteString("peer", result.PeerDid);
        w.WriteNumber("applied", result.Applied);
        w.WriteNumber("sent", result.Sent);
        w.WriteNumber("skipped", result.Skipped);
        w.WriteNumber("bytesSent", result.BytesSent);
        w.WriteNumber("bytesReceived", result.BytesReceived);
        w.WriteNumber("position", result.Position);
        w.WriteStartObject("clock");
        foreach (var (origin, seq) in result.Clock) w.WriteNumber(origin, seq);
        w.WriteEndObject();
        w.WriteNumber("elapsedMs", (long)result.Elapsed.TotalMilliseconds);
        w.WriteEndObject();
    }

    /// <summary><c>{ id, remote, peerDid, role, direction, mode, state, ahead, behind, sent, applied, attempts, since, lastError }</c></summary>
    public static void WriteJson(this PeerStatus status, Utf8JsonWriter w, string? database = null)
    {
        w.WriteStartObject();
        if (database is not null) w.WriteString("database", database);
        w.WriteString("id", status.Id);
        w.WriteString("remote", status.Remote);
        if (status.PeerDid is null) w.WriteNull("peerDid"); else w.WriteString("peerDid", status.PeerDid);
        w.WriteString("role", status.Role);
        w.WriteString("direction", status.Direction.ToJsonName());
        w.WriteString("mode", status.Mode.ToJsonName());
        w.WriteString("state", status.State);
        w.WriteNumber("ahead", status.Ahead);
        w.WriteNumber("behind", status.Behind);
        w.WriteNumber("sent", status.Sent);
        w.WriteNumber("applied", status.Applied);
        w.WriteNumber("attempts", status.Attempts);
        w.WriteString("since", ValueJson.FormatTime(status.Since));
        if (status.LastError is null) w.WriteNull("lastError"); else w.WriteString("lastError", status.LastError);
        w.WriteEndObject();
    }
}

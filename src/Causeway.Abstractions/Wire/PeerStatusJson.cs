using System.Text.Json;
using Causeway.Replication;

namespace Causeway.Wire;

/// <summary>One sync session as the peers list shows it (docs/api.md, <c>GET /v1/dbs/{db}/peers</c>, and the
/// 202 answer of a continuous replicate): <c>{ database?, id, remote, peerDid, role, direction, mode,
/// state, ahead, behind, sent, applied, attempts, since, lastError }</c>. <c>database</c> names the
/// session's database where the answer does not; it is not part of <see cref="PeerStatus"/>.</summary>
public static class PeerStatusJson
{
    public static void Write(Utf8JsonWriter w, PeerStatus status, string? database = null)
    {
        WireJson.WriteStartObject(w, database);
        w.WriteString("id", status.Id);
        w.WriteString("remote", status.Remote);
        WireJson.WriteNullableString(w, "peerDid", status.PeerDid);
        w.WriteString("role", status.Role);
        w.WriteString("direction", status.Direction.ToJsonName());
        w.WriteString("mode", status.Mode.ToJsonName());
        w.WriteString("state", status.State);
        w.WriteNumber("ahead", status.Ahead);
        w.WriteNumber("behind", status.Behind);
        w.WriteNumber("sent", status.Sent);
        w.WriteNumber("applied", status.Applied);
        w.WriteNumber("attempts", status.Attempts);
        WireJson.WriteTime(w, "since", status.Since);
        WireJson.WriteNullableString(w, "lastError", status.LastError);
        w.WriteEndObject();
    }

    public static PeerStatus Read(JsonElement json)
    {
        string direction = WireJson.String(json, "direction"), mode = WireJson.String(json, "mode");
        if (!SyncJson.TryParseDirection(direction, out var syncDirection)) throw new FormatException($"'direction' is '{Documents.Names.Clip(direction)}', not pull, push or both.");
        if (!SyncJson.TryParseMode(mode, out var syncMode)) throw new FormatException($"'mode' is '{Documents.Names.Clip(mode)}', not once or continuous.");
        return new PeerStatus(WireJson.String(json, "id"), WireJson.String(json, "remote"), WireJson.NullableString(json, "peerDid"),
            WireJson.String(json, "role"), syncDirection, syncMode, WireJson.String(json, "state"),
            WireJson.Long(json, "ahead"), WireJson.Long(json, "behind"), WireJson.Long(json, "sent"), WireJson.Long(json, "applied"),
            WireJson.Int(json, "attempts"), WireJson.Time(json, "since"), WireJson.NullableString(json, "lastError"));
    }
}

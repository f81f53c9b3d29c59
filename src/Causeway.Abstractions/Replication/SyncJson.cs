namespace Causeway.Replication;

/// <summary>The JSON names of sync directions and modes (docs/api.md, <c>POST /v1/dbs/{db}/replicate</c> and
/// <c>GET /v1/dbs/{db}/peers</c>); the answers themselves are <see cref="Wire.SyncResultJson"/> and <see cref="Wire.PeerStatusJson"/>.</summary>
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
}

namespace Causeway.Server.OpenApi.Areas;

/// <summary>Replication (docs/api.md, Replication; docs/sync-protocol.md).</summary>
internal static class SyncApi
{
    public const string Tag = "sync";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("get", "/v1/dbs/{db}/sync", "syncSession", Tag)
            .Summary("The WebSocket peers dial for a sync session.")
            .Description("""
                A WebSocket (`Upgrade: websocket`), not a plain HTTP exchange: it answers 101 Switching Protocols and then speaks the sync
                protocol (docs/sync-protocol.md). Pulling needs /sync/pull, pushing /sync/push. A plain HTTP request is 400 websocket_required.
                """)
            .Query("create", "`true`, for a peer that pushes: create the database for the session (needs /db/create).", Schema.Boolean())
            .Header("Upgrade", "`websocket`", Schema.Enum("websocket"))
            .Empty(101, "Switching Protocols: the WebSocket session starts.")
            .Problems(404),
        new Operation("post", "/v1/dbs/{db}/replicate", "replicate", Tag)
            .Summary("Sync this database with the same database on another server, once or continuously.")
            .JsonBody("Replicate")
            .Answers(200, "SyncResult", "`once`: both sides have what the other held at the start.")
            .Answers(202, "PeerStatus", "`continuous`: the link, live.")
            .Problems(404, 409, 413, 415, 424),
        new Operation("get", "/v1/dbs/{db}/peers", "listPeers", Tag)
            .Answers(200, "PeerList", "The database's sync sessions, both ways.")
            .Problems(404),
        new Operation("delete", "/v1/dbs/{db}/peers/{id}", "stopPeer", Tag)
            .Summary("Stop a continuous link this server opened.")
            .Answers(200, "PeerStopped", "Stopped.")
            .Problems(404),
    ];
}

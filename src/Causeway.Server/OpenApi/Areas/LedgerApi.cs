namespace Causeway.Server.OpenApi.Areas;

/// <summary>The changes feed and the ledger (docs/api.md, Changes, Ledger).</summary>
internal static class LedgerApi
{
    public const string Tag = "ledger";
    public const string Car = "application/vnd.ipld.car";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("get", "/v1/dbs/{db}/changes", "getChanges", Tag)
            .Summary("Commits after `since`; `feed=sse` streams them as they are made.")
            .Description("""
                With `feed=sse` the answer is `text/event-stream`: one `change` event per commit (data: a Change, `id`: its position), now and as
                new ones are made. An EventSource, which cannot send headers, may authenticate with `access_token` (a stream token from
                `POST /v1/dbs/{db}/stream-tokens`).
                """)
            .Query("since", "The position to start after (0: from the start). A bad one is 400 invalid_cursor.", Schema.Integer(0))
            .Query("limit", "At most this many commits (1–10,000; default 1,000).", Schema.Integer(1, 10_000))
            .Query("feed", "`sse`: a server-sent event stream instead of one page.", Schema.Enum("sse"))
            .Query("access_token", "A stream token (`cws_…`) instead of the Authorization header, for an EventSource: read-only, one database, minutes long.", Schema.String())
            .Header("Last-Event-ID", "With `feed=sse`: resume after this position (wins over `since`).")
            .Content(200, "A page of changes, or with `feed=sse` an event stream.", [],
                ("application/json", Schema.Ref("ChangesPage")),
                ("text/event-stream", Schema.EventStream("Change", "Events `change` (data: Change, id: its position).")))
            .Problems(404),
        new Operation("get", "/v1/dbs/{db}/verify", "verifyLedger", Tag)
            .Answers(200, "VerifyReport", "What the walk found.")
            .Problems(404),
        new Operation("get", "/v1/dbs/{db}/commits/{cid}", "getCommit", Tag)
            .Summary("A commit's raw DAG-CBOR block; immutable.")
            .Header("If-None-Match", "The CID as an entity tag (`\"bafyrei…\"`): 304 when it matches.")
            .Content(200, "The block.", [("ETag", "`\"CID\"`"), ("Cache-Control", "public, max-age=31536000, immutable")],
                ("application/vnd.ipld.dag-cbor", Schema.Binary()))
            .Empty(304, "Not modified: the block is the one named.", ("ETag", "`\"CID\"`"))
            .Problems(404),
        new Operation("get", "/v1/dbs/{db}/export", "exportLedger", Tag)
            .Summary("The whole ledger as a CARv1 archive (roots: the heads).")
            .Content(200, "The archive.", [("Content-Disposition", "attachment; filename=\"DB.car\"")], (Car, Schema.Binary()))
            .Problems(404),
        new Operation("post", "/v1/dbs/{db}/import", "importLedger", Tag)
            .Summary("Apply the commits of a CARv1 archive of this database (verified, idempotent).")
            .BinaryBody(Car, "A CARv1 archive, up to 1 GiB.")
            .Answers(200, "ImportResult", "Applied.")
            .Problems(404, 413, 415, 429),
    ];
}

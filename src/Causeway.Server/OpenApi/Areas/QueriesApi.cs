namespace Causeway.Server.OpenApi.Areas;

/// <summary>Queries and live queries (docs/api.md, Queries, Live queries).</summary>
internal static class QueriesApi
{
    public const string Tag = "queries";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("post", "/v1/dbs/{db}/query", "query", Tag)
            .Summary("Find documents; page with `after: next`; `?live=true` follows the result as server-sent events.")
            .Description("""
                With `?count=true` the answer is a QueryCount; with `?explain=true` a QueryResult with `plan`.
                With `?live=true` the answer is `text/event-stream`: a `snapshot` event, then a `delta` event per commit that changes the result
                (each event's data a LiveQueryEvent, its `id` the position); a failing stream ends with an `error` event whose data is a Problem.
                """)
            .Values()
            .Query("explain", "`true`: add the query plan.", Schema.Boolean())
            .Query("count", "`true`: answer `{ count, position }` instead of documents.", Schema.Boolean())
            .Query("live", "`true`: stream the result and every change to it as server-sent events.", Schema.Boolean())
            .Query("since", "With `live=true`: send no snapshot, only the deltas after this position.", Schema.Integer(0))
            .Header("Last-Event-ID", "With `live=true`: as `since` (and wins), as a reconnecting EventSource sends it.")
            .JsonBody("Query")
            .Content(200, "A page of documents (QueryResult), a count (QueryCount), or with `live=true` an event stream.", [],
                ("application/json", new System.Text.Json.Nodes.JsonObject
                {
                    ["oneOf"] = new System.Text.Json.Nodes.JsonArray(Schema.Ref("QueryResult"), Schema.Ref("QueryCount")),
                }),
                ("text/event-stream", Schema.EventStream("LiveQueryEvent", "Events `snapshot` and `delta` (data: LiveQueryEvent) and `error` (data: Problem).")))
            .Problems(404, 408, 409, 413, 415),
    ];
}

using System.Text.Json;
using Causeway.Authority;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Server.Http;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Documents: PUT, POST, GET, PATCH, DELETE and history.</summary>
internal static class DocumentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/dbs/{db}/docs/{coll}/{id}", async (HttpContext context, Api api, string db, string coll, string id) =>
        {
            var database = api.Database(context, db, Commands.DocWrite, coll, id);
            var condition = Condition(context, mayCreate: true);
            var document = await JsonBody.ReadValueAsync(context, api.Options.MaxRequestBytes);
            using var lease = api.Writes.Enter();
            bool existed = await database.GetAsync(coll, id) is not null;
            var result = await database.PutAsync(coll, id, document, condition, context.RequestAborted);
            SetETag(context, result.Commit);
            await JsonResponse.WriteResultAsync(context, result, existed ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }).Accepts<JsonElement>("application/json").WithSummary("Create or replace a document from a JSON object; If-Match / If-None-Match: * make it conditional (412).");

        app.MapPost("/v1/dbs/{db}/docs/{coll}", async (HttpContext context, Api api, string db, string coll) =>
        {
            var database = api.Database(context, db, Commands.DocWrite, coll);
            NoCondition(context, "POST of a document always creates a new one, so it");
            var document = await JsonBody.ReadValueAsync(context, api.Options.MaxRequestBytes);
            using var lease = api.Writes.Enter();
            var (id, result) = await database.CreateAsync(coll, document, context.RequestAborted);
            context.Response.Headers.Location = $"/v1/dbs/{db}/docs/{coll}/{id}";
            SetETag(context, result.Commit);
            await JsonResponse.WriteResultAsync(context, result, StatusCodes.Status201Created, id);
        }).Accepts<JsonElement>("application/json").WithSummary("Create a document with a generated id; answers _id too.");

        app.MapGet("/v1/dbs/{db}/docs/{coll}/{id}", async (HttpContext context, Api api, string db, string coll, string id) =>
        {
            var database = api.Database(context, db, Commands.DocRead, coll, id);
            bool typed = Api.TypedValues(context);
            var document = await database.GetAsync(coll, id, Api.At(context)) ?? throw new NotFoundException($"Document {coll}/{id} does not exist{(context.Request.Query.ContainsKey("at") ? " at that point" : "")}.");
            if (document.Commit is { } version) SetETag(context, version);
            await JsonResponse.WriteAsync(context, 200, (document, typed), static (w, s) => DocumentJson.Write(w, s.document, s.typed));
        }).WithSummary("Read a document (404 when absent or deleted); ?at= reads the past; ETag is its version.");

        app.MapPatch("/v1/dbs/{db}/docs/{coll}/{id}", async (HttpContext context, Api api, string db, string coll, string id) =>
        {
            var database = api.Database(context, db, Commands.DocWrite, coll, id);
            var condition = Condition(context, mayCreate: false);
            var body = await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes);
            var ops = OperationJson.FieldOps(OperationJson.OpsOf(body, "A patch", "FIELD-OP"));
            using var lease = api.Writes.Enter();
            var result = await database.PatchAsync(coll, id, ops, condition, context.RequestAborted);
            SetETag(context, result.Commit);
            await JsonResponse.WriteResultAsync(context, result);
        }).Accepts<JsonElement>("application/json").WithSummary("Apply field operations: { \"ops\": [ FIELD-OP, .. ] }; If-Match makes it conditional (412).");

        app.MapDelete("/v1/dbs/{db}/docs/{coll}/{id}", async (HttpContext context, Api api, string db, string coll, string id) =>
        {
            var database = api.Database(context, db, Commands.DocDelete, coll, id);
            var condition = Condition(context, mayCreate: false);
            using var lease = api.Writes.Enter();
            var result = await database.DeleteAsync(coll, id, condition, context.RequestAborted);
            await JsonResponse.WriteResultAsync(context, result);
        }).WithSummary("Delete a document; If-Match makes it conditional (412).");

        app.MapGet("/v1/dbs/{db}/docs/{coll}/{id}/history", async (HttpContext context, Api api, string db, string coll, string id) =>
        {
            var database = api.Database(context, db, Commands.HistoryRead, coll, id);
            bool typed = Api.TypedValues(context);
            var versions = await database.HistoryAsync(coll, id, Api.At(context));
            await JsonResponse.WriteAsync(context, 200, w => DocumentHistoryJson.Write(w, versions, typed));
        }).WithSummary("Every version of a document, oldest first.");

        app.MapPost("/v1/dbs/{db}/query", async (HttpContext context, Api api, string db) =>
        {
            Names.Database(db);
            api.AuthorizeCommand(context, Commands.DocRead);
            bool typed = Api.TypedValues(context);
            bool live = LiveQueryStream.IsLive(context);
            long? since = LiveQueryStream.Since(context, live);
            // The same validated reader as every body (undecodable strings are invalid_json).
            var query = Queries.Query.FromJson(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            api.Authorize(context, Commands.DocRead, db, query.Collection);
            var database = api.Replica.GetDatabase(db);
            if (live)
            {
                await LiveQueryStream.StreamAsync(context, database, query, since, typed);
                return;
            }
            if (Api.Flag(context, "count"))
            {
                var count = await database.CountAsync(query, context.RequestAborted);
                await JsonResponse.WriteAsync(context, 200, w => QueryCountJson.Write(w, count));
                return;
            }
            var result = await database.QueryAsync(query, Api.Flag(context, "explain"), context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => QueryResultJson.Write(w, result, typed));
        }).Accepts<JsonElement>("application/json").WithSummary("QUERY → { \"docs\": [..], \"next\": CURSOR or null, \"position\" } (docs/queries.md); ?explain=true adds \"plan\", ?count=true answers { \"count\", \"position\" }, ?live=true streams its result and every change to it as server-sent events.");

        app.MapPost("/v1/dbs/{db}/tx", async (HttpContext context, Api api, string db) =>
        {
            Names.Database(db);
            api.AuthorizeCommand(context, Commands.DocWrite);
            NoCondition(context, "A transaction");
            var body = await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes);
            var ops = OperationJson.OpsOf(body, "A transaction", "TX-OP");
            // Every operation is authorized on its own document before anything is written.
            var needs = new TransactionNeeds();
            foreach (var op in ops.EnumerateArray()) OperationJson.ApplyTxOp(needs, op);
            foreach (var (command, collection, id) in needs.Needs) api.Authorize(context, command, db, collection, id);
            var database = api.Replica.GetDatabase(db);
            using var lease = api.Writes.Enter();
            var result = await database.TransactAsync(tx =>
            {
                foreach (var op in ops.EnumerateArray()) OperationJson.ApplyTxOp(tx, op);
            }, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => TransactionResultJson.Write(w, result));
        }).Accepts<JsonElement>("application/json").WithSummary("Apply { \"ops\": [ TX-OP, .. ] } atomically: all or nothing.");
    }

    /// <summary>The precondition of a write: If-Match (versions or *), or, where the write may create
    /// the document (PUT), If-None-Match: *. Several lines of one header count as one list.</summary>
    private static WriteCondition? Condition(HttpContext context, bool mayCreate)
    {
        var headers = context.Request.Headers;
        static string? Joined(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : string.Join(", ", values.ToArray());
        return WriteCondition.FromHeaders(Joined(headers.IfMatch), Joined(headers.IfNoneMatch), mayCreate);
    }

    /// <summary>A write that takes no precondition refuses one rather than ignore it.</summary>
    private static void NoCondition(HttpContext context, string what)
    {
        var headers = context.Request.Headers;
        string? name = headers.IfMatch.Count > 0 ? WriteCondition.IfMatchHeader : headers.IfNoneMatch.Count > 0 ? WriteCondition.IfNoneMatchHeader : null;
        if (name is not null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{what} takes no {name}: make a single write conditional with PUT, PATCH or DELETE of the document.");
    }

    /// <summary>The document's version after a write or as read: <c>ETag: "bafy…"</c>.</summary>
    private static void SetETag(HttpContext context, Encoding.Cid version) => context.Response.Headers.ETag = WriteCondition.EntityTag(version);

}

/// <summary>What a transaction's operations need, one (command, collection, id) each, read by the same
/// parser that then builds the transaction: /doc/write for put, update and create (no id: it is
/// generated), /doc/delete for delete. Names are checked here (400 before 403).</summary>
internal sealed class TransactionNeeds : ITransactionBuilder
{
    public List<(string Command, string Collection, string? Id)> Needs { get; } = [];

    public void Put(string collection, string id, Value document) => Add(Commands.DocWrite, collection, id);

    public void Create(string collection, Value document) => Add(Commands.DocWrite, collection, null);

    public void Patch(string collection, string id, params IEnumerable<FieldOp> ops) => Add(Commands.DocWrite, collection, id);

    public void Delete(string collection, string id) => Add(Commands.DocDelete, collection, id);

    private void Add(string command, string collection, string? id)
    {
        Names.Collection(collection);
        if (id is not null) Names.DocumentId(id);
        Needs.Add((command, collection, id));
    }
}

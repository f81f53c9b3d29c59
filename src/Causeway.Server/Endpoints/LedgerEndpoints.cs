using System.Globalization;
using System.Text;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Authority;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>The ledger: changes (polling and server-sent events), verify, and raw commit blocks.</summary>
internal static class LedgerEndpoints
{
    public const int MaxChangesPage = 10_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/dbs/{db}/changes", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DocRead);
            long since = QueryLong(context, "since", 0, 0, long.MaxValue);
            int limit = (int)QueryLong(context, "limit", 1000, 1, MaxChangesPage);
            string? feed = context.Request.Query["feed"];
            if (feed is not null && feed != "sse" && feed != "poll")
                throw new InvalidInputException(ErrorCodes.InvalidOp, $"'feed' is 'poll' (the default) or 'sse', not '{Documents.Names.Clip(feed)}'.");
            if (feed == "sse" && context.Request.Headers["Last-Event-ID"] is { Count: > 0 } lastEvent)
            {
                // A reconnecting EventSource resends its URL and the id of the last event it got: resume after it.
                if (!long.TryParse(lastEvent.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out since))
                    throw new InvalidInputException(ErrorCodes.InvalidCursor, $"'Last-Event-ID' is the position of the last event received, not '{Documents.Names.Clip(lastEvent.ToString())}'.");
            }
            if (since > database.Position) throw new InvalidInputException(ErrorCodes.InvalidCursor, $"'since' {since} is beyond the database's position {database.Position}.");

            if (feed == "sse")
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.Body.FlushAsync(context.RequestAborted);
                try
                {
                    await foreach (var change in database.ChangesAsync(since, follow: true, context.RequestAborted))
                    {
                        var json = ChangeJson.ToUtf8(change, Json.WriterOptions);
                        await context.Response.WriteAsync($"id: {change.Position}\nevent: {ChangeJson.EventName}\ndata: ", context.RequestAborted);
                        await context.Response.Body.WriteAsync(json, context.RequestAborted);
                        await context.Response.WriteAsync("\n\n", context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                    }
                }
                catch (OperationCanceledException) { }
                return;
            }

            var changes = new List<Change>();
            await foreach (var change in database.ChangesAsync(since, follow: false, context.RequestAborted))
            {
                changes.Add(change);
                if (changes.Count == limit) break;
            }
            var page = new ChangesPage(changes, changes.Count > 0 ? changes[^1].Position : since);
            await JsonResponse.WriteAsync(context, 200, w => ChangesPageJson.Write(w, page));
        }).WithSummary("Commits after ?since=N (at most ?limit=M); ?feed=sse streams them live.");

        app.MapGet("/v1/dbs/{db}/verify", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.HistoryRead);
            var report = await database.VerifyAsync(cancellation: context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => VerifyReportJson.Write(w, report));
        }).WithSummary("Walk the ledger and check every hash, signature, sequence and parent.");

        app.MapGet("/v1/dbs/{db}/commits/{cid}", async (HttpContext context, Api api, string db, string cid) =>
        {
            var database = api.Database(context, db, Commands.HistoryRead);
            if (!Cid.TryParse(cid, out var id)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(cid)}' is not a CID (base32, 'b…').");
            var block = database.GetCommitBlock(id) ?? throw new NotFoundException($"Commit {cid} is not in database '{db}'.");
            string etag = $"\"{id}\"";
            context.Response.Headers.ETag = etag;
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            if (context.Request.Headers.IfNoneMatch.Contains(etag))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/vnd.ipld.dag-cbor";
            context.Response.ContentLength = block.Length;
            await context.Response.Body.WriteAsync(block, context.RequestAborted);
        }).WithSummary("A commit's raw DAG-CBOR block; immutable, ETag = CID.");
    }

    public const string CarMediaType = "application/vnd.ipld.car";

    public static void MapArchive(IEndpointRouteBuilder app, long maxImportBytes)
    {
        app.MapGet("/v1/dbs/{db}/export", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.HistoryRead);
            context.Response.StatusCode = 200;
            context.Response.ContentType = CarMediaType;
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{db}.car\"";
            await database.ExportAsync(context.Response.Body, cancellation: context.RequestAborted);
        }).WithSummary("The database's ledger as a CARv1 archive (roots = heads).");

        app.MapPost("/v1/dbs/{db}/import", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DocWrite);
            if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), CarMediaType, StringComparison.OrdinalIgnoreCase))
                throw new CausewayException(ErrorCodes.UnsupportedMediaType, $"Send the archive as {CarMediaType}.");
            if (context.Request.ContentLength > maxImportBytes) throw new TooLargeException($"The archive is larger than {maxImportBytes:N0} bytes.");
            using var lease = api.Writes.Enter();
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            body.Position = 0;
            var result = await database.ImportAsync(body, cancellation: context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => ImportResultJson.Write(w, result));
        }).Accepts<byte[]>(CarMediaType).WithSummary("Apply the commits of a CARv1 archive of this database's ledger (verified, idempotent).");
    }

    private static long QueryLong(HttpContext context, string name, long fallback, long min, long max)
    {
        if (!context.Request.Query.TryGetValue(name, out var text)) return fallback;
        if (!long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
            throw new InvalidInputException(name == "since" ? ErrorCodes.InvalidCursor : ErrorCodes.InvalidValue, $"'{name}' must be a whole number from {min} to {max}.");
        return value;
    }
}

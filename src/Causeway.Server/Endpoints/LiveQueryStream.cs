using System.Globalization;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary><c>POST /v1/dbs/{db}/query?live=true</c>: a live query as server-sent events (docs/api.md,
/// Live queries): <c>snapshot</c> (unless it resumes), then one <c>delta</c> per commit that changes the
/// result, each with its position as the event's id, until the client goes away; an <c>error</c> event
/// (problem+json) ends it when the subscription fails (a subscriber too slow, the server stopping).</summary>
internal static class LiveQueryStream
{
    /// <summary>Whether the query is live: <c>?live=true</c> (or <c>false</c>, the default).</summary>
    public static bool IsLive(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue("live", out var live)) return false;
        return live.ToString() switch
        {
            "true" => true,
            "false" => false,
            var other => throw new InvalidInputException(ErrorCodes.InvalidValue, $"'live' is 'true' or 'false', not '{Documents.Names.Clip(other)}'."),
        };
    }

    /// <summary>Where a live query resumes: the <c>Last-Event-ID</c> a reconnecting client sends, else
    /// <c>?since=N</c>, else nowhere (it starts with a snapshot). <c>since</c> without <c>live=true</c> is refused.</summary>
    public static long? Since(HttpContext context, bool live)
    {
        bool hasSince = context.Request.Query.TryGetValue("since", out var since);
        if (!live)
        {
            if (hasSince) throw new InvalidInputException(ErrorCodes.InvalidValue, "'since' resumes a live query: it goes with 'live=true'.");
            return null;
        }
        if (context.Request.Headers["Last-Event-ID"] is { Count: > 0 } lastEvent)
            return Position(lastEvent.ToString(), $"'Last-Event-ID' is the position of the last event received, not '{Documents.Names.Clip(lastEvent.ToString())}'.");
        return hasSince ? Position(since.ToString(), $"'since' is a position, a whole number ≥ 0, not '{Documents.Names.Clip(since.ToString())}'.") : null;
    }

    private static long Position(string text, string problem)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long position) ? position : throw new InvalidInputException(ErrorCodes.InvalidCursor, problem);

    public static async Task StreamAsync(HttpContext context, Database database, Query query, long? since, bool typed)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        // Bad input is refused here, before the stream starts: the same 400s as an ordinary query.
        var events = database.LiveQueryAsync(query, since, ending.Token);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(context.RequestAborted);
        long? last = since;
        CausewayException? failure = null;
        try
        {
            await foreach (var e in events)
            {
                await WriteEventAsync(response, e.Position, LiveQueryEventJson.EventName(e.Kind), LiveQueryEventJson.ToUtf8(e, typed, Http.Json.WriterOptions), context.RequestAborted);
                last = e.Position;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            failure = new UnavailableException("The server is shutting down; subscribe again with 'since' at the last position received.");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (CausewayException e)
        {
            failure = e;
        }
        if (failure is null) return;
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, Http.Json.WriterOptions)) ApiProblemJson.Write(writer, ApiProblem.For(failure));
        await WriteEventAsync(response, last, LiveQueryEventJson.ErrorEvent, stream.ToArray(), context.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpResponse response, long? id, string name, byte[] data, CancellationToken cancellation)
    {
        string head = id is { } position ? $"id: {position.ToString(CultureInfo.InvariantCulture)}\nevent: {name}\ndata: " : $"event: {name}\ndata: ";
        await response.WriteAsync(head, cancellation);
        await response.Body.WriteAsync(data, cancellation);
        await response.WriteAsync("\n\n", cancellation);
        await response.Body.FlushAsync(cancellation);
    }
}

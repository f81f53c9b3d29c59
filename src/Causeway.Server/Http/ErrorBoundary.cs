using Causeway.Errors;

namespace Causeway.Server.Http;

/// <summary>Turns every failure into problem+json: Causeway's own errors with their codes, a body
/// that is too large with 413, anything unexpected with a 500 that says nothing of the internals
/// (the details go to the log). Empty error responses (unknown route, wrong method) get a body too.</summary>
internal sealed class ErrorBoundary(RequestDelegate next, ILogger<ErrorBoundary> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (CausewayException e)
        {
            await Problem.WriteAsync(context, e);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Problem.WriteAsync(context, ErrorCodes.TooLarge, "The request body is larger than the server accepts.");
            return;
        }
        catch (BadHttpRequestException e)
        {
            await Problem.WriteAsync(context, ErrorCodes.InvalidJson, $"The request could not be read: {e.Message}", e.StatusCode);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await Problem.WriteAsync(context, ErrorCodes.Internal, "The server failed to handle the request; it was logged.");
            return;
        }
        if (context.Response.HasStarted || context.Response.ContentLength > 0 || context.Response.ContentType is not null) return;
        int status = context.Response.StatusCode;
        if (status < 400) return;
        var (code, detail) = status switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, $"No endpoint at {Clip(context.Request.Method)} {Clip(context.Request.Path.Value)}."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, $"{Clip(context.Request.Method)} is not allowed on {Clip(context.Request.Path.Value)}."),
            // Routing refused the type before any endpoint ran, so say what the contract takes rather than guess.
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType,
                $"{Clip(context.Request.Method)} {Clip(context.Request.Path.Value)} does not take a body of type '{Clip(context.Request.ContentType ?? "none")}': "
                + (context.Request.Path.Value?.EndsWith("/import", StringComparison.Ordinal) == true ? "send the archive as application/vnd.ipld.car." : "send JSON as application/json.")),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.TooLarge, "The request body is larger than the server accepts."),
            >= 500 => (ErrorCodes.Internal, "The server failed to handle the request; it was logged."),
            _ => (ErrorCodes.InvalidJson, "The request could not be read."),
        };
        await Problem.WriteAsync(context, code, detail, status);
    }

    /// <summary>What the request said, quoted in a message: at most 200 characters, never half a surrogate pair.</summary>
    private static string Clip(string? text)
    {
        const int Max = 200;
        if (text is null || text.Length <= Max) return text ?? "";
        int cut = char.IsHighSurrogate(text[Max - 1]) ? Max - 1 : Max;
        return text[..cut] + "…";
    }
}

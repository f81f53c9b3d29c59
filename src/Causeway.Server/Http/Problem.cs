using System.Text.Json;
using Causeway.Errors;
using Causeway.Wire;

namespace Causeway.Server.Http;

/// <summary>Writes errors as <c>application/problem+json</c> with the stable code of docs/api.md (and,
/// for a refused capability token, its <c>ucanError</c> and <c>proof</c>).</summary>
internal static class Problem
{
    public static Task WriteAsync(HttpContext context, string code, string detail, int? status = null, TimeSpan? retryAfter = null)
        => WriteAsync(context, ApiProblem.For(code, detail, status), retryAfter);

    public static Task WriteAsync(HttpContext context, CausewayException error)
        => WriteAsync(context, ApiProblem.For(error), (error as RateLimitedException)?.RetryAfter);

    private static async Task WriteAsync(HttpContext context, ApiProblem problem, TimeSpan? retryAfter)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ApiProblemJson.MediaType;
        if (problem.Status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        await using var writer = new Utf8JsonWriter(context.Response.Body, Json.WriterOptions);
        ApiProblemJson.Write(writer, problem);
    }
}

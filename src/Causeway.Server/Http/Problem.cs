using System.Text.Json;
using Causeway.Errors;
using Causeway.Wire;

namespace Causeway.Server.Http;

/// <summary>Writes errors as <c>application/problem+json</c> with the stable code of docs/api.md.</summary>
internal static class Problem
{
    public static async Task WriteAsync(HttpContext context, string code, string detail, int? status = null, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted) return;
        var problem = ApiProblem.For(code, detail, status);
        context.Response.Clear();
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ApiProblemJson.MediaType;
        if (code == ErrorCodes.Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        await using var writer = new Utf8JsonWriter(context.Response.Body, Json.WriterOptions);
        ApiProblemJson.Write(writer, problem);
    }

    public static Task WriteAsync(HttpContext context, CausewayException error)
        => WriteAsync(context, error.Code, error.Message, retryAfter: (error as RateLimitedException)?.RetryAfter);
}

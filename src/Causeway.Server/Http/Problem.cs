using System.Text.Json;
using Causeway.Errors;
using Microsoft.AspNetCore.Http;

namespace Causeway.Server.Http;

/// <summary>Writes errors as <c>application/problem+json</c> with the stable code of API.md.</summary>
internal static class Problem
{
    public static async Task WriteAsync(HttpContext context, string code, string detail, int? status = null, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted) return;
        int httpStatus = status ?? ErrorCodes.HttpStatus(code);
        context.Response.Clear();
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/problem+json";
        if (code == ErrorCodes.Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        await using var writer = new Utf8JsonWriter(context.Response.Body, Json.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", $"https://causeway.dev/errors/{code}");
        writer.WriteString("title", Title(httpStatus));
        writer.WriteNumber("status", httpStatus);
        writer.WriteString("detail", detail);
        writer.WriteString("code", code);
        writer.WriteEndObject();
    }

    public static Task WriteAsync(HttpContext context, CausewayException error)
        => WriteAsync(context, error.Code, error.Message, retryAfter: (error as RateLimitedException)?.RetryAfter);

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable entity",
        424 => "Failed dependency",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Error",
    };
}

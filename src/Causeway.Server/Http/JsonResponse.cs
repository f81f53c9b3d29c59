using System.Text.Json;
using Causeway.Wire;

namespace Causeway.Server.Http;

/// <summary>Writes JSON answers straight to the response with a Utf8JsonWriter (no reflection).</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, Json.WriterOptions);
        write(writer);
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task WriteResultAsync(HttpContext context, WriteResult result, int status = StatusCodes.Status200OK, string? id = null)
        => WriteAsync(context, status, w => WriteResultJson.Write(w, result, id));
}

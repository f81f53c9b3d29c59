using System.Buffers;
using System.Text.Json;
using Causeway.Wire;

namespace Causeway.Server.Http;

/// <summary>Writes JSON answers straight to the response with a Utf8JsonWriter (no reflection). Each
/// thread keeps one writer and points it at the response it writes (nothing awaits while it does), so
/// an answer costs no writer of its own.</summary>
internal static class JsonResponse
{
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    // What an idle writer points at, so it holds no response.
    private static readonly IBufferWriter<byte> Idle = new ArrayBufferWriter<byte>(1);

    public static Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
        => WriteAsync(context, status, write, static (w, write) => write(w));

    /// <summary>The same, with what the answer is written from passed along, so the call needs no closure.</summary>
    public static Task WriteAsync<TState>(HttpContext context, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = context.Response.BodyWriter;
        var writer = t_writer ??= new Utf8JsonWriter(Idle, Json.WriterOptions);
        writer.Reset(body);
        try
        {
            write(writer, state);
            writer.Flush();   // into the response's pipe: no I/O
        }
        finally
        {
            writer.Reset(Idle);
        }
        var flushed = body.FlushAsync(context.RequestAborted);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }

    public static Task WriteResultAsync(HttpContext context, WriteResult result, int status = StatusCodes.Status200OK, string? id = null)
        => WriteAsync(context, status, (result, id), static (w, s) => WriteResultJson.Write(w, s.result, s.id));
}

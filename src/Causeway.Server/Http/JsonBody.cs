using System.Buffers;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Server.Http;

/// <summary>Reads request bodies: JSON content type only, bounded in size, parsed strictly.</summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = ValueJson.MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static async Task<byte[]> ReadBytesAsync(HttpContext context, long limit)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !IsJson(contentType))
            throw new CausewayException(ErrorCodes.UnsupportedMediaType, $"Send the body as application/json (got '{contentType ?? "none"}').");
        if (context.Request.ContentLength > limit)
            throw new TooLargeException($"The body is {context.Request.ContentLength:N0} bytes; the limit is {limit:N0}.");
        var buffer = new ArrayBufferWriter<byte>(4096);
        var body = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            int read = await body.ReadAsync(memory, context.RequestAborted);
            if (read == 0) break;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) throw new TooLargeException($"The body is larger than the limit of {limit:N0} bytes.");
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Like <see cref="ReadBytesAsync"/>, except that a request with no body at all needs no
    /// content type: it reads as empty (a bare <c>POST</c>, as <c>curl -X POST</c> sends it).</summary>
    public static async Task<byte[]> ReadOptionalBytesAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentType is null && context.Request.ContentLength is null or 0
            && await context.Request.Body.ReadAsync(new byte[1], context.RequestAborted) == 0)
            return [];
        return await ReadBytesAsync(context, limit);
    }

    /// <summary>A JSON document (object or other); malformed JSON is invalid_json with the position.</summary>
    public static async Task<JsonElement> ReadElementAsync(HttpContext context, long limit)
    {
        var bytes = await ReadBytesAsync(context, limit);
        if (bytes.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidJson, "The body is empty; a JSON object was expected.");
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidJson, $"Malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}.");
        }
        // The parser leaves strings undecoded: invalid UTF-8 or an unpaired surrogate escape ("\ud800")
        // would surface later as an InvalidOperationException wherever a name or string is read (a 500).
        try { CheckStrings(root); }
        catch (InvalidOperationException) { throw new InvalidInputException(ErrorCodes.InvalidJson, "The body holds a string or member name that is not valid UTF-8 or has an unpaired surrogate escape."); }
        return root;
    }

    /// <summary>Decodes every string and member name once, so that reading them later cannot fail.</summary>
    private static void CheckStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CheckStrings(item);
                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    CheckStrings(member.Value);
                }
                break;
        }
    }

    public static async Task<Value> ReadValueAsync(HttpContext context, long limit) => ValueJson.Parse(await ReadBytesAsync(context, limit));

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}

using System.Text.Json;

namespace Causeway.Wire;

/// <summary>A stream token for an <c>EventSource</c> (docs/api.md, Following changes from a browser):
/// <c>{ "token": "cws_…", "db": NAME, "expires": UNIX-SECONDS }</c>.</summary>
public sealed record StreamToken(string Token, string Database, long Expires);

public static class StreamTokenJson
{
    public static void Write(Utf8JsonWriter w, StreamToken token)
    {
        w.WriteStartObject();
        w.WriteString("token", token.Token);
        w.WriteString("db", token.Database);
        w.WriteNumber("expires", token.Expires);
        w.WriteEndObject();
    }

    public static StreamToken Read(JsonElement json) => new(WireJson.String(json, "token"), WireJson.String(json, "db"), WireJson.Long(json, "expires"));
}

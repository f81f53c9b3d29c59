using System.Text.Json;
using Causeway.Encoding;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/tokens/{cid}/revoke</c>: <c>{ "cid", "revoked": true }</c>.</summary>
public static class TokenRevokedJson
{
    public static void Write(Utf8JsonWriter w, Cid cid)
    {
        w.WriteStartObject();
        w.WriteString("cid", cid.ToString());
        w.WriteBoolean("revoked", true);
        w.WriteEndObject();
    }

    /// <summary>The CID of the token revoked.</summary>
    public static Cid Read(JsonElement json)
        => WireJson.Bool(json, "revoked") ? WireJson.Cid(json, "cid") : throw new FormatException("'revoked' is false.");
}

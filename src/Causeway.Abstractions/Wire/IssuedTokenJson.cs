using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/tokens</c>: <c>{ cid, token, chain: [ { cid, token }, .. ], iss, aud, sub, cmd, pol, exp, nbf }</c>,
/// the chain root first and without the new token; <c>sub</c>, <c>exp</c> and <c>nbf</c> may be null.</summary>
public static class IssuedTokenJson
{
    public static void Write(Utf8JsonWriter w, IssuedToken token)
    {
        w.WriteStartObject();
        w.WriteString("cid", token.Cid.ToString());
        w.WriteString("token", token.Token);
        WireJson.WriteArray(w, "chain", token.Chain, WriteLink);
        w.WriteString("iss", token.Issuer);
        w.WriteString("aud", token.Audience);
        WireJson.WriteNullableString(w, "sub", token.Subject);
        w.WriteString("cmd", token.Command);
        w.WritePropertyName("pol");
        ValueJson.Write(w, token.Policy);
        WireJson.WriteNullableNumber(w, "exp", token.Expiration);
        WireJson.WriteNullableNumber(w, "nbf", token.NotBefore);
        w.WriteEndObject();
    }

    public static IssuedToken Read(JsonElement json) => new(
        WireJson.Cid(json, "cid"), WireJson.String(json, "token"), WireJson.Items(json, "chain", ReadLink),
        WireJson.String(json, "iss"), WireJson.String(json, "aud"), WireJson.NullableString(json, "sub"), WireJson.String(json, "cmd"),
        ValueJson.FromElement(WireJson.Member(json, "pol")), WireJson.NullableLong(json, "exp"), WireJson.NullableLong(json, "nbf"));

    private static void WriteLink(Utf8JsonWriter w, TokenLink link)
    {
        w.WriteStartObject();
        w.WriteString("cid", link.Cid.ToString());
        w.WriteString("token", link.Token);
        w.WriteEndObject();
    }

    private static TokenLink ReadLink(JsonElement json) => new(WireJson.Cid(json, "cid"), WireJson.String(json, "token"));
}

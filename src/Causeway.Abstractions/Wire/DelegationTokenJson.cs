using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>A delegation as <c>/v1/tokens</c> answers it (docs/api.md, Authorization):
/// <c>{ "cid", "token", "chain": [ { "cid", "token" }, .. ], "iss", "aud", "sub", "cmd", "pol", "exp", "nbf" }</c>.
/// <c>chain</c> is root first and ends with the token itself; <c>sub</c>, <c>exp</c> and <c>nbf</c>
/// are null when the token has none; <c>pol</c> is the UCAN policy as JSON (typed values).</summary>
public static class DelegationTokenJson
{
    public static void Write(Utf8JsonWriter w, DelegationToken token)
    {
        w.WriteStartObject();
        w.WriteString("cid", token.Cid.ToString());
        w.WriteString("token", token.Token);
        WireJson.WriteArray(w, "chain", token.Chain, (w, link) =>
        {
            w.WriteStartObject();
            w.WriteString("cid", link.Cid.ToString());
            w.WriteString("token", link.Token);
            w.WriteEndObject();
        });
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

    public static DelegationToken Read(JsonElement json)
        => new(WireJson.Cid(json, "cid"), WireJson.String(json, "token"),
            WireJson.Items(json, "chain", link => new TokenLink(WireJson.Cid(link, "cid"), WireJson.String(link, "token"))),
            WireJson.String(json, "iss"), WireJson.String(json, "aud"), WireJson.NullableString(json, "sub"), WireJson.String(json, "cmd"),
            ValueJson.FromElement(WireJson.Member(json, "pol")), WireJson.NullableLong(json, "exp"), WireJson.NullableLong(json, "nbf"));
}

using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>What <c>causeway token inspect --json</c> prints for each token, one object a line:
/// <c>{ cid, kind, iss, aud, sub, cmd, pol, args, nbf, exp, valid, problem }</c>. A delegation has <c>pol</c>, an
/// invocation <c>args</c>; a member a token does not have is absent (<c>sub</c> is null for a powerline).</summary>
public static class TokenReportJson
{
    public static void Write(Utf8JsonWriter w, TokenReport report)
    {
        w.WriteStartObject();
        w.WriteString("cid", report.Cid.ToString());
        w.WriteString("kind", report.Kind);
        if (report.Issuer is not null) w.WriteString("iss", report.Issuer);
        if (report.Audience is not null) w.WriteString("aud", report.Audience);
        if (report.Subject is not null || report.Kind == "dlg") WireJson.WriteNullableString(w, "sub", report.Subject);
        if (report.Command is not null) w.WriteString("cmd", report.Command);
        if (report.Policy is { } policy)
        {
            w.WritePropertyName("pol");
            ValueJson.Write(w, policy);
        }
        if (report.Arguments is { } arguments)
        {
            w.WritePropertyName("args");
            ValueJson.Write(w, arguments);
        }
        if (report.NotBefore is { } nbf) w.WriteNumber("nbf", nbf);
        if (report.Expiration is { } exp) w.WriteNumber("exp", exp);
        w.WriteBoolean("valid", report.Valid);
        if (report.Problem is not null) w.WriteString("problem", report.Problem);
        w.WriteEndObject();
    }

    public static TokenReport Read(JsonElement json) => new(
        WireJson.Cid(json, "cid"), WireJson.String(json, "kind"), WireJson.NullableString(json, "iss"), WireJson.NullableString(json, "aud"),
        WireJson.NullableString(json, "sub"), WireJson.NullableString(json, "cmd"),
        WireJson.Optional(json, "pol") is { } pol ? ValueJson.FromElement(pol) : null,
        WireJson.Optional(json, "args") is { } args ? ValueJson.FromElement(args) : null,
        WireJson.NullableLong(json, "nbf"), WireJson.NullableLong(json, "exp"), WireJson.Bool(json, "valid"), WireJson.NullableString(json, "problem"));
}

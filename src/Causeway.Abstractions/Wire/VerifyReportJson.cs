using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET /v1/dbs/{db}/verify</c>: <c>{ ok, commits, problems: [ { position,
/// commit, check, detail }, .. ] }</c> (a problem's position and commit are null when it has none).</summary>
public static class VerifyReportJson
{
    public static void Write(Utf8JsonWriter w, VerifyReport report)
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", report.Ok);
        w.WriteNumber("commits", report.Commits);
        WireJson.WriteArray(w, "problems", report.Problems, (w, p) =>
        {
            w.WriteStartObject();
            WireJson.WriteNullableNumber(w, "position", p.Position);
            WireJson.WriteCid(w, "commit", p.Commit);
            w.WriteString("check", p.Check);
            w.WriteString("detail", p.Detail);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    public static VerifyReport Read(JsonElement json)
        => new(WireJson.Bool(json, "ok"), WireJson.Long(json, "commits"), WireJson.Items(json, "problems", p => new VerifyProblem(
            WireJson.NullableLong(p, "position"), WireJson.NullableCid(p, "commit"), WireJson.String(p, "check"), WireJson.String(p, "detail"))));
}

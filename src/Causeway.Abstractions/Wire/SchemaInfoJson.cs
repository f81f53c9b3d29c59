using System.Text.Json;
using Causeway.Schemas;

namespace Causeway.Wire;

/// <summary>The answer of <c>PUT|GET /v1/dbs/{db}/schema</c>: the schema as canonical SCHEMA JSON
/// (<see cref="SchemaJson"/>, with <c>home</c> null when none is set), its <c>version</c>, <c>commit</c>
/// and <c>position</c>, the <c>analysis</c> (one entry per constraint) and the <c>violations</c>
/// (the stored documents that break it).</summary>
public static class SchemaInfoJson
{
    public static void Write(Utf8JsonWriter w, SchemaInfo info)
    {
        using var schema = JsonDocument.Parse(SchemaJson.ToJson(info.Schema));
        w.WriteStartObject();
        foreach (var member in schema.RootElement.EnumerateObject()) member.WriteTo(w);
        if (!schema.RootElement.TryGetProperty("home", out _)) w.WriteNull("home");
        w.WriteNumber("version", info.Version.Version);
        WireJson.WriteCid(w, "commit", info.Version.Commit);
        w.WriteNumber("position", info.Version.Position);
        WireJson.WriteArray(w, "analysis", info.Analysis.Constraints, (w, c) =>
        {
            w.WriteStartObject();
            w.WriteString("collection", c.Collection);
            w.WriteString("constraint", c.Constraint);
            w.WriteString("kind", c.Kind);
            w.WriteString("technique", c.Technique);
            WireJson.WriteStrings(w, "coordinates", c.Coordinates);
            w.WriteString("explanation", c.Explanation);
            w.WriteEndObject();
        });
        WireJson.WriteArray(w, "violations", info.Violations, (w, v) =>
        {
            w.WriteStartObject();
            w.WriteString("collection", v.Collection);
            w.WriteString("id", v.Id);
            w.WriteString("constraint", v.Constraint);
            w.WriteString("problem", v.Problem);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    public static SchemaInfo Read(JsonElement json)
    {
        var version = new SchemaVersion(SchemaJson.Read(json), WireJson.Long(json, "version"), WireJson.NullableCid(json, "commit"), WireJson.Long(json, "position"));
        var analysis = WireJson.Items(json, "analysis", a => new ConstraintAnalysis(WireJson.String(a, "collection"), WireJson.String(a, "constraint"),
            WireJson.String(a, "kind"), WireJson.String(a, "technique"), WireJson.Strings(a, "coordinates"), WireJson.String(a, "explanation")));
        var violations = WireJson.Items(json, "violations", v => new SchemaViolation(WireJson.String(v, "collection"), WireJson.String(v, "id"),
            WireJson.String(v, "constraint"), WireJson.String(v, "problem")));
        return new SchemaInfo(version, new SchemaAnalysis(analysis), violations);
    }
}

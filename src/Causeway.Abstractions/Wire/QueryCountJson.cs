using System.Text.Json;
using Causeway.Queries;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/dbs/{db}/query?count=true</c>: <c>{ "count": N, "position": P }</c>.</summary>
public static class QueryCountJson
{
    public static void Write(Utf8JsonWriter w, QueryCount count)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(count);
        w.WriteStartObject();
        w.WriteNumber("count", count.Count);
        w.WriteNumber("position", count.Position);
        w.WriteEndObject();
    }

    public static QueryCount Read(JsonElement json) => new(WireJson.Long(json, "count"), WireJson.Long(json, "position"));
}

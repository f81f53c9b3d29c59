using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET /v1/dbs</c>: <c>{ "databases": [ INFO, .. ] }</c>, each as <see cref="DatabaseInfoJson"/>.</summary>
public static class DatabaseListJson
{
    public static void Write(Utf8JsonWriter w, IEnumerable<DatabaseInfo> databases) => WireJson.WriteList(w, "databases", databases, DatabaseInfoJson.Write);

    public static IReadOnlyList<DatabaseInfo> Read(JsonElement json) => WireJson.Items(json, "databases", DatabaseInfoJson.Read);
}

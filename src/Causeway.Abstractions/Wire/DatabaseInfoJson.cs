using System.Text.Json;

namespace Causeway.Wire;

/// <summary>A database's summary (docs/api.md, <c>GET /v1/dbs/{db}</c>): <c>{ name, documents, commits,
/// position, heads: [CID], clock: { DID: seq } }</c>, and on a partial replica
/// <c>holds: ["collection" | "collection/idPrefix", ..]</c> (absent on a full one).</summary>
public static class DatabaseInfoJson
{
    public static void Write(Utf8JsonWriter w, DatabaseInfo info)
    {
        w.WriteStartObject();
        w.WriteString("name", info.Name);
        w.WriteNumber("documents", info.Documents);
        w.WriteNumber("commits", info.Commits);
        w.WriteNumber("position", info.Position);
        WireJson.WriteStrings(w, "heads", info.Heads.Select(head => head.ToString()));
        WireJson.WriteClock(w, "clock", info.Clock);
        if (info.Holds is not null) WireJson.WriteStrings(w, "holds", info.Holds);
        w.WriteEndObject();
    }

    public static DatabaseInfo Read(JsonElement json)
    {
        var clock = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (origin, seq) in WireJson.Clock(json, "clock")) clock[origin] = seq;
        var holds = WireJson.Optional(json, "holds") is not null ? WireJson.Strings(json, "holds") : null;
        return new DatabaseInfo(WireJson.String(json, "name"), WireJson.Long(json, "documents"), WireJson.Long(json, "commits"),
            WireJson.Long(json, "position"), WireJson.Cids(json, "heads"), clock, holds);
    }
}

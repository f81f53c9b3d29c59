using System.Globalization;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Client;

/// <summary>The JSON shapes of API.md, both ways, with <see cref="Utf8JsonWriter"/> and
/// <see cref="JsonElement"/> (no reflection). Values go out in the tagged form the server reads
/// (<c>{"$decimal"}</c>, <c>{"$time"}</c>, <c>{"$bytes"}</c>, doubles with a fraction) so a remote
/// write stores exactly what the same embedded write stores.</summary>
internal static class Wire
{
    // ---- out ----

    /// <summary>Values go out in the typed form, so every kind arrives as itself.</summary>
    public static void WriteValue(Utf8JsonWriter writer, Value value) => ValueJson.Write(writer, value, typed: true);

    public static void WriteFieldOps(Utf8JsonWriter writer, IReadOnlyList<FieldOp> ops)
    {
        writer.WriteStartArray("ops");
        foreach (var op in ops) op.WriteJson(writer, typed: true);
        writer.WriteEndArray();
    }

    // ---- in ----

    public static WriteResult WriteResult(JsonElement json) => new(ReadCid(json, "commit"), json.GetProperty("position").GetInt64());

    public static Document Document(JsonElement json)
    {
        string collection = json.GetProperty("_collection").GetString()!;
        string id = json.GetProperty("_id").GetString()!;
        var meta = json.GetProperty("_meta");
        var commit = meta.TryGetProperty("commit", out var c) && c.ValueKind == JsonValueKind.String ? Cid.Parse(c.GetString()!) : (Cid?)null;
        var fields = new List<KeyValuePair<string, Value>>();
        foreach (var member in json.EnumerateObject())
            if (member.Name is not ("_id" or "_collection" or "_meta"))
                fields.Add(new(member.Name, ValueJson.FromElement(member.Value)));
        return Causeway.Document.Create(collection, id, Value.Map(fields), commit, meta.GetProperty("position").GetInt64(),
            Time(meta, "updatedAt"), meta.GetProperty("origin").GetString()!);
    }

    public static DocumentVersion Version(JsonElement json)
    {
        var changes = new List<FieldChange>();
        foreach (var change in json.GetProperty("changes").EnumerateArray())
            changes.Add(new FieldChange(change.GetProperty("op").GetString()!,
                change.TryGetProperty("path", out var path) ? path.GetString() : null,
                change.TryGetProperty("value", out var value) ? ValueJson.FromElement(value) : null));
        return new DocumentVersion(json.GetProperty("position").GetInt64(), ReadCid(json, "commit"), json.GetProperty("origin").GetString()!,
            Time(json, "time"), json.GetProperty("deleted").GetBoolean(), changes);
    }

    public static Change Change(JsonElement json)
    {
        var docs = new List<ChangedDocument>();
        foreach (var doc in json.GetProperty("docs").EnumerateArray())
            docs.Add(new ChangedDocument(doc.GetProperty("collection").GetString()!, doc.GetProperty("id").GetString()!, doc.GetProperty("deleted").GetBoolean()));
        return new Change(json.GetProperty("position").GetInt64(), ReadCid(json, "commit"), json.GetProperty("origin").GetString()!, Time(json, "time"), docs);
    }

    public static DatabaseInfo Info(JsonElement json)
    {
        var heads = json.GetProperty("heads").EnumerateArray().Select(h => Cid.Parse(h.GetString()!)).ToList();
        var clock = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in json.GetProperty("clock").EnumerateObject()) clock[entry.Name] = entry.Value.GetInt64();
        return new DatabaseInfo(json.GetProperty("name").GetString()!, json.GetProperty("documents").GetInt64(), json.GetProperty("commits").GetInt64(),
            json.GetProperty("position").GetInt64(), heads, clock);
    }

    public static VerifyReport Verify(JsonElement json)
    {
        var problems = new List<VerifyProblem>();
        foreach (var p in json.GetProperty("problems").EnumerateArray())
            problems.Add(new VerifyProblem(
                p.TryGetProperty("position", out var position) && position.ValueKind == JsonValueKind.Number ? position.GetInt64() : null,
                p.TryGetProperty("commit", out var commit) && commit.ValueKind == JsonValueKind.String ? Cid.Parse(commit.GetString()!) : null,
                p.GetProperty("check").GetString()!, p.GetProperty("detail").GetString()!));
        return new VerifyReport(json.GetProperty("ok").GetBoolean(), json.GetProperty("commits").GetInt64(), problems);
    }

    public static SyncResult SyncResult(JsonElement json)
    {
        var clock = new Clocks.VersionVector();
        if (json.TryGetProperty("clock", out var entries))
            foreach (var entry in entries.EnumerateObject()) clock.Set(entry.Name, entry.Value.GetInt64());
        return new SyncResult(json.GetProperty("peer").GetString()!, json.GetProperty("applied").GetInt64(), json.GetProperty("sent").GetInt64(),
            json.GetProperty("skipped").GetInt64(), json.GetProperty("bytesSent").GetInt64(), json.GetProperty("bytesReceived").GetInt64(),
            json.GetProperty("position").GetInt64(), clock, TimeSpan.FromMilliseconds(json.GetProperty("elapsedMs").GetInt64()));
    }

    public static PeerStatus PeerStatus(JsonElement json)
    {
        string direction = json.GetProperty("direction").GetString()!, mode = json.GetProperty("mode").GetString()!;
        if (!SyncJson.TryParseDirection(direction, out var syncDirection) || !SyncJson.TryParseMode(mode, out var syncMode))
            throw new CausewayException(ErrorCodes.Internal, $"The server sent a peer with direction '{Names.Clip(direction)}' and mode '{Names.Clip(mode)}'.");
        return new PeerStatus(json.GetProperty("id").GetString()!, json.GetProperty("remote").GetString()!, OptionalString(json, "peerDid"),
            json.GetProperty("role").GetString()!, syncDirection, syncMode, json.GetProperty("state").GetString()!,
            json.GetProperty("ahead").GetInt64(), json.GetProperty("behind").GetInt64(), json.GetProperty("sent").GetInt64(), json.GetProperty("applied").GetInt64(),
            json.GetProperty("attempts").GetInt32(), Time(json, "since"), OptionalString(json, "lastError"));
    }

    private static string? OptionalString(JsonElement json, string name)
        => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IReadOnlyList<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static Cid ReadCid(JsonElement json, string name) => Cid.Parse(json.GetProperty(name).GetString()!);

    private static DateTimeOffset Time(JsonElement json, string name)
    {
        string text = json.GetProperty(name).GetString()!;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CausewayException(ErrorCodes.Internal, $"The server sent '{Names.Clip(text)}' as '{name}', which is not an RFC 3339 time.");
    }
}

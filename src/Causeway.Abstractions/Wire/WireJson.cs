using System.Globalization;
using System.Text.Json;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>The pieces every answer is made of (CIDs, times, clocks, lists of names), written one way
/// and read back strictly: a member that is missing or of the wrong type is a <see cref="FormatException"/>
/// naming it, which <c>Causeway.Client</c> reports as the server's fault (internal).</summary>
internal static class WireJson
{
    // ---- out ----

    public static void WriteCid(Utf8JsonWriter w, string name, Cid? cid)
    {
        if (cid is { } c)
        {
            Span<char> chars = stackalloc char[c.TextLength];
            w.WriteString(name, chars[..c.Format(chars)]);
        }
        else w.WriteNull(name);
    }

    public static void WriteNullableString(Utf8JsonWriter w, string name, string? text)
    {
        if (text is null) w.WriteNull(name);
        else w.WriteString(name, text);
    }

    public static void WriteNullableNumber(Utf8JsonWriter w, string name, long? number)
    {
        if (number is { } n) w.WriteNumber(name, n);
        else w.WriteNull(name);
    }

    public static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset time)
    {
        Span<char> chars = stackalloc char[ValueJson.TimeLength];
        ValueJson.FormatTime(time, chars);
        w.WriteString(name, chars);
    }

    public static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items) => WriteArray(w, name, items, (w, item) => w.WriteStringValue(item));

    /// <summary>Writes <c>name: [ item, .. ]</c>.</summary>
    public static void WriteArray<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items) write(w, item);
        w.WriteEndArray();
    }

    /// <summary>Starts an answer's object, naming the <paramref name="database"/> it is about when the
    /// answer does not come from that database's URL (the CLI's lines, a replicate's answer).</summary>
    public static void WriteStartObject(Utf8JsonWriter w, string? database)
    {
        w.WriteStartObject();
        if (database is not null) w.WriteString("database", database);
    }

    /// <summary>Where a commit stands, as a change and a document version both say it: <c>position, commit, origin, time</c>.</summary>
    public static void WriteCommitPlace(Utf8JsonWriter w, long position, Cid commit, string origin, DateTimeOffset time)
    {
        w.WriteNumber("position", position);
        w.WriteString("commit", commit.ToString());
        w.WriteString("origin", origin);
        WriteTime(w, "time", time);
    }

    public static (long Position, Cid Commit, string Origin, DateTimeOffset Time) ReadCommitPlace(JsonElement json)
        => (Long(json, "position"), Cid(json, "commit"), String(json, "origin"), Time(json, "time"));

    /// <summary>A version vector as <c>{ DID: seq, .. }</c>.</summary>
    public static void WriteClock(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, long>> clock)
    {
        w.WriteStartObject(name);
        foreach (var (origin, seq) in clock) w.WriteNumber(origin, seq);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>{ name: [ item, .. ] }</c>, the wrapper of every list answer.</summary>
    public static void WriteList<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartObject();
        WriteArray(w, name, items, write);
        w.WriteEndObject();
    }

    // ---- in ----

    public static JsonElement Member(JsonElement json, string name)
    {
        if (json.ValueKind != JsonValueKind.Object) throw new FormatException($"Expected an object with '{name}', found {Kind(json)}.");
        return json.TryGetProperty(name, out var value) ? value : throw new FormatException($"'{name}' is missing.");
    }

    /// <summary>The member, or null when it is absent or JSON null.</summary>
    public static JsonElement? Optional(JsonElement json, string name)
    {
        if (json.ValueKind != JsonValueKind.Object) throw new FormatException($"Expected an object with '{name}', found {Kind(json)}.");
        return json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public static string String(JsonElement json, string name) => AsString(Member(json, name), name);

    public static string? NullableString(JsonElement json, string name) => Optional(json, name) is { } value ? AsString(value, name) : null;

    public static long Long(JsonElement json, string name) => AsLong(Member(json, name), name);

    public static long? NullableLong(JsonElement json, string name) => Optional(json, name) is { } value ? AsLong(value, name) : null;

    public static int Int(JsonElement json, string name)
    {
        long value = Long(json, name);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new FormatException($"'{name}' is out of range: {value}.");
    }

    public static bool Bool(JsonElement json, string name) => Member(json, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var other => throw new FormatException($"'{name}' must be true or false, not {Kind(other)}."),
    };

    public static Cid Cid(JsonElement json, string name) => AsCid(String(json, name), name);

    public static Cid? NullableCid(JsonElement json, string name) => NullableString(json, name) is { } text ? AsCid(text, name) : null;

    public static DateTimeOffset Time(JsonElement json, string name)
    {
        string text = String(json, name);
        return text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"'{name}' is '{Documents.Names.Clip(text)}', not an RFC 3339 time.");
    }

    public static JsonElement Array(JsonElement json, string name)
    {
        var array = Member(json, name);
        return array.ValueKind == JsonValueKind.Array ? array : throw new FormatException($"'{name}' must be an array, not {Kind(array)}.");
    }

    public static IReadOnlyList<string> Strings(JsonElement json, string name) => [.. Array(json, name).EnumerateArray().Select(item => AsString(item, name))];

    public static IReadOnlyList<Cid> Cids(JsonElement json, string name) => [.. Array(json, name).EnumerateArray().Select(item => AsCid(AsString(item, name), name))];

    public static IReadOnlyList<T> Items<T>(JsonElement json, string name, Func<JsonElement, T> read) => [.. Array(json, name).EnumerateArray().Select(read)];

    /// <summary>A <c>{ DID: seq, .. }</c> object, in the order written.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> Clock(JsonElement json, string name)
    {
        var clock = Member(json, name);
        if (clock.ValueKind != JsonValueKind.Object) throw new FormatException($"'{name}' must be an object of DID → sequence, not {Kind(clock)}.");
        return [.. clock.EnumerateObject().Select(entry => new KeyValuePair<string, long>(entry.Name, AsLong(entry.Value, $"{name}.{entry.Name}")))];
    }

    private static string AsString(JsonElement value, string name)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"'{name}' must be a string, not {Kind(value)}.");

    private static long AsLong(JsonElement value, string name)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : throw new FormatException($"'{name}' must be a whole number, not {Kind(value)}.");

    private static Cid AsCid(string text, string name)
        => Encoding.Cid.TryParse(text, out var cid) ? cid : throw new FormatException($"'{name}' is '{Documents.Names.Clip(text)}', not a CID.");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

using System.Text.Json;
using Causeway.Queries;

namespace Causeway.Wire;

/// <summary>One event of a live query (<c>POST /v1/dbs/{db}/query?live=true</c>): <c>{ "kind": "snapshot" |
/// "delta", "position", "commit", "origin", "local", "entered": [ DOCUMENT, .. ], "changed": [ DOCUMENT, .. ],
/// "left": [ id, .. ] }</c>, each document as <see cref="DocumentJson"/>. It is the data of each server-sent
/// event (named by <see cref="EventName"/>, with the position as its id), and a line of
/// <c>causeway query --live</c>. A subscription that ends with an error sends <see cref="ErrorEvent"/>
/// with a problem (<see cref="ApiProblemJson"/>) as its data.</summary>
public static class LiveQueryEventJson
{
    /// <summary>The SSE event type of a snapshot.</summary>
    public const string SnapshotEvent = "snapshot";

    /// <summary>The SSE event type of a delta.</summary>
    public const string DeltaEvent = "delta";

    /// <summary>The SSE event type of the error that ends a subscription (data: problem+json).</summary>
    public const string ErrorEvent = "error";

    /// <summary>The SSE event type (and the <c>kind</c>) of an event of this kind.</summary>
    public static string EventName(LiveQueryEventKind kind) => kind == LiveQueryEventKind.Snapshot ? SnapshotEvent : DeltaEvent;

    public static void Write(Utf8JsonWriter w, LiveQueryEvent e) => Write(w, e, typed: true);

    /// <summary>With the documents' values typed or, when <paramref name="typed"/> is false, plain (<c>?values=plain</c>).</summary>
    public static void Write(Utf8JsonWriter w, LiveQueryEvent e, bool typed)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        w.WriteStartObject();
        w.WriteString("kind", EventName(e.Kind));
        w.WriteNumber("position", e.Position);
        WireJson.WriteCid(w, "commit", e.Commit);
        WireJson.WriteNullableString(w, "origin", e.Origin);
        w.WriteBoolean("local", e.Local);
        WireJson.WriteArray(w, "entered", e.Entered, (w, document) => DocumentJson.Write(w, document, typed));
        WireJson.WriteArray(w, "changed", e.Changed, (w, document) => DocumentJson.Write(w, document, typed));
        WireJson.WriteStrings(w, "left", e.Left);
        w.WriteEndObject();
    }

    public static LiveQueryEvent Read(JsonElement json)
    {
        var kind = WireJson.String(json, "kind") switch
        {
            SnapshotEvent => LiveQueryEventKind.Snapshot,
            DeltaEvent => LiveQueryEventKind.Delta,
            var other => throw new FormatException($"'kind' is '{other}', not '{SnapshotEvent}' or '{DeltaEvent}'."),
        };
        WireJson.Member(json, "commit");
        WireJson.Member(json, "origin");
        return new LiveQueryEvent(kind, WireJson.Long(json, "position"), WireJson.NullableCid(json, "commit"), WireJson.NullableString(json, "origin"),
            WireJson.Bool(json, "local"), WireJson.Items(json, "entered", DocumentJson.Read), WireJson.Items(json, "changed", DocumentJson.Read),
            WireJson.Strings(json, "left"));
    }

    /// <summary>One event as UTF-8 JSON, for an SSE data line.</summary>
    public static byte[] ToUtf8(LiveQueryEvent e, bool typed, JsonWriterOptions options = default)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options)) Write(writer, e, typed);
        return stream.ToArray();
    }
}

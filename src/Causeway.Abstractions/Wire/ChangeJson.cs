using System.Text.Json;
using Causeway.Transactions;

namespace Causeway.Wire;

/// <summary>One entry of the changes feed: <c>{ position, commit, origin, time, docs: [ { collection,
/// id, deleted }, .. ] }</c>. It is an item of a page (<see cref="ChangesPageJson"/>), the data of
/// each server-sent event (<see cref="EventName"/>, with the position as its id), and a line of
/// <c>causeway changes</c>.</summary>
public static class ChangeJson
{
    /// <summary>The SSE event type of a change on <c>?feed=sse</c>.</summary>
    public const string EventName = "change";

    public static void Write(Utf8JsonWriter w, Change change)
    {
        w.WriteStartObject();
        WireJson.WriteCommitPlace(w, change.Position, change.Commit, change.Origin, change.Time);
        WireJson.WriteArray(w, "docs", change.Documents, (w, doc) =>
        {
            w.WriteStartObject();
            w.WriteString("collection", doc.Collection);
            w.WriteString("id", doc.Id);
            w.WriteBoolean("deleted", doc.Deleted);
            w.WriteEndObject();
        });
        w.WriteEndObject();
    }

    public static Change Read(JsonElement json)
    {
        var (position, commit, origin, time) = WireJson.ReadCommitPlace(json);
        return new(position, commit, origin, time,
            WireJson.Items(json, "docs", doc => new ChangedDocument(WireJson.String(doc, "collection"), WireJson.String(doc, "id"), WireJson.Bool(doc, "deleted"))));
    }

    /// <summary>One change as UTF-8 JSON, for an SSE data line.</summary>
    public static byte[] ToUtf8(Change change, JsonWriterOptions options = default)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options)) Write(writer, change);
        return stream.ToArray();
    }
}

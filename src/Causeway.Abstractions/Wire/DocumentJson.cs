using System.Text.Json;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>A document as read (docs/api.md): its fields plus <c>_id</c>, <c>_collection</c> and
/// <c>_meta: { commit, position, updatedAt, origin }</c>. Fields are written typed by default
/// (<c>{"$decimal"}</c>, <c>{"$time"}</c>, <c>{"$bytes"}</c>, doubles with a fraction), so they read
/// back as the same kinds and the answer can be written back as it is; <c>typed: false</c> is
/// <c>?values=plain</c> (<see cref="ValueJson.Write"/>).</summary>
public static class DocumentJson
{
    public static void Write(Utf8JsonWriter w, Document document) => Write(w, document, typed: true);

    public static void Write(Utf8JsonWriter w, Document document, bool typed)
    {
        w.WriteStartObject();
        w.WriteString("_id", document.Id);
        w.WriteString("_collection", document.Collection);
        w.WriteStartObject("_meta");
        WireJson.WriteCid(w, "commit", document.Commit);
        w.WriteNumber("position", document.Position);
        WireJson.WriteTime(w, "updatedAt", document.UpdatedAt);
        w.WriteString("origin", document.Origin);
        w.WriteEndObject();
        foreach (var (key, value) in document.Fields.AsMap())
        {
            w.WritePropertyName(key);
            ValueJson.Write(w, value, typed);
        }
        w.WriteEndObject();
    }

    public static Document Read(JsonElement json)
    {
        var meta = WireJson.Member(json, "_meta");
        var fields = new List<KeyValuePair<string, Value>>();
        foreach (var member in json.EnumerateObject())
            if (member.Name is not ("_id" or "_collection" or "_meta"))
                fields.Add(new(member.Name, ValueJson.FromElement(member.Value)));
        return Document.Create(WireJson.String(json, "_collection"), WireJson.String(json, "_id"), Value.Map(fields), WireJson.NullableCid(meta, "commit"),
            WireJson.Long(meta, "position"), WireJson.Time(meta, "updatedAt"), WireJson.String(meta, "origin"));
    }
}

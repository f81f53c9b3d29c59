using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET …/docs/{coll}/{id}/history</c>: <c>{ "versions": [ VERSION, .. ] }</c>,
/// oldest first, each as <see cref="DocumentVersionJson"/>.</summary>
public static class DocumentHistoryJson
{
    public static void Write(Utf8JsonWriter w, IEnumerable<DocumentVersion> versions) => Write(w, versions, typed: true);

    /// <summary>With the changes' values typed or, when <paramref name="typed"/> is false, plain (<c>?values=plain</c>).</summary>
    public static void Write(Utf8JsonWriter w, IEnumerable<DocumentVersion> versions, bool typed)
        => WireJson.WriteList(w, "versions", versions, (w, version) => DocumentVersionJson.Write(w, version, typed));

    public static IReadOnlyList<DocumentVersion> Read(JsonElement json) => WireJson.Items(json, "versions", DocumentVersionJson.Read);
}

using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET …/docs/{coll}/{id}/history</c>: <c>{ "versions": [ VERSION, .. ] }</c>,
/// oldest first, each as <see cref="DocumentVersionJson"/>.</summary>
public static class DocumentHistoryJson
{
    public static void Write(Utf8JsonWriter w, IEnumerable<DocumentVersion> versions) => WireJson.WriteList(w, "versions", versions, DocumentVersionJson.Write);

    public static IReadOnlyList<DocumentVersion> Read(JsonElement json) => WireJson.Items(json, "versions", DocumentVersionJson.Read);
}

using System.Text.Json;
using Causeway.Queries;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/dbs/{db}/query</c>: <c>{ "docs": [ DOCUMENT, .. ], "next": CURSOR or null }</c>,
/// each document as <see cref="DocumentJson"/>. <see cref="QueryResult.Position"/> (the snapshot the
/// query read at) is not part of docs/api.md's answer: a page read from JSON has position -1.</summary>
public static class QueryResultJson
{
    /// <summary>The position of a page read from JSON, which does not carry it.</summary>
    public const long UnknownPosition = -1;

    public static void Write(Utf8JsonWriter w, QueryResult result) => Write(w, result, typed: true);

    /// <summary>With the documents' values typed or, when <paramref name="typed"/> is false, plain (<c>?values=plain</c>).</summary>
    public static void Write(Utf8JsonWriter w, QueryResult result, bool typed)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        WireJson.WriteArray(w, "docs", result.Documents, (w, document) => DocumentJson.Write(w, document, typed));
        WireJson.WriteNullableString(w, "next", result.Next);
        w.WriteEndObject();
    }

    public static QueryResult Read(JsonElement json)
    {
        WireJson.Member(json, "next");
        return new QueryResult(WireJson.Items(json, "docs", DocumentJson.Read), WireJson.NullableString(json, "next"), UnknownPosition);
    }
}

using System.Text.Json;
using Causeway.Queries;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/dbs/{db}/query</c>: <c>{ "docs": [ DOCUMENT, .. ], "next": CURSOR or null,
/// "position": P }</c>, each document as <see cref="DocumentJson"/>, and <c>"plan"</c> (<see cref="QueryPlanJson"/>)
/// when the query was asked to explain itself. A page from a server that leaves out the position has position -1.</summary>
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
        if (result.Position >= 0) w.WriteNumber("position", result.Position);
        if (result.Plan is { } plan)
        {
            w.WritePropertyName("plan");
            QueryPlanJson.Write(w, plan);
        }
        w.WriteEndObject();
    }

    public static QueryResult Read(JsonElement json)
    {
        WireJson.Member(json, "next");
        return new QueryResult(WireJson.Items(json, "docs", DocumentJson.Read), WireJson.NullableString(json, "next"), WireJson.NullableLong(json, "position") ?? UnknownPosition)
        {
            Plan = WireJson.Optional(json, "plan") is { ValueKind: not JsonValueKind.Null } plan ? QueryPlanJson.Read(plan) : null,
        };
    }
}

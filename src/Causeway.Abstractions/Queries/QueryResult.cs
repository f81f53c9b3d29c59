using System.Text.Json;

namespace Causeway.Queries;

/// <summary>One page of a query's result.</summary>
/// <param name="Documents">The matching documents of this page, in the query's order.</param>
/// <param name="Next">The cursor for the next page (<see cref="Query.After"/>), or null when this is the last page.</param>
/// <param name="Position">The snapshot position the query read at; every page of one walk reads at the same one.</param>
public sealed record QueryResult(IReadOnlyList<Document> Documents, string? Next, long Position)
{
    /// <summary>How the query ran, when it was asked to explain itself; null otherwise.</summary>
    public QueryPlan? Plan { get; init; }

    /// <summary>Writes docs/api.md's answer: <c>{ "docs": [..], "next": CURSOR or null }</c> (<see cref="Wire.QueryResultJson"/>).</summary>
    public void WriteJson(Utf8JsonWriter writer) => Wire.QueryResultJson.Write(writer, this);
}

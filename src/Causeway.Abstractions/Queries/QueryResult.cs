using System.Text.Json;

namespace Causeway.Queries;

/// <summary>One page of a query's result.</summary>
/// <param name="Documents">The matching documents of this page, in the query's order.</param>
/// <param name="Next">The cursor for the next page (<see cref="Query.After"/>), or null when this is the last page.</param>
/// <param name="Position">The snapshot position the query read at; every page of one walk reads at the same one.</param>
public sealed record QueryResult(IReadOnlyList<Document> Documents, string? Next, long Position)
{
    private string? _next = Next;

    // The engine's cursor is encoded when first read: hashing the query and encoding the cursor cost
    // a tenth of a short query, whose caller often wants only the documents.
    private Func<string>? _encodeNext;

    /// <summary>A page whose cursor <paramref name="encodeNext"/> writes when <see cref="Next"/> is first read.</summary>
    internal static QueryResult WithNextWhenRead(IReadOnlyList<Document> documents, Func<string> encodeNext, long position, QueryPlan? plan)
        => new(documents, (string?)null, position) { _encodeNext = encodeNext, Plan = plan };

    /// <summary>The cursor for the next page (<see cref="Query.After"/>), or null when this is the last page.</summary>
    public string? Next
    {
        get
        {
            if (_encodeNext is { } encode)
            {
                _next = encode();
                _encodeNext = null;
            }
            return _next;
        }
        init
        {
            _next = value;
            _encodeNext = null;
        }
    }

    /// <summary>Whether another page follows, without encoding its cursor.</summary>
    internal bool HasNext => _encodeNext is not null || _next is not null;

    public bool Equals(QueryResult? other)
        => other is not null && EqualityComparer<IReadOnlyList<Document>>.Default.Equals(Documents, other.Documents) && Next == other.Next && Position == other.Position && Equals(Plan, other.Plan);

    public override int GetHashCode() => HashCode.Combine(Documents, Next, Position, Plan);

    /// <summary>How the query ran, when it was asked to explain itself; null otherwise.</summary>
    public QueryPlan? Plan { get; init; }

    /// <summary>Writes docs/api.md's answer: <c>{ "docs": [..], "next": CURSOR or null }</c> (<see cref="Wire.QueryResultJson"/>).</summary>
    public void WriteJson(Utf8JsonWriter writer) => Wire.QueryResultJson.Write(writer, this);
}

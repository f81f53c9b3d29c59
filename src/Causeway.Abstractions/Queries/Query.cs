using System.Collections.Immutable;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;

namespace Causeway.Queries;

/// <summary>A query over one collection: a filter, an order, a page size, a cursor and a read
/// point (docs/api.md, QUERY; semantics in docs/queries.md). Immutable: every builder method returns a
/// new query.
/// <code>
/// var page = await db.QueryAsync(Query.In("orders")
///     .Where(Pred.Eq("status", Value.String("paid")) &amp; Pred.Gt("total", Value.Int(10)))
///     .OrderBy("total", desc: true)
///     .Take(20));
/// var next = await db.QueryAsync(query.After(page.Next));
/// </code></summary>
public sealed class Query
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The deepest a predicate may nest (see <see cref="Predicate.Depth"/>).</summary>
    public const int MaxDepth = 32;

    /// <summary>The most conditions a filter may hold: every predicate counts one, and every value of an <c>in</c> one more.</summary>
    public const int MaxConditions = 10_000;

    /// <summary>How deeply the JSON text given to <see cref="Parse"/> may nest.</summary>
    public const int MaxJsonDepth = 1024;

    private readonly ImmutableArray<SortKey> _sort;

    private Query(string collection, Predicate? filter, ImmutableArray<SortKey> sort, int limit, string? cursor, ReadPoint? readAt)
    {
        Collection = collection;
        Filter = filter;
        _sort = sort;
        Limit = limit;
        Cursor = cursor;
        ReadAt = readAt;
    }

    public string Collection { get; }

    /// <summary>The condition documents must meet; null matches every document.</summary>
    public Predicate? Filter { get; }

    /// <summary>The sort keys, most significant first; <c>_id</c> ascending always breaks the remaining ties.</summary>
    public IReadOnlyList<SortKey> Sort => _sort;

    /// <summary>The most documents one page holds (1 to <see cref="MaxLimit"/>).</summary>
    public int Limit { get; }

    /// <summary>Where the page starts: the <see cref="QueryResult.Next"/> of the previous page, or null for the first.</summary>
    public string? Cursor { get; }

    /// <summary>The point in history to read at (latest when null). A cursor's own position overrides it.</summary>
    public ReadPoint? ReadAt { get; }

    /// <summary>A query of every document in <paramref name="collection"/>, by id, <see cref="DefaultLimit"/> at a time.</summary>
    public static Query In(string collection) => new(Names.Collection(collection), null, [], DefaultLimit, null, null);

    /// <summary>Adds a condition; calling it again requires both (and).</summary>
    public Query Where(Predicate predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var filter = Filter is null ? predicate : Pred.And(Filter, predicate);
        CheckDepth(filter);
        return new(Collection, filter, _sort, Limit, Cursor, ReadAt);
    }

    /// <summary>Orders by <paramref name="path"/>, replacing any earlier order; add more keys with <see cref="ThenBy"/>.</summary>
    public Query OrderBy(string path, bool desc = false)
        => new(Collection, Filter, [new SortKey(QueryPath.Parse(path), desc)], Limit, Cursor, ReadAt);

    /// <summary>Adds a sort key that orders documents the earlier keys leave tied.</summary>
    public Query ThenBy(string path, bool desc = false)
        => new(Collection, Filter, _sort.Add(new SortKey(QueryPath.Parse(path), desc)), Limit, Cursor, ReadAt);

    /// <summary>At most <paramref name="limit"/> documents per page (1 to <see cref="MaxLimit"/>; invalid_value otherwise).</summary>
    public Query Take(int limit) => new(Collection, Filter, _sort, CheckLimit(limit), Cursor, ReadAt);

    /// <summary>Continues after the page that returned <paramref name="cursor"/> (null: start at the first page).</summary>
    public Query After(string? cursor) => new(Collection, Filter, _sort, Limit, cursor, ReadAt);

    /// <summary>Reads as of <paramref name="at"/> (null: the latest state).</summary>
    public Query At(ReadPoint? at) => new(Collection, Filter, _sort, Limit, Cursor, at);

    /// <summary>Parses docs/api.md's QUERY object. Anything malformed is an <see cref="InvalidInputException"/>
    /// (invalid_op, invalid_path, invalid_value, invalid_name, invalid_cursor or invalid_at).</summary>
    public static Query FromJson(JsonElement json)
    {
        try { return QueryJsonReader.Read(json); }
        catch (InvalidOperationException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, "The query holds a string that is not valid UTF-8 or UTF-16.", e); }
    }

    /// <summary>Writes the query in docs/api.md's QUERY form (what <see cref="FromJson"/> reads).</summary>
    public void WriteJson(Utf8JsonWriter writer) => QueryJsonWriter.Write(writer, this);

    /// <summary>Parses QUERY from JSON text (invalid_json when it is not JSON, or nests deeper than
    /// <see cref="MaxJsonDepth"/> levels).</summary>
    public static Query Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidJson, $"Malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}.", e);
        }
        using (document) return FromJson(document.RootElement);
    }

    internal static Query Create(string collection, Predicate? filter, IEnumerable<SortKey> sort, int limit, string? cursor, ReadPoint? readAt)
    {
        if (filter is not null) CheckSize(filter);
        return new(collection, filter, [.. sort], limit, cursor, readAt);
    }

    private static int CheckLimit(int limit) => limit is >= 1 and <= MaxLimit ? limit
        : throw new InvalidInputException(ErrorCodes.InvalidValue, $"A query's limit is from 1 to {MaxLimit}; got {limit}.");

    private static void CheckSize(Predicate filter)
    {
        int conditions = Conditions(filter);
        if (conditions > MaxConditions)
            throw new InvalidInputException(ErrorCodes.InvalidOp, $"The filter holds {conditions:N0} conditions (predicates and 'in' values); at most {MaxConditions:N0} are allowed.");
    }

    private static int Conditions(Predicate predicate) => predicate switch
    {
        InPredicate i => 1 + i.Values.Count,
        JunctionPredicate j => 1 + j.Operands.Sum(Conditions),
        NotPredicate n => 1 + Conditions(n.Operand),
        _ => 1,
    };

    private static void CheckDepth(Predicate filter)
    {
        CheckSize(filter);
        if (filter.Depth > MaxDepth)
            throw new InvalidInputException(ErrorCodes.InvalidOp, $"The predicate nests {filter.Depth} levels deep; at most {MaxDepth} are allowed.");
    }

    public override string ToString()
        => $"{Collection}{(Filter is null ? "" : $" where {Filter}")}{(Sort.Count == 0 ? "" : $" order by {string.Join(", ", Sort)}")} limit {Limit}";
}

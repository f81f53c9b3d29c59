using Causeway.Transactions;
using Causeway.Errors;

namespace Causeway.Queries;

/// <summary>Runs a query at one snapshot position: every live document of the collection as of
/// that position, filtered, put in the query's order, cut after the cursor and to the limit.
/// No index yet: it reads the whole collection.</summary>
internal static class QueryExecutor
{
    public static QueryResult Run(StoredDatabase database, Query query, CancellationToken cancellation)
    {
        var fingerprint = QueryFingerprint.Compute(database.Name, query);
        var order = new SortOrder(query.Sort);
        var cursor = query.Cursor is null ? null : QueryCursor.Decode(query.Cursor, fingerprint, order.KeyCount);

        long position;
        if (cursor is null) position = database.ResolvePosition(query.ReadAt);
        else
        {
            position = cursor.Position;
            if (position > database.Position)
                throw new InvalidInputException(ErrorCodes.InvalidCursor, $"The cursor reads at position {position}, but database '{database.Name}' is at {database.Position}; it was made elsewhere.");
        }

        // One more than the limit tells whether another page follows.
        var top = new TopK<(Document Document, SortPosition Sort)>(query.Limit + 1, Comparer<(Document Document, SortPosition Sort)>.Create((a, b) => order.Compare(a.Sort, b.Sort)));
        int scanned = 0;
        foreach (var document in database.DocumentsAt(query.Collection, position, IdConfinement.Of(query.Filter)))
        {
            if ((++scanned & 255) == 0) cancellation.ThrowIfCancellationRequested();
            if (query.Filter is not null && !PredicateEvaluator.Matches(query.Filter, document)) continue;
            var sort = order.PositionOf(document);
            if (cursor is not null && order.Compare(sort, cursor.After) <= 0) continue;
            top.Add((document, sort));
        }
        cancellation.ThrowIfCancellationRequested();

        var rows = top.ToSortedList();
        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new QueryCursor(position, fingerprint, rows[^1].Sort).Encode();
        }
        return new QueryResult([.. rows.Select(r => r.Document)], next, position);
    }
}

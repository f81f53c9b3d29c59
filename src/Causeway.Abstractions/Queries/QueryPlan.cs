namespace Causeway.Queries;

/// <summary>How a query ran (<c>?explain=true</c>, docs/queries.md "Explain").</summary>
/// <param name="Access">"index" (candidates from the path index), "ids" (the ids the filter names,
/// read directly) or "scan" (every document of the collection).</param>
/// <param name="Ranges">The index ranges read, e.g. <c>status = "paid"</c> or <c>price ≥ 10 and &lt; 20</c>.</param>
/// <param name="Order">How the order came about: "id" (candidates came in id order), "index walk on
/// PATH" (the sort path's index walked in order, stopping early), or "sorted" (every match ranked).</param>
/// <param name="Fallback">Why the query scanned, or read more than its ranges; null when it did not.</param>
/// <param name="EstimatedRows">The planner's estimate of the candidates (null when it made none).</param>
/// <param name="ExaminedRows">Documents read and checked against the filter.</param>
/// <param name="IndexKeysRead">Index keys stepped over.</param>
/// <param name="ReturnedRows">Documents in the page.</param>
/// <summary>How many documents match a query, and the position they were counted at.</summary>
public sealed record QueryCount(long Count, long Position);

public sealed record QueryPlan(string Access, IReadOnlyList<string> Ranges, string Order, string? Fallback, long? EstimatedRows, long ExaminedRows, long IndexKeysRead, int ReturnedRows);

namespace Causeway.Queries;

/// <summary>The order of a query that names none (docs/queries.md, "Order"). A filter that is only a
/// range or a prefix of one path (<c>lt</c>, <c>lte</c>, <c>gt</c>, <c>gte</c>, <c>prefix</c>, alone or
/// in an <c>and</c> on that same path) comes in that path's order, then by id: the path's index holds
/// the matches in that order, so a page is its first entries, as in SQL databases. Collecting every
/// match of a wide range to hand back the smallest ids would cost a step per match. Any other query
/// comes in id order. The rule reads the query alone, so every page, replica and live window of
/// one query agrees on it.</summary>
internal static class DefaultOrder
{
    /// <summary>The query with its order made explicit when the rule gives it one; otherwise itself.</summary>
    public static Query Apply(Query query)
        => query.Sort.Count == 0 && RangedPath(query.Filter) is { } path
            ? Query.Create(query.Collection, query.Filter, [new SortKey(path)], query.Limit, query.Cursor, query.ReadAt)
            : query;

    private static QueryPath? RangedPath(Predicate? filter) => filter switch
    {
        AndPredicate { Operands.Count: > 0 } and => and.Operands.Select(RangedPath).ToList() is var paths
            && paths.All(p => p is not null && p.Text == paths[0]!.Text) ? paths[0] : null,
        _ => Ranged(filter) ? ((FieldPredicate)filter!).Path : null,
    };

    private static bool Ranged(Predicate? filter) => filter switch
    {
        ComparisonPredicate { Path.IsId: false, Operator: ComparisonOperator.Lt or ComparisonOperator.Lte or ComparisonOperator.Gt or ComparisonOperator.Gte } => true,
        PrefixPredicate { Path.IsId: false } => true,
        _ => false,
    };
}

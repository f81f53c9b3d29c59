using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Decides whether a document meets a predicate (docs/queries.md, Semantics).</summary>
internal static class PredicateEvaluator
{
    public static bool Matches(Predicate predicate, Document document) => predicate switch
    {
        ComparisonPredicate c => Compare(c.Operator, c.Path.Read(document), c.Operand),
        InPredicate i => i.Path.Read(document) is { } value && i.Values.Any(v => QueryValueComparer.Equal(value, v)),
        PrefixPredicate p => p.Path.Read(document) is { Kind: ValueKind.String } text && text.AsString().StartsWith(p.Prefix, StringComparison.Ordinal),
        ContainsPredicate c => c.Path.Read(document) is { Kind: ValueKind.Array } array && array.AsArray().Any(v => QueryValueComparer.Equal(v, c.Element)),
        ExistsPredicate e => (e.Path.Read(document) is not null) == e.Exists,
        AndPredicate a => a.Operands.All(o => Matches(o, document)),
        OrPredicate o => o.Operands.Any(p => Matches(p, document)),
        NotPredicate n => !Matches(n.Operand, document),
        _ => throw new InvalidOperationException($"Unknown predicate {predicate.GetType().Name}."),
    };

    /// <summary><paramref name="field"/> is null when the document lacks the field.</summary>
    private static bool Compare(ComparisonOperator op, Value? field, Value operand)
    {
        if (op == ComparisonOperator.Ne) return field is null || !QueryValueComparer.Equal(field, operand);
        if (field is null || !QueryValueComparer.Comparable(field, operand)) return false;
        int c = QueryValueComparer.CompareValues(field, operand);
        return op switch
        {
            ComparisonOperator.Eq => c == 0,
            ComparisonOperator.Lt => c < 0,
            ComparisonOperator.Lte => c <= 0,
            ComparisonOperator.Gt => c > 0,
            _ => c >= 0,
        };
    }
}

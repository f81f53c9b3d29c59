using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Decides whether a document meets a predicate (docs/queries.md, Semantics).</summary>
internal static class PredicateEvaluator
{
    // Indexed loops, not LINQ: a lambda over the document made a closure on every call, and every candidate
    // of every query and live subscription is checked here.
    public static bool Matches(Predicate predicate, Document document)
    {
        switch (predicate)
        {
            case ComparisonPredicate c:
                return Compare(c.Operator, c.Path.Read(document), c.Operand);
            case InPredicate i:
                if (i.Path.Read(document) is not { } value) return false;
                for (int k = 0; k < i.Values.Count; k++)
                    if (QueryValueComparer.Equal(value, i.Values[k])) return true;
                return false;
            case PrefixPredicate p:
                return p.Path.Read(document) is { Kind: ValueKind.String } text && text.AsString().StartsWith(p.Prefix, StringComparison.Ordinal);
            case ContainsPredicate c:
                if (c.Path.Read(document) is not { Kind: ValueKind.Array } array) return false;
                var elements = array.AsArray();
                for (int k = 0; k < elements.Count; k++)
                    if (QueryValueComparer.Equal(elements[k], c.Element)) return true;
                return false;
            case ExistsPredicate e:
                return (e.Path.Read(document) is not null) == e.Exists;
            case AndPredicate a:
                for (int k = 0; k < a.Operands.Count; k++)
                    if (!Matches(a.Operands[k], document)) return false;
                return true;
            case OrPredicate o:
                for (int k = 0; k < o.Operands.Count; k++)
                    if (Matches(o.Operands[k], document)) return true;
                return false;
            case NotPredicate n:
                return !Matches(n.Operand, document);
            default:
                throw new InvalidOperationException($"Unknown predicate {predicate.GetType().Name}.");
        }
    }

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

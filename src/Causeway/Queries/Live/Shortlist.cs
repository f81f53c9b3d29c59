using Causeway.Values;

namespace Causeway.Queries.Live;

/// <summary>A value as the shortlist of live queries hashes it: a string, a boolean, null, or a whole
/// number below 2^53 in magnitude (an int, or a double or decimal with no fraction). Two values with
/// the same key may still differ; two values a query's <c>eq</c> finds equal always have the same key,
/// so a bucket holds every subscription a document can match (docs/queries.md, Live queries).</summary>
internal readonly record struct ShortlistKey(byte Rank, long Number, string? Text)
{
    private const long Exact = 1L << 53;

    /// <summary>The key of an <c>eq</c> operand, or null when the operand is not kept in a bucket (a
    /// double, a decimal or a number beyond 2^53, which compare through double precision, and the
    /// other ranks): such a subscription is evaluated on every change of its collection.</summary>
    public static ShortlistKey? OfOperand(Value operand) => operand.Kind switch
    {
        ValueKind.String => new ShortlistKey(3, 0, operand.AsString()),
        ValueKind.Bool => new ShortlistKey(1, operand.AsBool() ? 1 : 0, null),
        ValueKind.Null => new ShortlistKey(0, 0, null),
        ValueKind.Int when Math.Abs(operand.AsInt()) < Exact => new ShortlistKey(2, operand.AsInt(), null),
        _ => null,
    };

    /// <summary>The key under which a document's field value finds the operands it can equal; null
    /// when it can equal no keyed operand (a number with a fraction, a map, …).</summary>
    public static ShortlistKey? OfField(Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.String or ValueKind.Bool or ValueKind.Null:
                return OfOperand(value);
            case ValueKind.Int:
                return Math.Abs(value.AsInt()) < Exact ? new ShortlistKey(2, value.AsInt(), null) : null;
            case ValueKind.Double:
                double d = value.AsDouble();
                return Math.Abs(d) < Exact && Math.Floor(d) == d ? new ShortlistKey(2, (long)d, null) : null;
            case ValueKind.Decimal:
                decimal m = value.AsDecimal();
                return Math.Abs(m) < Exact && decimal.Truncate(m) == m ? new ShortlistKey(2, (long)m, null) : null;
            default:
                return null;
        }
    }

    /// <summary>The path and key a filter is kept under: the filter is an <c>eq</c>, or an <c>and</c>
    /// with an <c>eq</c> among its operands (the first one with a key). Null: no shortlist.</summary>
    public static (QueryPath Path, ShortlistKey Key)? Of(Predicate? filter)
    {
        switch (filter)
        {
            case ComparisonPredicate { Operator: ComparisonOperator.Eq } eq when OfOperand(eq.Operand) is { } key:
                return (eq.Path, key);
            case AndPredicate and:
                foreach (var operand in and.Operands)
                    if (Of(operand) is { } found) return found;
                return null;
            default:
                return null;
        }
    }
}

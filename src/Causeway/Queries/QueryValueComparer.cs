using Causeway.Values;

namespace Causeway.Queries;

/// <summary>How queries compare values: <see cref="Value.CompareTo"/>, except that numbers compare by
/// value alone at every depth (1, 1.0 and 1.00 tie; <see cref="Value.CompareTo"/> would break the tie
/// by kind). Values of different ranks (numbers, strings, …) order by rank but are not
/// <see cref="Comparable"/> for a predicate. Missing values (null) come before every value.</summary>
internal sealed class QueryValueComparer : IComparer<Value?>
{
    public static readonly QueryValueComparer Instance = new();

    /// <summary>True when both are of one rank: numbers with numbers, strings with strings, and so on.</summary>
    public static bool Comparable(Value a, Value b) => Value.Rank(a.Kind) == Value.Rank(b.Kind);

    public static bool Equal(Value a, Value b) => Comparable(a, b) && CompareValues(a, b) == 0;

    public int Compare(Value? x, Value? y)
    {
        if (x is null) return y is null ? 0 : -1;
        return y is null ? 1 : CompareValues(x, y);
    }

    public static int CompareValues(Value a, Value b)
    {
        int ra = Value.Rank(a.Kind), rb = Value.Rank(b.Kind);
        if (ra != rb) return ra.CompareTo(rb);
        switch (a.Kind)
        {
            case ValueKind.Int or ValueKind.Double or ValueKind.Decimal:
                return Value.CompareNumbers(a, b);
            case ValueKind.Array:
            {
                var left = a.AsArray();
                var right = b.AsArray();
                for (int i = 0; i < Math.Min(left.Count, right.Count); i++)
                {
                    int c = CompareValues(left[i], right[i]);
                    if (c != 0) return c;
                }
                return left.Count.CompareTo(right.Count);
            }
            case ValueKind.Map:
            {
                var left = a.AsMap();
                var right = b.AsMap();
                for (int i = 0; i < Math.Min(left.Count, right.Count); i++)
                {
                    int c = string.CompareOrdinal(left[i].Key, right[i].Key);
                    if (c != 0) return c;
                    c = CompareValues(left[i].Value, right[i].Value);
                    if (c != 0) return c;
                }
                return left.Count.CompareTo(right.Count);
            }
            default:
                // Every other rank holds a single kind, which Value orders by content.
                return a.CompareTo(b);
        }
    }
}

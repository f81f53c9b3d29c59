using Causeway.Values;

namespace Causeway.Authority.Policies;

/// <summary>Equality and order of IPLD values as policies see them: numbers compare across integer and
/// float, lists in order, maps by their keys.</summary>
public static class PolicyValues
{
    public static bool DeepEquals(Value a, Value b)
    {
        if (a.IsNumber && b.IsNumber) return CompareNumbers(a, b) == 0;
        if (a.Kind != b.Kind) return false;
        switch (a.Kind)
        {
            case ValueKind.Array:
                var left = a.AsArray();
                var right = b.AsArray();
                if (left.Count != right.Count) return false;
                for (int i = 0; i < left.Count; i++) if (!DeepEquals(left[i], right[i])) return false;
                return true;
            case ValueKind.Map:
                var entries = a.AsMap();
                if (entries.Count != b.AsMap().Count) return false;
                foreach (var (key, value) in entries)
                    if (b.Get(key) is not { } other || !DeepEquals(value, other)) return false;
                return true;
            default:
                return a.Equals(b);
        }
    }

    /// <summary>The order of two numbers of any kinds (integer, float, decimal).</summary>
    public static int CompareNumbers(Value a, Value b)
    {
        if (a.Kind == ValueKind.Int && b.Kind == ValueKind.Int) return a.AsInt().CompareTo(b.AsInt());
        if (a.Kind != ValueKind.Double && b.Kind != ValueKind.Double) return ToDecimal(a).CompareTo(ToDecimal(b));
        return ToDouble(a).CompareTo(ToDouble(b));
    }

    private static decimal ToDecimal(Value v) => v.Kind == ValueKind.Int ? v.AsInt() : v.AsDecimal();

    private static double ToDouble(Value v) => v.Kind switch
    {
        ValueKind.Int => v.AsInt(),
        ValueKind.Double => v.AsDouble(),
        _ => (double)v.AsDecimal(),
    };
}

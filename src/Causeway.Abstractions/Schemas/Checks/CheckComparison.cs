using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>Comparisons: numbers of any kinds by value (as queries compare them, <see cref="Value.CompareNumbers"/>),
/// strings ordinally, timestamps by time, booleans with = and != only. Null, or operands that do not
/// compare (a string and a number, bytes, arrays, maps), give null (unknown).</summary>
internal static class CheckComparison
{
    public static Value? Apply(CheckTokenKind op, Value? a, Value? b)
    {
        if (a is null || b is null) return null;
        int c;
        if (a.IsNumber && b.IsNumber) c = Value.CompareNumbers(a, b);
        else if (a.Kind != b.Kind) return null;
        else if (a.Kind == ValueKind.String) c = string.CompareOrdinal(a.AsString(), b.AsString());
        else if (a.Kind == ValueKind.Timestamp) c = a.AsTimestampMicros().CompareTo(b.AsTimestampMicros());
        else if (a.Kind == ValueKind.Bool && op is CheckTokenKind.Equal or CheckTokenKind.NotEqual) c = a.AsBool() == b.AsBool() ? 0 : 1;
        else return null;
        return Value.Bool(op switch
        {
            CheckTokenKind.Equal => c == 0,
            CheckTokenKind.NotEqual => c != 0,
            CheckTokenKind.Less => c < 0,
            CheckTokenKind.LessOrEqual => c <= 0,
            CheckTokenKind.Greater => c > 0,
            _ => c >= 0,
        });
    }
}

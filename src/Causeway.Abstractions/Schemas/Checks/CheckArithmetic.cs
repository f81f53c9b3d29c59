using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>Arithmetic on numbers; anything else, or a null operand, gives null (unknown).
/// Int op Int stays Int until it overflows 64 bits, then it is a Double. Int or Decimal with a Decimal
/// is a Decimal (exact) until that overflows, then a Double. A Double anywhere makes a Double.
/// '/' always gives a Double; dividing by zero, or a result too large for a double, is null.</summary>
internal static class CheckArithmetic
{
    public static Value? Negate(Value? value) => value?.Kind switch
    {
        ValueKind.Int => FromInt128(-(Int128)value.AsInt()),
        ValueKind.Decimal => Value.Decimal(-value.AsDecimal()),
        ValueKind.Double => Value.Double(-value.AsDouble()),
        _ => null,
    };

    public static Value? Apply(CheckTokenKind op, Value? a, Value? b)
    {
        if (a is not { IsNumber: true } || b is not { IsNumber: true }) return null;
        if (op == CheckTokenKind.Slash)
        {
            double divisor = ToDouble(b);
            return divisor == 0 ? null : FromDouble(ToDouble(a) / divisor);
        }
        if (a.Kind == ValueKind.Int && b.Kind == ValueKind.Int)
        {
            // Int128 holds any sum, difference or product of two longs exactly.
            Int128 x = a.AsInt(), y = b.AsInt();
            return FromInt128(op switch { CheckTokenKind.Plus => x + y, CheckTokenKind.Minus => x - y, _ => x * y });
        }
        if (a.Kind != ValueKind.Double && b.Kind != ValueKind.Double)
        {
            decimal x = ToDecimal(a), y = ToDecimal(b);
            try
            {
                return Value.Decimal(op switch { CheckTokenKind.Plus => x + y, CheckTokenKind.Minus => x - y, _ => x * y });
            }
            catch (OverflowException)
            {
                // Past decimal's range: a double is the closest thing left.
            }
        }
        double p = ToDouble(a), q = ToDouble(b);
        return FromDouble(op switch { CheckTokenKind.Plus => p + q, CheckTokenKind.Minus => p - q, _ => p * q });
    }

    private static Value FromInt128(Int128 n) =>
        n >= long.MinValue && n <= long.MaxValue ? Value.Int((long)n) : Value.Double((double)n);

    // Value.Double refuses NaN and infinities; here they mean the result is unknown.
    private static Value? FromDouble(double d) => double.IsFinite(d) ? Value.Double(d) : null;

    private static decimal ToDecimal(Value v) => v.Kind == ValueKind.Int ? v.AsInt() : v.AsDecimal();

    private static double ToDouble(Value v) => v.Kind switch
    {
        ValueKind.Int => v.AsInt(),
        ValueKind.Decimal => (double)v.AsDecimal(),
        _ => v.AsDouble(),
    };
}

using System.Numerics;

namespace Causeway.Values;

/// <summary>Exact comparison of a decimal with a double, as fractions of big integers: both kinds
/// are finite binary or decimal fractions, so the comparison never rounds.</summary>
internal static class ExactRational
{
    public static int Compare(decimal m, double d)
    {
        var (mn, md) = Fraction(m);
        var (dn, dd) = Fraction(d);
        return (mn * dd).CompareTo(dn * md);
    }

    /// <summary>numerator / denominator, the denominator positive.</summary>
    private static (BigInteger, BigInteger) Fraction(decimal m)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(m, bits);
        var mantissa = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0) mantissa = -mantissa;
        return (mantissa, BigInteger.Pow(10, scale));
    }

    private static (BigInteger, BigInteger) Fraction(double d)
    {
        long raw = BitConverter.DoubleToInt64Bits(d);
        bool negative = raw < 0;
        int exponent = (int)((raw >> 52) & 0x7FF);
        long fraction = raw & 0xF_FFFF_FFFF_FFFFL;
        // Subnormals have no hidden bit and the smallest exponent.
        BigInteger mantissa = exponent == 0 ? fraction : fraction | (1L << 52);
        int power = (exponent == 0 ? 1 : exponent) - 1075;
        if (negative) mantissa = -mantissa;
        return power >= 0 ? (mantissa << power, BigInteger.One) : (mantissa, BigInteger.One << -power);
    }
}

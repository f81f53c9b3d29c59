using System.Numerics;
using Causeway.Queries;
using Causeway.Queries.Indexes;
using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries.Indexes;

/// <summary>The index's key order agrees with the query order: a smaller value never gets a larger
/// key, equal values (1, 1.0, 1.00) get the same key, and the number order is exact across kinds.</summary>
public sealed class CollationTests
{
    /// <summary>Numbers around and above 2^53, where a double cannot tell neighbours apart, of every kind.</summary>
    private static readonly Gen<Value> Number = Gen.OneOf(
        ValueGen.Int.Select(Value.Int),
        ValueGen.Double.Select(Value.Double),
        ValueGen.Decimal.Select(Value.Decimal),
        Gen.Long[(1L << 53) - 4, (1L << 53) + 4].Select(Value.Int),
        Gen.Long[(1L << 53) - 4, (1L << 53) + 4].Select(l => Value.Double(l)),
        Gen.Long[(1L << 53) - 4, (1L << 53) + 4].Select(l => Value.Decimal(l + 0.5m)),
        Gen.Long[-3, 3].Select(l => Value.Decimal(l / 10m)),
        Gen.Long[-3, 3].Select(l => Value.Double(l / 10.0)),
        Gen.Int[0, 62].Select(e => Value.Int(1L << e)),
        Gen.Int[0, 62].Select(e => Value.Double(Math.Pow(2, e))));

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char["ab\u00e9\uffff\ud800\udc00\u007f\u0080"], 0, 6].Where(IsWellFormed),
        Support.ValueGen.Scalar.Where(v => v.Kind == ValueKind.String).Select(v => v.AsString()),
        Gen.Int[60, 70].Select(n => new string('x', n)),
        Gen.Int[60, 70].Select(n => new string('x', n) + "y"));

    private static readonly Gen<Value> AnyValue = Gen.Frequency(
        (4, Number),
        (3, Text.Select(Value.String)),
        (3, ValueGen.Scalar),
        (1, ValueGen.Any));

    [Fact]
    public void Keys_keep_the_query_order_of_any_two_values() =>
        Gen.Select(AnyValue, AnyValue).Sample((a, b) =>
        {
            int order = QueryValueComparer.Instance.Compare(a, b);
            int keys = Collation.Encode(a).AsSpan().SequenceCompareTo(Collation.Encode(b));
            if (order == 0) Assert.Equal(0, keys);
            else if (order < 0) Assert.True(keys <= 0, $"{a} < {b} but its key is larger");
            else Assert.True(keys >= 0, $"{a} > {b} but its key is smaller");
        }, iter: 20_000);

    [Fact]
    public void Numbers_compare_exactly_across_kinds() =>
        Gen.Select(Number, Number).Sample((a, b) =>
            Assert.Equal(Math.Sign(Exact(a).CompareTo(Exact(b))), Math.Sign(QueryValueComparer.CompareValues(a, b))), iter: 20_000);

    [Fact]
    public void Gt_two_finds_two_and_a_half_three_and_two_to_the_sixty()
    {
        var two = Collation.Encode(Value.Int(2));
        foreach (var bigger in new[] { Value.Double(2.5), Value.Int(3), Value.Int(1L << 60), Value.Decimal(2.0000000000000000000001m) })
            Assert.True(Collation.Encode(bigger).AsSpan().SequenceCompareTo(two) >= 0);
        // Neighbours above 2^53 are apart in the query order even where their keys are alike.
        Assert.True(QueryValueComparer.CompareValues(Value.Int((1L << 53) + 1), Value.Double(1L << 53)) > 0);
        Assert.True(QueryValueComparer.CompareValues(Value.Decimal(0.1m), Value.Double(0.1)) < 0);
        Assert.Equal(0, QueryValueComparer.CompareValues(Value.Int(1), Value.Decimal(1.00m)));
    }

    [Fact]
    public void A_key_measures_its_own_length_so_an_id_can_follow() =>
        AnyValue.Sample(v =>
        {
            var key = Collation.Encode(v);
            byte[] followed = [.. key, (byte)'d', 0];
            Assert.Equal(key.Length, Collation.Length(followed));
        }, iter: 5_000);

    [Fact]
    public void A_string_prefix_key_starts_every_key_of_a_string_with_that_prefix() =>
        Gen.Select(Text, Text).Sample((p, rest) =>
        {
            var prefix = Collation.StringPrefix(p);
            Assert.True(Collation.Encode(Value.String(p + rest)).AsSpan().StartsWith(prefix) || p.Length > Collation.MaxStringUnits);
        }, iter: 5_000);

    /// <summary>The number as a fraction of big integers, computed apart from the engine.</summary>
    private static BigRational Exact(Value number) => number.Kind switch
    {
        ValueKind.Int => new(number.AsInt(), 1),
        ValueKind.Decimal => BigRational.Parse(number.AsDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => BigRational.Of(number.AsDouble()),
    };

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i])) { if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false; i++; }
            else if (char.IsLowSurrogate(s[i])) return false;
        }
        return true;
    }

    private readonly record struct BigRational(BigInteger Numerator, BigInteger Denominator) : IComparable<BigRational>
    {
        public int CompareTo(BigRational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

        public static BigRational Parse(string text)
        {
            int dot = text.IndexOf('.');
            if (dot < 0) return new(BigInteger.Parse(text), 1);
            string digits = text.Remove(dot, 1);
            return new(BigInteger.Parse(digits), BigInteger.Pow(10, text.Length - dot - 1));
        }

        /// <summary>A double is sign × integer × 2^exponent; Math.ScaleB splits it without touching its bits.</summary>
        public static BigRational Of(double d)
        {
            if (d == 0) return new(0, 1);
            int exponent = Math.ILogB(d) - 52;
            double mantissa = Math.ScaleB(d, -exponent); // an integer below 2^53 in magnitude (subnormals too: exponent floors)
            if (exponent < -1074) { mantissa = Math.ScaleB(d, 1074); exponent = -1074; }
            var integer = new BigInteger(mantissa);
            return exponent >= 0 ? new(integer * BigInteger.Pow(2, exponent), 1) : new(integer, BigInteger.Pow(2, -exponent));
        }
    }
}

using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Support;

/// <summary>CsCheck generators for <see cref="Value"/>s of every kind, at their edges: 64-bit
/// integers to the limits, every finite double (integral ones such as 34.0 and -0.0 included),
/// decimals of every scale, any well-formed text, bytes, and timestamps over the whole range.</summary>
internal static class ValueGen
{
    public static readonly Gen<long> Int = Gen.OneOf(Gen.Long, Gen.Long[-1000, 1000], Gen.OneOf(Gen.Const(long.MinValue), Gen.Const(long.MaxValue), Gen.Const(0L)));

    public static readonly Gen<double> Double = Gen.OneOf(
        Encoding.IpldGen.Float,
        Gen.Long[-1L << 53, 1L << 53].Select(l => (double)l), // integral doubles: 34.0 must not read back as 34
        Gen.Long.Select(l => (double)l));

    /// <summary>Any 96-bit mantissa with any sign and scale 0..28: the scale is part of the value (1.50 is not 1.5).</summary>
    public static readonly Gen<decimal> Decimal = Gen.OneOf(
        Gen.Select(Gen.Int, Gen.Int, Gen.Int, Gen.Bool, Gen.Byte[0, 28]).Select((lo, mid, hi, negative, scale) => new decimal(lo, mid, hi, negative, scale)),
        Gen.Select(Gen.Int[-100_000, 100_000], Gen.Byte[0, 6]).Select((units, scale) => new decimal(Math.Abs(units), 0, 0, units < 0, scale)),
        Gen.OneOf(Gen.Const(decimal.MaxValue), Gen.Const(decimal.MinValue), Gen.Const(1.50m), Gen.Const(0.0000000000000000000000000001m)));

    public static readonly Gen<long> TimestampMicros = Gen.OneOf(
        Gen.Long[(DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / 10, (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10],
        Gen.Long[-1_000_000, 1_000_000],
        Gen.Long[1_700_000_000_000_000, 1_900_000_000_000_000]);

    public static readonly Gen<Value> Scalar = Gen.Frequency(
        (1, Gen.Const(Value.Null)),
        (1, Gen.Bool.Select(Value.Bool)),
        (3, Int.Select(Value.Int)),
        (3, Double.Select(Value.Double)),
        (3, Decimal.Select(Value.Decimal)),
        (3, Encoding.IpldGen.Text.Select(Value.String)),
        (2, Gen.Byte.Array[0, 24].Select(b => Value.Bytes(b))),
        (2, TimestampMicros.Select(Value.TimestampFromMicros)));

    /// <summary>Field names a document may use at any depth: a letter, then letters, digits, '_' and '-'.</summary>
    public static readonly Gen<string> FieldName = Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzXYZ"], Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_-"], 0, 8])
        .Select((first, rest) => first + rest);

    /// <summary>Any value: map keys are any well-formed text not starting with '$' (the typed forms' tags).</summary>
    public static readonly Gen<Value> Any = Tree(Encoding.IpldGen.Key.Where(k => !k.StartsWith('$')), emptyMaps: true);

    /// <summary>A document's fields: every kind at every depth, with names a field may have, and no
    /// empty nested map (one reads as absent).</summary>
    public static readonly Gen<Value> Document = Gen.Select(FieldName, Tree(FieldName, emptyMaps: false)).List[1, 6]
        .Select(fields => Value.Map(fields.DistinctBy(f => f.Item1).Select(f => new KeyValuePair<string, Value>(f.Item1, f.Item2))));

    private static Gen<Value> Tree(Gen<string> keys, bool emptyMaps) => Gen.Recursive<Value>((depth, self) =>
        depth >= 3
            ? Scalar
            : Gen.Frequency(
                (6, Scalar),
                (1, self.List[0, 4].Select(items => Value.Array(items))),
                (1, Gen.Select(keys, self).List[emptyMaps ? 0 : 1, 4]
                    .Select(entries => Value.Map(entries.DistinctBy(e => e.Item1).Select(e => new KeyValuePair<string, Value>(e.Item1, e.Item2)))))));
}

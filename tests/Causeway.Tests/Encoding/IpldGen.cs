using System.Numerics;
using System.Text;
using Causeway.Encoding;
using CsCheck;

namespace Causeway.Tests.Encoding;

/// <summary>CsCheck generators for IPLD data-model trees.</summary>
internal static class IpldGen
{
    public static readonly BigInteger[] IntegerBoundaries = BuildIntegerBoundaries();

    public static readonly string[] InterestingKeys =
    [
        "", "a", "b", "aa", "ab", "ba", "z", "é", "ÿ", "\u007f", "\u0080", "\u07ff", "\u0800", "\uE000", "\uFFFF",
        "\U00010000", "\U0001F600", "\U0010FFFF", "key", "Key", "__proto__", "constructor", "1", "10", "2",
    ];

    public static readonly Gen<BigInteger> Integer = Gen.OneOf(
        Gen.Int[0, IntegerBoundaries.Length - 1].Select(i => IntegerBoundaries[i]),
        Gen.Long.Select(l => (BigInteger)l),
        Gen.ULong.Select(u => (BigInteger)u),
        Gen.ULong.Select(u => BigInteger.MinusOne - u),
        Gen.Int[-300, 300].Select(i => (BigInteger)i));

    public static readonly Gen<double> Float = Gen.OneOf(
        Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite),
        Gen.Double[-1e6, 1e6],
        Gen.OneOf(0.0, -0.0, 1.0, -1.0, 1.5, 0.1, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue,
            2.2250738585072014E-308, 9007199254740992.0, 9007199254740991.0, 1e300, 65504.0, 3.4028234663852886E+38));

    /// <summary>Well-formed strings: mostly ASCII, with 2-, 3- and 4-byte UTF-8 characters.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
            (6, Gen.Int[0x20, 0x7e]),
            (1, Gen.Int[0, 0x1f]),
            (2, Gen.Int[0x80, 0x7ff]),
            (2, Gen.Int[0x800, 0xd7ff]),
            (1, Gen.Int[0xe000, 0xffff]),
            (2, Gen.Int[0x10000, 0x10ffff]))
        .Array[0, 12]
        .Select(codePoints =>
        {
            var builder = new StringBuilder();
            foreach (int cp in codePoints) builder.Append(char.ConvertFromUtf32(cp));
            return builder.ToString();
        });

    public static readonly Gen<string> Key = Gen.Frequency(
        (1, Gen.Int[0, InterestingKeys.Length - 1].Select(i => InterestingKeys[i])),
        (2, Text));

    public static readonly Gen<Cid> Link = Gen.Select(Gen.Byte.Array[32], Gen.Bool)
        .Select((digest, raw) => Cid.FromDigest(raw ? Cid.RawCodec : Cid.DagCborCodec, digest));

    public static readonly Gen<IpldNode> Scalar = Gen.Frequency(
        (1, Gen.Const(IpldNode.Null)),
        (1, Gen.Bool.Select(IpldNode.Bool)),
        (4, Integer.Select(IpldNode.Integer)),
        (3, Float.Select(IpldNode.Float)),
        (3, Text.Select(IpldNode.String)),
        (2, Gen.Byte.Array[0, 40].Select(b => IpldNode.Bytes(b))),
        (1, Link.Select(IpldNode.Link)));

    public static readonly Gen<IpldNode> Node = Gen.Recursive<IpldNode>((depth, node) =>
        depth >= 5
            ? Scalar
            : Gen.Frequency(
                (5, Scalar),
                (1, node.Array[0, 6].Select(items => IpldNode.List(items))),
                (2, Gen.Select(Key, node).Array[0, 6].Select(MapOf))));

    /// <summary>A map from entries, keeping the first of repeated keys.</summary>
    public static IpldNode MapOf((string Key, IpldNode Value)[] entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<KeyValuePair<string, IpldNode>>();
        foreach (var (key, value) in entries)
            if (seen.Add(key)) kept.Add(KeyValuePair.Create(key, value));
        return IpldNode.Map(kept);
    }

    private static BigInteger[] BuildIntegerBoundaries()
    {
        var list = new List<BigInteger>();
        BigInteger[] points =
        [
            0, 1, 23, 24, 255, 256, 65535, 65536, uint.MaxValue, (BigInteger)uint.MaxValue + 1,
            (BigInteger)1 << 53, ((BigInteger)1 << 53) - 1, ((BigInteger)1 << 53) + 1,
            long.MaxValue, (BigInteger)long.MaxValue + 1, ulong.MaxValue,
        ];
        foreach (BigInteger p in points)
        {
            list.Add(p);
            list.Add(BigInteger.MinusOne - p); // -1, -2, -24, -25, ..., -2^64
            if (p > 0) list.Add(-p);
        }
        return [.. list.Distinct()];
    }
}

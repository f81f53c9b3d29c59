using System.Numerics;
using System.Text;
using Causeway.Encoding;

namespace Causeway.Tests.Encoding;

/// <summary>A fixed, seeded set of values for the JavaScript cross-check: every integer boundary,
/// floats from tiny to huge, keys whose length order and byte order differ from UTF-16 order,
/// nested maps and lists, links. Only floats @ipld/dag-cbor can produce: JS encodes any number
/// that is a safe integer (|x| &lt;= 2^53-1, including -0) as a CBOR integer.</summary>
internal static class ReferenceValues
{
    public const int Seed = 20240917;

    public static readonly double[] SpecialFloats =
    [
        1.5, -1.5, 0.1, -0.1, 0.5, 1.0 / 3, Math.PI, -Math.E, 0.30000000000000004, 1e-7, 123456.789,
        double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 2.225073858507201E-308, 1e-300,
        double.MaxValue, double.MinValue, 1e300, -1e300, 1e20, 9007199254740992.0, -9007199254740992.0,
        18446744073709551616.0, 3.4028234663852886E+38, 1.401298464324817E-45, 65504.5, 5.960464477539063E-8,
    ];

    /// <summary>Integral floats JS cannot encode as floats (it would write integers); used for the
    /// decode-only check.</summary>
    public static readonly double[] IntegralFloats = [0.0, -0.0, 1.0, 2.0, -3.0, 24.0, 1e15, 9007199254740991.0, -9007199254740991.0];

    public static bool IsJsSafeInteger(double x) => Math.Floor(x) == x && Math.Abs(x) <= 9007199254740991.0;

    public static List<IpldNode> Build(int count)
    {
        var random = new Random(Seed);
        var values = new List<IpldNode>();

        foreach (BigInteger i in IpldGen.IntegerBoundaries) values.Add(IpldNode.Integer(i));
        values.Add(IpldNode.List(IpldGen.IntegerBoundaries.Select(IpldNode.Integer)));
        foreach (double f in SpecialFloats) values.Add(IpldNode.Float(f));
        values.Add(IpldNode.List(SpecialFloats.Select(IpldNode.Float)));
        values.Add(IpldNode.Map(IpldGen.InterestingKeys.Select(k => (k, IpldNode.String(k)))));
        values.Add(IpldNode.Map(("b", IpldNode.Integer(1)), ("aa", IpldNode.Integer(2)), ("\uE000", IpldNode.Null), ("\U00010000", IpldNode.Null)));
        values.Add(IpldNode.Map(("\uFEFF", IpldNode.String("\uFEFFbom")), ("", IpldNode.Null), ("\uFEFFkey", IpldNode.Integer(1))));
        values.Add(IpldNode.Map());
        values.Add(IpldNode.List());
        values.Add(IpldNode.String(""));
        values.Add(IpldNode.Bytes([]));
        values.Add(IpldNode.Null);
        values.Add(IpldNode.Bool(true));
        values.Add(IpldNode.Bool(false));
        foreach (int length in new[] { 23, 24, 255, 256, 65535, 65536 })
        {
            values.Add(IpldNode.String(new string('x', length)));
            values.Add(IpldNode.Bytes(Enumerable.Repeat((byte)7, length).ToArray()));
            values.Add(IpldNode.List(Enumerable.Repeat(IpldNode.Integer(0), Math.Min(length, 300))));
        }
        values.Add(IpldNode.Map(Enumerable.Range(0, 30).Select(i => ($"k{i}", IpldNode.Integer(i)))));
        IpldNode deep = IpldNode.Integer(1);
        for (int i = 0; i < 40; i++) deep = i % 2 == 0 ? IpldNode.List(deep) : IpldNode.Map(("d", deep));
        values.Add(deep);
        values.Add(IpldNode.Link(RandomLink(random)));

        while (values.Count < count) values.Add(RandomMap(random, 0));
        return values;
    }

    private static IpldNode RandomNode(Random random, int depth)
    {
        int roll = random.Next(depth >= 4 ? 10 : 13);
        return roll switch
        {
            0 => IpldNode.Null,
            1 => IpldNode.Bool(random.Next(2) == 0),
            2 or 3 => IpldNode.Integer(RandomInteger(random)),
            4 or 5 => IpldNode.Float(RandomFloat(random)),
            6 or 7 => IpldNode.String(RandomText(random)),
            8 => IpldNode.Bytes(RandomBytes(random, random.Next(4) == 0 ? random.Next(300) : random.Next(24))),
            9 => IpldNode.Link(RandomLink(random)),
            10 => RandomList(random, depth + 1),
            _ => RandomMap(random, depth + 1),
        };
    }

    private static IpldNode RandomList(Random random, int depth)
    {
        int count = random.Next(8) == 0 ? random.Next(20, 30) : random.Next(6);
        var items = new IpldNode[count];
        for (int i = 0; i < count; i++) items[i] = RandomNode(random, depth);
        return IpldNode.List(items);
    }

    private static IpldNode RandomMap(Random random, int depth)
    {
        int count = random.Next(8) == 0 ? random.Next(20, 30) : random.Next(7);
        var entries = new (string, IpldNode)[count];
        for (int i = 0; i < count; i++) entries[i] = (RandomKey(random), RandomNode(random, depth));
        return IpldGen.MapOf(entries);
    }

    private static BigInteger RandomInteger(Random random) => random.Next(4) switch
    {
        0 => IpldGen.IntegerBoundaries[random.Next(IpldGen.IntegerBoundaries.Length)],
        1 => random.NextInt64(-1000, 1000),
        2 => random.NextInt64(long.MinValue, long.MaxValue),
        _ => random.Next(2) == 0 ? (BigInteger)RandomUInt64(random) : BigInteger.MinusOne - RandomUInt64(random),
    };

    private static ulong RandomUInt64(Random random) => (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2);

    private static double RandomFloat(Random random)
    {
        while (true)
        {
            double value = random.Next(3) switch
            {
                0 => SpecialFloats[random.Next(SpecialFloats.Length)],
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)),
                _ => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
            };
            if (double.IsFinite(value) && !IsJsSafeInteger(value)) return value;
        }
    }

    private static string RandomKey(Random random) =>
        random.Next(2) == 0 ? IpldGen.InterestingKeys[random.Next(IpldGen.InterestingKeys.Length)] : RandomText(random);

    private static string RandomText(Random random)
    {
        int length = random.Next(10) == 0 ? random.Next(20, 60) : random.Next(8);
        var builder = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int codePoint = random.Next(6) switch
            {
                0 or 1 or 2 => random.Next(0x20, 0x7f),
                3 => random.Next(0x80, 0x800),
                4 => random.Next(2) == 0 ? random.Next(0x800, 0xd800) : random.Next(0xe000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            builder.Append(char.ConvertFromUtf32(codePoint));
        }
        return builder.ToString();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A link built from its binary form by hand (not through Cid's constructors).</summary>
    private static Cid RandomLink(Random random)
    {
        byte[] bytes = new byte[36];
        bytes[0] = 0x01;
        bytes[1] = random.Next(2) == 0 ? (byte)0x71 : (byte)0x55;
        bytes[2] = 0x12;
        bytes[3] = 0x20;
        random.NextBytes(bytes.AsSpan(4));
        return Cid.FromBytes(bytes);
    }
}

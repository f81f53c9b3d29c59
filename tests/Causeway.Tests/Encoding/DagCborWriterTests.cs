using System.Formats.Cbor;
using System.Numerics;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Tests.Encoding;

public class DagCborWriterTests
{
    [Fact]
    public void KnownVector()
    {
        // {"a":1,"bb":2,"c":[1.5]}: bytes and CID computed with @ipld/dag-cbor 10.0.2.
        var writer = new DagCborWriter();
        writer.WriteStartMap(3);
        writer.WriteText("c");
        writer.WriteStartArray(1);
        writer.WriteDouble(1.5);
        writer.WriteEndArray();
        writer.WriteText("bb");
        writer.WriteInt64(2);
        writer.WriteText("a");
        writer.WriteInt64(1);
        writer.WriteEndMap();
        byte[] bytes = writer.Encode();
        Assert.Equal("a3616101616381fb3ff800000000000062626202", Hex.Of(bytes));
        Assert.Equal("bafyreid3smye65jsh6d5i2zww4qsxcn4hiwklqjrpejhfsrjg5noxgw3tq", Cid.ForDagCbor(bytes).ToString());
    }

    [Theory]
    [InlineData(1.5, "fb3ff8000000000000")]
    [InlineData(0.0, "fb0000000000000000")]
    [InlineData(-0.0, "fb8000000000000000")]
    [InlineData(1.0, "fb3ff0000000000000")]
    [InlineData(65504.0, "fb40effc0000000000")]
    [InlineData(double.Epsilon, "fb0000000000000001")]
    [InlineData(double.MaxValue, "fb7fefffffffffffff")]
    public void FloatsAreAlways64Bit(double value, string hex)
    {
        var writer = new DagCborWriter();
        writer.WriteDouble(value);
        byte[] bytes = writer.Encode();
        Assert.Equal(9, bytes.Length);
        Assert.Equal(hex, Hex.Of(bytes));
    }

    [Fact]
    public void CborWriterAloneWouldShrinkTheFloat()
    {
        // The trap the writer exists for (shared/STACK.md).
        var plain = new CborWriter(CborConformanceMode.Canonical);
        plain.WriteDouble(1.5);
        Assert.Equal("f93e00", Hex.Of(plain.Encode()));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void RejectsNonFiniteFloats(double value)
    {
        var e = Assert.Throws<InvalidInputException>(() => new DagCborWriter().WriteDouble(value));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
    }

    [Fact]
    public void MapKeysSortByLengthFirst()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(4);
        foreach (string key in new[] { "aa", "b", "\U00010000", "\uE000" })
        {
            writer.WriteText(key);
            writer.WriteNull();
        }
        writer.WriteEndMap();
        // "b" (1 byte) < "aa" (2) < U+E000 (3 bytes ee 80 80) < U+10000 (4 bytes f0 90 80 80),
        // although ordinal UTF-16 order puts U+10000 (d800 dc00) before U+E000.
        Assert.Equal("a4" + "6162f6" + "626161f6" + "63ee8080f6" + "64f0908080f6", Hex.Of(writer.Encode()));
    }

    [Fact]
    public void EntryOrderDoesNotMatter()
    {
        string[] keys = ["zz", "a", "", "é", "ab", "\U0001F600", "b", "aaa"];
        byte[]? first = null;
        var random = new Random(7);
        var writer = new DagCborWriter();
        for (int round = 0; round < 20; round++)
        {
            random.Shuffle(keys);
            writer.Reset();
            writer.WriteStartMap(keys.Length);
            foreach (string key in keys)
            {
                writer.WriteText(key);
                writer.WriteText(key);
            }
            writer.WriteEndMap();
            byte[] bytes = writer.Encode();
            first ??= bytes;
            Assert.Equal(first, bytes);
        }
    }

    public static TheoryData<string, string> IntegerBoundaries => new()
    {
        { "0", "00" }, { "23", "17" }, { "24", "1818" }, { "255", "18ff" }, { "256", "190100" },
        { "65535", "19ffff" }, { "65536", "1a00010000" }, { "4294967295", "1affffffff" },
        { "4294967296", "1b0000000100000000" }, { "9223372036854775807", "1b7fffffffffffffff" },
        { "9223372036854775808", "1b8000000000000000" }, { "18446744073709551615", "1bffffffffffffffff" },
        { "-1", "20" }, { "-24", "37" }, { "-25", "3818" }, { "-256", "38ff" }, { "-257", "390100" },
        { "-65536", "39ffff" }, { "-65537", "3a00010000" }, { "-4294967296", "3affffffff" },
        { "-4294967297", "3b0000000100000000" }, { "-9223372036854775808", "3b7fffffffffffffff" },
        { "-9223372036854775809", "3b8000000000000000" }, { "-18446744073709551616", "3bffffffffffffffff" },
    };

    [Theory]
    [MemberData(nameof(IntegerBoundaries))]
    public void IntegerBoundariesUseTheShortestForm(string value, string hex)
    {
        BigInteger number = BigInteger.Parse(value);
        var writer = new DagCborWriter();
        writer.WriteInteger(number);
        Assert.Equal(hex, Hex.Of(writer.Encode()));

        if (number >= long.MinValue && number <= long.MaxValue)
        {
            writer.Reset();
            writer.WriteInt64((long)number);
            Assert.Equal(hex, Hex.Of(writer.Encode()));
            Assert.Equal((long)number, new DagCborReader(Hex.Bytes(hex)).ReadInt64());
        }
        Assert.Equal(number, new DagCborReader(Hex.Bytes(hex)).ReadInteger());
        Assert.Equal(new IpldInteger(number), DagCbor.Decode(Hex.Bytes(hex)));
    }

    [Fact]
    public void UInt64AndNegativeBig()
    {
        var writer = new DagCborWriter();
        writer.WriteStartArray(2);
        writer.WriteUInt64(ulong.MaxValue);
        writer.WriteNegativeBig(ulong.MaxValue);
        writer.WriteEndArray();
        Assert.Equal("82" + "1bffffffffffffffff" + "3bffffffffffffffff", Hex.Of(writer.Encode()));
    }

    [Fact]
    public void IntegersOutsideTheRangeAreRejected()
    {
        var writer = new DagCborWriter();
        Assert.Throws<InvalidInputException>(() => writer.WriteInteger(BigInteger.One << 64));
        Assert.Throws<InvalidInputException>(() => writer.WriteInteger(-(BigInteger.One << 64) - 1));
    }

    [Fact]
    public void LinksAreTag42WithAZeroPrefix()
    {
        Cid cid = Cid.ForDagCbor(Hex.Bytes("40"));
        var writer = new DagCborWriter();
        writer.WriteLink(cid);
        Assert.Equal("d82a582500" + Hex.Of(cid.Bytes), Hex.Of(writer.Encode()));
    }

    [Fact]
    public void ScalarsAndStrings()
    {
        var writer = new DagCborWriter();
        writer.WriteStartArray(6);
        writer.WriteNull();
        writer.WriteBoolean(true);
        writer.WriteBoolean(false);
        writer.WriteText("");
        writer.WriteText("ü\U0001F600");
        writer.WriteBytes([1, 2, 3]);
        writer.WriteEndArray();
        Assert.Equal("86f6f5f46066c3bcf09f988043010203", Hex.Of(writer.Encode()));
    }

    [Fact]
    public void NonTextKeysAreRefused()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(1);
        Assert.Throws<InvalidOperationException>(() => writer.WriteInt64(1));
    }

    [Fact]
    public void DuplicateKeysAreRefused()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(2);
        writer.WriteText("a");
        writer.WriteNull();
        var e = Assert.Throws<InvalidInputException>(() => writer.WriteText("a"));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains("\"a\" appears twice", e.Message);
    }

    [Fact]
    public void CountsMustMatchTheDeclaration()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(1);
        writer.WriteText("a");
        writer.WriteNull();
        Assert.Contains("no more fit", Assert.Throws<InvalidOperationException>(() => writer.WriteText("b")).Message);

        writer.Reset();
        writer.WriteStartArray(2);
        writer.WriteNull();
        Assert.Contains("declared with 2 items but 1", Assert.Throws<InvalidOperationException>(writer.WriteEndArray).Message);
    }

    [Fact]
    public void UnpairedSurrogatesAreRefused()
    {
        var e = Assert.Throws<InvalidInputException>(() => new DagCborWriter().WriteText("a\uD800b"));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
    }

    [Fact]
    public void EncodeIntoSpanAndReuse()
    {
        var writer = new DagCborWriter();
        Span<byte> buffer = stackalloc byte[16];
        for (int i = 0; i < 3; i++)
        {
            writer.Reset();
            writer.WriteStartMap(1);
            writer.WriteText("n");
            writer.WriteInt64(i);
            writer.WriteEndMap();
            int length = writer.Encode(buffer);
            Assert.Equal($"a1616e0{i}", Hex.Of(buffer[..length]));
        }
    }
}

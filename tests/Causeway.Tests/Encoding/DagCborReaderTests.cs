using System.Formats.Cbor;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Tests.Encoding;

public class DagCborReaderTests
{
    private const string CidHex = "01711220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void ReadsTheKnownVector()
    {
        var reader = new DagCborReader(Hex.Bytes("a3616101616381fb3ff800000000000062626202"));
        Assert.Equal(DagCborKind.Map, reader.PeekKind());
        Assert.Equal(CborReaderState.StartMap, reader.PeekState());
        Assert.Equal(3, reader.ReadStartMap());
        Assert.Equal("a", reader.ReadText());
        Assert.Equal(1, reader.ReadInt64());
        Assert.Equal("c", reader.ReadText());
        Assert.Equal(1, reader.ReadStartArray());
        Assert.Equal(CborReaderState.DoublePrecisionFloat, reader.PeekState());
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.Equal(DagCborKind.EndArray, reader.PeekKind());
        reader.ReadEndArray();
        Assert.Equal("bb", reader.ReadText());
        Assert.Equal(2, reader.ReadInt64());
        Assert.Equal(DagCborKind.EndMap, reader.PeekKind());
        reader.ReadEndMap();
        Assert.Equal(DagCborKind.End, reader.PeekKind());
        reader.ReadEnd();
    }

    [Fact]
    public void ReadsEveryKind()
    {
        var reader = new DagCborReader(Hex.Bytes("88f6f5f46161430102031bffffffffffffffff3bffffffffffffffffd82a582500" + CidHex));
        Assert.Equal(8, reader.ReadStartArray());
        reader.ReadNull();
        Assert.True(reader.ReadBoolean());
        Assert.False(reader.ReadBoolean());
        Assert.Equal("a", reader.ReadText());
        Assert.Equal([1, 2, 3], reader.ReadBytes());
        Assert.Equal(ulong.MaxValue, reader.ReadUInt64());
        Assert.Equal(CborReaderState.NegativeInteger, reader.PeekState());
        Assert.Equal(ulong.MaxValue, reader.ReadIntegerRaw(out bool negative));
        Assert.True(negative);
        Assert.Equal(CborReaderState.Tag, reader.PeekState());
        Assert.Equal(Cid.FromBytes(Hex.Bytes(CidHex)), reader.ReadLink());
        reader.ReadEndArray();
        reader.ReadEnd();
    }

    [Fact]
    public void SkipValueSkipsWholeItems()
    {
        var reader = new DagCborReader(Hex.Bytes("a261618201a1616202616203"));
        Assert.Equal(2, reader.ReadStartMap());
        reader.SkipValue(); // key "a"
        reader.SkipValue(); // [1, {"b": 2}]
        Assert.Equal("b", reader.ReadText());
        Assert.Equal(3, reader.ReadInt64());
        reader.ReadEndMap();
        reader.ReadEnd();
    }

    [Fact]
    public void SkipValueStillChecksWhatItSkips() =>
        AssertRejected("a1616182fa3fc0000001", "32-bit", () =>
        {
            var reader = new DagCborReader(Hex.Bytes("a1616182fa3fc0000001"));
            reader.ReadStartMap();
            reader.ReadText();
            reader.SkipValue();
        });

    [Fact]
    public void ReaderIsReusable()
    {
        var reader = new DagCborReader(Hex.Bytes("01"));
        Assert.Equal(1, reader.ReadInt64());
        reader.ReadEnd();
        reader.Reset(Hex.Bytes("6162"));
        Assert.Equal("b", reader.ReadText());
        reader.ReadEnd();
    }

    [Fact]
    public void WrongKindIsReported() =>
        AssertRejected("01", "expected a text string but found an integer", () => new DagCborReader(Hex.Bytes("01")).ReadText());

    [Fact]
    public void IntegersTooLargeForInt64AreReportedNotTruncated() =>
        AssertRejected("1b8000000000000000", "does not fit in a 64-bit signed integer",
            () => new DagCborReader(Hex.Bytes("1b8000000000000000")).ReadInt64());

    // ---- rejection: one test per non-canonical form ----

    [Theory]
    [InlineData("9f01ff", "indefinite-length array")]
    [InlineData("bf616101ff", "indefinite-length map")]
    [InlineData("5f4101ff", "indefinite-length byte string")]
    [InlineData("7f6161ff", "indefinite-length text string")]
    public void RejectsIndefiniteLengths(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("1817", "unsigned integer 23 is encoded in 2 bytes")]
    [InlineData("1900ff", "unsigned integer 255 is encoded in 3 bytes")]
    [InlineData("1a0000ffff", "unsigned integer 65535 is encoded in 5 bytes")]
    [InlineData("1b00000000ffffffff", "unsigned integer 4294967295 is encoded in 9 bytes")]
    [InlineData("3817", "negative integer 23 is encoded in 2 bytes")]
    [InlineData("580100", "byte string length 1 is encoded in 2 bytes")]
    [InlineData("78016161", "text string length 1 is encoded in 2 bytes")]
    [InlineData("980101", "array length 1 is encoded in 2 bytes")]
    [InlineData("b80161610101", "map length 1 is encoded in 2 bytes")]
    [InlineData("d9002a582500" + CidHex, "tag 42 is encoded in 3 bytes")]
    public void RejectsNonShortestIntegersAndLengths(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("f93e00", "16-bit (half-precision) float")]
    [InlineData("fa3fc00000", "32-bit (single-precision) float")]
    public void RejectsFloatsThatAreNot64Bit(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("fb7ff8000000000000", "NaN is not allowed")]
    [InlineData("fb7ff0000000000000", "Infinity is not allowed")]
    [InlineData("fbfff0000000000000", "-Infinity is not allowed")]
    public void RejectsNaNAndInfinity(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("f7", "'undefined' (0xf7) is not allowed")]
    [InlineData("f0", "simple value 16 is not allowed")]
    [InlineData("f8ff", "simple values other than false, true and null are not allowed")]
    [InlineData("ff", "unexpected 'break'")]
    public void RejectsUndefinedAndOtherSimpleValues(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("c074323031332d30332d32315432303a30343a30305a", "tag 0 is not allowed")]
    [InlineData("d82b40", "tag 43 is not allowed")]
    [InlineData("d9d9f7f6", "tag 55799 is not allowed")]
    public void RejectsTagsOtherThan42(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Theory]
    [InlineData("d82a6161", "tag 42 must hold a byte string, found text string", 2)]
    [InlineData("d82a40", "must start with 0x00", 2)]
    [InlineData("d82a5824" + CidHex, "must start with 0x00", 2)]
    [InlineData("d82a4400017112", "not hold a valid CID", 4)]
    [InlineData("d82a58230012" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "CIDv0", 5)]
    [InlineData("d82a582500017012" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "codec 0x70", 5)]
    [InlineData("d82a5f40ff", "indefinite-length byte string", 2)]
    [InlineData("d82a", "tag 42 is not followed by its content", 2)]
    public void RejectsBadLinkContent(string hex, string problem, int offset) => AssertDecodeRejected(hex, problem, offset);

    [Theory]
    [InlineData("a10101", "map keys must be text strings, found an integer")]
    [InlineData("a14161f6", "map keys must be text strings, found a byte string")]
    [InlineData("a180f6", "map keys must be text strings, found an array")]
    public void RejectsNonTextMapKeys(string hex, string problem) => AssertDecodeRejected(hex, problem, 1);

    [Theory]
    [InlineData("a2616201616101", "map key \"a\" comes after \"b\"", 4)]
    [InlineData("a26261610161620a", "map key \"b\" comes after \"aa\"", 5)]
    [InlineData("a264f0908080f663ee8080f6", "map key \"\uE000\" comes after \"\U00010000\"", 7)]
    public void RejectsMapKeysOutOfOrder(string hex, string problem, int offset) => AssertDecodeRejected(hex, problem, offset);

    [Fact]
    public void RejectsDuplicateMapKeys() => AssertDecodeRejected("a2616101616102", "duplicate map key \"a\"", 4);

    [Theory]
    [InlineData("61ff")]
    [InlineData("62c080")]          // overlong encoding of U+0000
    [InlineData("63eda080")]        // a UTF-16 surrogate encoded as UTF-8
    [InlineData("64f4908080")]      // above U+10FFFF
    [InlineData("a162ffff01")]      // as a map key
    public void RejectsInvalidUtf8(string hex) => AssertDecodeRejected(hex, "text string is not valid UTF-8", hex.StartsWith("a1") ? 1 : 0);

    [Theory]
    [InlineData("0101", 1)]
    [InlineData("a0a0", 1)]
    [InlineData("f600", 1)]
    public void RejectsTrailingBytes(string hex, int offset) => AssertDecodeRejected(hex, "trailing byte", offset);

    [Theory]
    [InlineData("", "the input is empty", 0)]
    [InlineData("6261", "text string of 2 bytes runs past the end", 0)]
    [InlineData("1a0001", "runs past the end of the input (truncated)", 0)]
    [InlineData("8201", "an array of 2 items cannot fit in the 1 bytes left", 0)]
    [InlineData("826261", "text string of 2 bytes runs past the end", 1)]
    [InlineData("a16161", "truncated", 3)]
    [InlineData("fb3ff8", "64-bit float runs past the end", 0)]
    [InlineData("d82a582500017112", "tag 42 byte string of 37 bytes runs past the end", 2)]
    [InlineData("9bffffffffffffffff", "cannot fit", 0)]
    [InlineData("bb7fffffffffffffff", "cannot fit", 0)]
    public void RejectsTruncatedInput(string hex, string problem, int offset) => AssertDecodeRejected(hex, problem, offset);

    [Theory]
    [InlineData("1c", "reserved additional information 28")]
    [InlineData("fc", "reserved additional information 28")]
    [InlineData("1f", "malformed CBOR")]
    public void RejectsMalformedHeads(string hex, string problem) => AssertDecodeRejected(hex, problem, 0);

    [Fact]
    public void AcceptsNestingUpTo256()
    {
        byte[] bytes = Hex.Bytes(string.Concat(Enumerable.Repeat("81", 255)) + "80");
        IpldNode node = DagCbor.Decode(bytes);
        Assert.Equal(bytes, DagCbor.Encode(node));
    }

    [Fact]
    public void RejectsNestingDeeperThan256() =>
        AssertDecodeRejected(string.Concat(Enumerable.Repeat("81", 256)) + "80", "nested more than 256 levels deep", 256);

    [Fact]
    public void RejectsVeryDeepInputWithoutStackOverflow()
    {
        byte[] bytes = new byte[1_000_000];
        Array.Fill(bytes, (byte)0xa1);
        for (int i = 1; i < bytes.Length; i += 2) bytes[i] = 0x60; // {"": {"": ...
        var e = Assert.Throws<NonCanonicalCborException>(() => DagCbor.Decode(bytes));
        Assert.Contains("nested more than 256", e.Message);
    }

    [Fact]
    public void EncodeRefusesNestingDeeperThan256()
    {
        IpldNode node = IpldNode.List();
        for (int i = 0; i < 256; i++) node = IpldNode.List(node);
        Assert.Throws<InvalidInputException>(() => DagCbor.Encode(node));
    }

    private static void AssertDecodeRejected(string hex, string problem, int offset)
    {
        var e = Assert.Throws<NonCanonicalCborException>(() => DagCbor.Decode(Hex.Bytes(hex)));
        Assert.Equal(ErrorCodes.InvalidCbor, e.Code);
        Assert.Contains(problem, e.Message);
        Assert.Contains($"at byte offset {offset}:", e.Message);
    }

    private static void AssertRejected(string hex, string problem, Action action)
    {
        var e = Assert.Throws<NonCanonicalCborException>(action);
        Assert.Contains(problem, e.Message);
        _ = hex;
    }
}

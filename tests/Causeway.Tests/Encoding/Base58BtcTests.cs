using Causeway.Encoding;
using Causeway.Errors;
using CsCheck;

namespace Causeway.Tests.Encoding;

public class Base58BtcTests
{
    // From the base58 draft (draft-msporny-base58).
    [Theory]
    [InlineData("48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U")]
    [InlineData("54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f672e",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z")]
    [InlineData("0000287fb4cd", "11233QC4")]
    [InlineData("", "")]
    [InlineData("00", "1")]
    [InlineData("000000", "111")]
    [InlineData("ff", "5Q")]
    public void Vectors(string hex, string encoded)
    {
        Assert.Equal(encoded, Base58Btc.Encode(Hex.Bytes(hex)));
        Assert.Equal(hex, Hex.Of(Base58Btc.Decode(encoded)));
    }

    [Fact]
    public void DidKeyExample()
    {
        // did:key spec example: multibase 'z' + base58btc(0xed 0x01 + 32-byte Ed25519 key).
        const string did = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        byte[] bytes = Base58Btc.Decode(did.AsSpan(1));
        Assert.Equal(34, bytes.Length);
        Assert.Equal(0xed, bytes[0]);
        Assert.Equal(0x01, bytes[1]);
        Assert.Equal(did, "z" + Base58Btc.Encode(bytes));
    }

    [Theory]
    [InlineData("0OIl")]
    [InlineData("abc!")]
    [InlineData("z6Mk+")]
    public void RejectsCharactersOutsideTheAlphabet(string text)
    {
        var e = Assert.Throws<InvalidInputException>(() => Base58Btc.Decode(text));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains("invalid character", e.Message);
    }

    [Fact]
    public void RoundTrip() =>
        Gen.Byte.Array[0, 64].Sample(bytes => Base58Btc.Decode(Base58Btc.Encode(bytes)).AsSpan().SequenceEqual(bytes), iter: 2000);
}

using Causeway.Encoding;
using Causeway.Errors;
using CsCheck;

namespace Causeway.Tests.Encoding;

public class Base32Tests
{
    // RFC 4648 section 10, lowercased and without padding.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "my")]
    [InlineData("fo", "mzxq")]
    [InlineData("foo", "mzxw6")]
    [InlineData("foob", "mzxw6yq")]
    [InlineData("fooba", "mzxw6ytb")]
    [InlineData("foobar", "mzxw6ytboi")]
    public void Rfc4648Vectors(string plain, string encoded)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(plain);
        Assert.Equal(encoded, Base32.Encode(bytes));
        Assert.Equal(bytes, Base32.Decode(encoded));
    }

    [Theory]
    [InlineData("MZXW6", "invalid character 'M'")]
    [InlineData("mzxw6===", "must not be padded")]
    [InlineData("mzx1", "invalid character '1'")]
    [InlineData("m", "impossible length")]
    [InlineData("mzx", "impossible length")]
    [InlineData("mz", "not canonical")]   // "f" is "my"; 'z' sets unused bits
    public void RejectsNonCanonicalText(string text, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Base32.Decode(text));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains(reason, e.Message);
        Assert.False(Base32.TryDecode(text, out _));
    }

    [Fact]
    public void RoundTrip() =>
        Gen.Byte.Array[0, 80].Sample(bytes => Base32.Decode(Base32.Encode(bytes)).AsSpan().SequenceEqual(bytes), iter: 2000);
}

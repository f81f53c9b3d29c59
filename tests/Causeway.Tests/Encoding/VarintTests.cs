using Causeway.Encoding;
using Causeway.Errors;
using CsCheck;

namespace Causeway.Tests.Encoding;

public class VarintTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(255UL, "ff01")]
    [InlineData(300UL, "ac02")]
    [InlineData(16384UL, "808001")]
    [InlineData(0x71UL, "71")]
    [InlineData(0xedUL, "ed01")]
    [InlineData((ulong)long.MaxValue, "ffffffffffffffff7f")]
    public void Vectors(ulong value, string hex)
    {
        Span<byte> buffer = stackalloc byte[Varint.MaxLength];
        int written = Varint.Write(value, buffer);
        Assert.Equal(hex, Hex.Of(buffer[..written]));
        Assert.Equal(written, Varint.GetLength(value));
        Assert.Equal(value, Varint.Read(Hex.Bytes(hex), out int read));
        Assert.Equal(written, read);
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("80", "truncated")]
    [InlineData("ffff", "truncated")]
    [InlineData("8000", "not minimally encoded")]
    [InlineData("ff00", "not minimally encoded")]
    [InlineData("ffffffffffffffff80", "longer than 9 bytes")]
    [InlineData("ffffffffffffffffff01", "longer than 9 bytes")]
    public void RejectsMalformed(string hex, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Varint.Read(Hex.Bytes(hex), out _));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains(reason, e.Message);
        Assert.False(Varint.TryRead(Hex.Bytes(hex), out _, out _));
    }

    [Fact]
    public void WriteRejectsValuesOf2To63AndAbove() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Varint.Write(1UL << 63, new byte[10]));

    [Fact]
    public void ReadsOnlyItsOwnBytes()
    {
        Assert.Equal(300UL, Varint.Read(Hex.Bytes("ac02ff"), out int read));
        Assert.Equal(2, read);
    }

    [Fact]
    public void RoundTrip() =>
        Gen.ULong[0, Varint.MaxValue].Sample(value =>
        {
            Span<byte> buffer = stackalloc byte[Varint.MaxLength];
            int written = Varint.Write(value, buffer);
            return Varint.TryRead(buffer[..written], out ulong back, out int read) && back == value && read == written;
        }, iter: 2000);
}

using Causeway.Encoding;
using Causeway.Errors;
using CsCheck;

namespace Causeway.Tests.Encoding;

public class CidTests
{
    // Computed once with the JS reference (multiformats 14.0.5, @ipld/dag-cbor 10.0.2).
    private const string EmptyBytesBlockCid = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzvy"; // block 0x40
    private const string HelloWorldBlockCid = "bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae"; // {"hello":"world"}

    [Fact]
    public void KnownBlocksHaveTheReferenceCids()
    {
        Assert.Equal(EmptyBytesBlockCid, Cid.ForDagCbor(Hex.Bytes("40")).ToString());
        Assert.Equal(HelloWorldBlockCid, Cid.ForDagCbor(Hex.Bytes("a16568656c6c6f65776f726c64")).ToString());
    }

    [Fact]
    public void BinaryFormAndAccessors()
    {
        byte[] block = Hex.Bytes("a16568656c6c6f65776f726c64");
        Cid cid = Cid.ForDagCbor(block);
        byte[] digest = System.Security.Cryptography.SHA256.HashData(block);
        Assert.Equal("01711220" + Hex.Of(digest), Hex.Of(cid.Bytes));
        Assert.Equal(Cid.DagCborCodec, cid.Codec);
        Assert.Equal(Cid.Sha2_256Code, cid.MultihashCode);
        Assert.Equal(1, cid.Version);
        Assert.Equal(digest, cid.Digest.ToArray());
        Assert.True(cid.HashMatches(block));
        Assert.False(cid.HashMatches(Hex.Bytes("a0")));
        Assert.Equal(cid, Cid.FromBytes(cid.ToBytes()));
        Assert.Equal(cid, Cid.Parse(HelloWorldBlockCid));
        Assert.Equal(cid, Cid.FromDigest(Cid.DagCborCodec, digest));
    }

    [Fact]
    public void RawCodec()
    {
        Cid cid = Cid.ForRaw(Hex.Bytes("00"));
        Assert.Equal(Cid.RawCodec, cid.Codec);
        Assert.StartsWith("bafkrei", cid.ToString());
        Assert.NotEqual(cid, Cid.ForDagCbor(Hex.Bytes("00")));
    }

    [Fact]
    public void EqualityAndOrderFollowTheBytes()
    {
        Cid a = Cid.ForDagCbor([1]), b = Cid.ForDagCbor([2]);
        Assert.Equal(a, Cid.ForDagCbor([1]));
        Assert.True(a == Cid.Parse(a.ToString()));
        Assert.Equal(a.GetHashCode(), Cid.Parse(a.ToString()).GetHashCode());
        Assert.Equal(Math.Sign(a.Bytes.SequenceCompareTo(b.Bytes)), Math.Sign(a.CompareTo(b)));
        Assert.NotEqual(a, default);
        Assert.True(default(Cid).IsDefault);
        Assert.Equal("", default(Cid).ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "CIDv0")]
    [InlineData("zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz", "only multibase base32 lower")]
    [InlineData("BAFYREIGDMQPYKRGXYAXTLAFQPQHZRB7QY2RH75NLDVFD4KOK6GL47QUZVY", "only multibase base32 lower")]
    [InlineData("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzv", "impossible length")]
    [InlineData("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzv1", "invalid character")]
    [InlineData("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzvz", "not canonical")]
    [InlineData("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzvyaa", "unexpected bytes after the digest")]
    [InlineData("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "codec 0x70")]
    public void ParseRejectsWithAClearMessage(string text, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Cid.Parse(text));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains(reason, e.Message);
        Assert.False(Cid.TryParse(text, out _));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "CIDv0")]
    [InlineData("02711220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "version 2")]
    [InlineData("81", "version: Varint is truncated")]
    [InlineData("0170", "codec 0x70")]
    [InlineData("01711320e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "multihash function 0x13")]
    [InlineData("01711210e3b0c44298fc1c149afbf4c8996fb924", "digest length is 16")]
    [InlineData("01711220e3b0c4", "truncated")]
    [InlineData("01f1001220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "not minimally encoded")]
    public void FromBytesRejectsWithAClearMessage(string hex, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Cid.FromBytes(Hex.Bytes(hex)));
        Assert.Contains(reason, e.Message);
        Assert.False(Cid.TryFromBytes(Hex.Bytes(hex), out _));
    }

    [Fact]
    public void TextAndBinaryRoundTrip() =>
        Gen.Select(Gen.Byte.Array[0, 100], Gen.Bool).Sample((block, raw) =>
        {
            Cid cid = raw ? Cid.ForRaw(block) : Cid.ForDagCbor(block);
            string text = cid.ToString();
            return text.StartsWith(raw ? "bafkrei" : "bafyrei", StringComparison.Ordinal)
                && Cid.Parse(text) == cid
                && Cid.FromBytes(cid.ToBytes()) == cid
                && Cid.Parse(text).ToString() == text
                && cid.HashMatches(block);
        }, iter: 1000);
}

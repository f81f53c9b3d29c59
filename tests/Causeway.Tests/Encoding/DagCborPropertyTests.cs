using Causeway.Encoding;
using Causeway.Errors;
using CsCheck;

namespace Causeway.Tests.Encoding;

public class DagCborPropertyTests
{
    [Fact]
    public void DecodeOfEncodeIsIdentity() =>
        IpldGen.Node.Sample(node =>
        {
            byte[] bytes = DagCbor.Encode(node);
            IpldNode back = DagCbor.Decode(bytes);
            Assert.Equal(node, back);
            Assert.Equal(node.GetHashCode(), back.GetHashCode());
        }, iter: 1500, print: node => node.ToString());

    [Fact]
    public void EncodeOfDecodeIsIdentity() =>
        IpldGen.Node.Select(DagCbor.Encode).Sample(bytes =>
            Assert.Equal(Hex.Of(bytes), Hex.Of(DagCbor.Encode(DagCbor.Decode(bytes)))),
            iter: 1500, print: b => Hex.Of(b));

    [Fact]
    public void AnyAcceptedInputIsCanonical() =>
        // Random bytes and mutated valid encodings: the reader either rejects them with
        // NonCanonicalCborException or they re-encode to exactly the same bytes.
        Gen.OneOf(
            Gen.Byte.Array[0, 24],
            Gen.Select(IpldGen.Node.Select(DagCbor.Encode), Gen.Int, Gen.Byte).Select((bytes, position, value) =>
            {
                byte[] copy = (byte[])bytes.Clone();
                copy[(int)((uint)position % (uint)copy.Length)] = value;
                return copy;
            }),
            Gen.Select(IpldGen.Node.Select(DagCbor.Encode), Gen.Int).Select((bytes, cut) => bytes[..(int)((uint)cut % (uint)bytes.Length)]))
        .Sample(bytes =>
        {
            IpldNode node;
            try
            {
                node = DagCbor.Decode(bytes);
            }
            catch (NonCanonicalCborException)
            {
                return;
            }
            Assert.Equal(Hex.Of(bytes), Hex.Of(DagCbor.Encode(node)));
        }, iter: 5000, print: b => Hex.Of(b));

    [Fact]
    public void SkipValueAgreesWithDecode() =>
        IpldGen.Node.Select(DagCbor.Encode).Sample(bytes =>
        {
            var reader = new DagCborReader(bytes);
            reader.SkipValue();
            reader.ReadEnd();
            Assert.Equal(bytes.Length, reader.Offset);
        }, iter: 500, print: b => Hex.Of(b));

    [Fact]
    public void MapKeyOrderMatchesTheKeyComparer() =>
        Gen.Select(IpldGen.Key, IpldGen.Key).Sample((a, b) =>
        {
            byte[] ua = System.Text.Encoding.UTF8.GetBytes(a), ub = System.Text.Encoding.UTF8.GetBytes(b);
            int expected = ua.Length != ub.Length ? ua.Length.CompareTo(ub.Length) : ua.AsSpan().SequenceCompareTo(ub);
            Assert.Equal(Math.Sign(expected), Math.Sign(DagCborKeyComparer.Instance.Compare(a, b)));
        }, iter: 2000);

    [Fact]
    public void CidOfEncodingRoundTripsAsText() =>
        IpldGen.Node.Sample(node =>
        {
            Cid cid = DagCbor.ComputeCid(node);
            Assert.Equal(cid, Cid.Parse(cid.ToString()));
            Assert.True(cid.HashMatches(DagCbor.Encode(node)));
        }, iter: 300);
}

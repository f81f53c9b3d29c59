using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Reads a CARv1 archive. Every block is checked against its CID as it is read, so a
/// damaged or tampered archive is refused at the first bad block, with its position.</summary>
public sealed class CarReader(Stream input)
{
    public const int MaxSectionBytes = 32 << 20;
    private long _offset;

    public async Task<IReadOnlyList<Cid>> ReadHeaderAsync(CancellationToken cancellation = default)
    {
        var length = await ReadVarintAsync(cancellation) ?? throw Invalid("the archive is empty");
        if (length is 0 or > 1 << 20) throw Invalid($"a header of {length} bytes");
        var header = await ReadExactlyAsync((int)length, cancellation);
        IpldNode node;
        try { node = DagCbor.Decode(header); }
        catch (NonCanonicalCborException e) { throw Invalid($"the header is not DAG-CBOR: {e.Message}"); }
        if (node is not IpldMap map || map.Get("version") is not IpldInteger { Value: var version } || version != 1)
            throw Invalid("the header is not a CARv1 header ({ roots, version: 1 })");
        if (map.Get("roots") is not IpldList roots) throw Invalid("the header has no roots");
        return [.. roots.Items.Select(r => r is IpldLink link ? link.Value : throw Invalid("a root is not a link"))];
    }

    /// <summary>The next block and its CID, or null at the end of the archive.</summary>
    public async Task<(Cid Cid, byte[] Block)?> ReadBlockAsync(CancellationToken cancellation = default)
    {
        long at = _offset;
        var length = await ReadVarintAsync(cancellation);
        if (length is null) return null;
        if (length is 0 or > MaxSectionBytes) throw Invalid($"a section of {length} bytes at byte {at}");
        var section = await ReadExactlyAsync((int)length, cancellation);
        if (section.Length < Cid.ByteLength || !Cid.TryFromBytes(section.AsSpan(0, Cid.ByteLength), out var cid))
            throw Invalid($"the section at byte {at} does not start with a CIDv1 (dag-cbor or raw, sha2-256)");
        var block = section[Cid.ByteLength..];
        if (!cid.HashMatches(block)) throw Invalid($"the block at byte {at} does not hash to its CID {cid}");
        return (cid, block);
    }

    private async Task<ulong?> ReadVarintAsync(CancellationToken cancellation)
    {
        ulong value = 0;
        var one = new byte[1];
        for (int shift = 0; ; shift += 7)
        {
            int read = await input.ReadAsync(one, cancellation);
            if (read == 0)
            {
                if (shift == 0) return null;
                throw Invalid("the archive ends inside a length");
            }
            _offset++;
            if (shift > 56) throw Invalid("a length is too long");
            value |= (ulong)(one[0] & 0x7F) << shift;
            if ((one[0] & 0x80) == 0) return value;
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int length, CancellationToken cancellation)
    {
        var buffer = new byte[length];
        try { await input.ReadExactlyAsync(buffer, cancellation); }
        catch (EndOfStreamException) { throw Invalid("the archive ends inside a section"); }
        _offset += length;
        return buffer;
    }

    private static InvalidInputException Invalid(string why) => new(ErrorCodes.InvalidCbor, $"Not a valid CAR archive: {why}.");
}

namespace Causeway.Encoding;

/// <summary>Writes a CARv1 archive: a varint-prefixed DAG-CBOR header <c>{ "roots": [..], "version": 1 }</c>,
/// then one section per block: varint(length of CID + block), the binary CID, the block.</summary>
public sealed class CarWriter(Stream output)
{
    private readonly byte[] _varint = new byte[10];

    public async Task WriteHeaderAsync(IReadOnlyList<Cid> roots, CancellationToken cancellation = default)
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(2);
        writer.WriteText("roots");
        writer.WriteStartArray(roots.Count);
        foreach (var root in roots) writer.WriteLink(root);
        writer.WriteEndArray();
        writer.WriteText("version");
        writer.WriteInt64(1);
        writer.WriteEndMap();
        var header = writer.Encode();
        await WriteVarintAsync((ulong)header.Length, cancellation);
        await output.WriteAsync(header, cancellation);
    }

    public async Task WriteBlockAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellation = default)
    {
        var id = cid.Bytes.ToArray();
        await WriteVarintAsync((ulong)(id.Length + block.Length), cancellation);
        await output.WriteAsync(id, cancellation);
        await output.WriteAsync(block, cancellation);
    }

    private async Task WriteVarintAsync(ulong value, CancellationToken cancellation)
    {
        int n = Varint.Write(value, _varint);
        await output.WriteAsync(_varint.AsMemory(0, n), cancellation);
    }
}

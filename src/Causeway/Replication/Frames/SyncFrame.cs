using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>One message of the sync protocol. Every frame is a DAG-CBOR array whose first item
/// names its type (its tag); docs/sync-protocol.md is the exact specification. Each frame writes and
/// reads its own items; <see cref="SyncFrameCodec"/> frames them and picks the reader by tag.</summary>
public abstract record SyncFrame
{
    public const int ProtocolVersion = 1;

    /// <summary>Frames above this size are refused before they are read: the largest document (16 MiB)
    /// with its commit fits in one frame with room to spare.</summary>
    public const int MaxBytes = 40 << 20;

    /// <summary>Writes the frame's array up to its last item (the codec closes it): see <see cref="Begin"/>.</summary>
    internal abstract void Write(DagCborWriter w);

    /// <summary>Opens a frame's array of <paramref name="length"/> items, the tag among them, and writes the tag.</summary>
    private protected static void Begin(DagCborWriter w, string tag, int length)
    {
        w.WriteStartArray(length);
        w.WriteText(tag);
    }
}

using System.Collections.Frozen;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>Encodes and decodes frames. Decoding refuses anything not shaped exactly like a frame,
/// with <see cref="SyncRefusedException"/>, so a garbage frame ends the session and nothing else.</summary>
public static class SyncFrameCodec
{
    /// <summary>Reads the items after the tag of a frame of <c>length</c> items (the tag included),
    /// or answers null when the frame has no shape of that length.</summary>
    private delegate SyncFrame? Reader(DagCborReader r, int length);

    /// <summary>Every frame, by tag: the one place a frame type is registered.</summary>
    private static readonly FrozenDictionary<string, Reader> Readers = new Dictionary<string, Reader>
    {
        [HelloFrame.Tag] = HelloFrame.Read,
        [ProofFrame.Tag] = ProofFrame.Read,
        [CommitsFrame.Tag] = CommitsFrame.Read,
        [AckFrame.Tag] = AckFrame.Read,
        [ReadyFrame.Tag] = ReadyFrame.Read,
        [ErrorFrame.Tag] = ErrorFrame.Read,
        [AskFrame.Tag] = AskFrame.Read,
        [AnswerFrame.Tag] = AnswerFrame.Read,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static byte[] Encode(SyncFrame frame, DagCborWriter? scratch = null)
    {
        var w = scratch ?? new DagCborWriter();
        Write(frame, w);
        return w.Encode();
    }

    /// <summary>Encodes a frame into <paramref name="buffer"/> (replaced by a larger one when it is too
    /// small) and answers its length.</summary>
    internal static int Encode(SyncFrame frame, DagCborWriter scratch, ref byte[] buffer)
    {
        Write(frame, scratch);
        if (buffer.Length < scratch.BytesWritten) buffer = new byte[Math.Max(scratch.BytesWritten, buffer.Length * 2)];
        return scratch.Encode(buffer);
    }

    private static void Write(SyncFrame frame, DagCborWriter w)
    {
        w.Reset();
        frame.Write(w);
        w.WriteEndArray();
    }

    public static SyncFrame Decode(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > SyncFrame.MaxBytes) throw Refusal.PeerSent($"a frame of {bytes.Length} bytes is over the limit of {SyncFrame.MaxBytes}");
        try
        {
            var r = new DagCborReader(bytes);
            int n = r.ReadStartArray();
            if (n < 1) throw Refusal.PeerSent("an empty frame");
            string type = r.ReadText();
            var frame = (Readers.TryGetValue(type, out var read) ? read(r, n) : null)
                ?? throw Refusal.PeerSent($"an unknown frame '{Documents.Names.Clip(type)}' with {n} items");
            r.ReadEndArray();
            r.ReadEnd();
            return frame;
        }
        catch (SyncRefusedException) { throw; }
        catch (Exception e) when (e is CausewayException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw Refusal.PeerSent($"a frame that does not decode ({e.Message})");
        }
    }

    /// <summary>What a replica signs to prove it holds its key: the peer's fresh nonce, bound to the database and the signer.</summary>
    public static byte[] ProofPayload(string database, byte[] peerNonce, string signer)
    {
        var w = new DagCborWriter();
        w.WriteStartArray(4);
        w.WriteText("causeway-sync/1");
        w.WriteText(database);
        w.WriteBytes(peerNonce);
        w.WriteText(signer);
        w.WriteEndArray();
        return w.Encode();
    }
}

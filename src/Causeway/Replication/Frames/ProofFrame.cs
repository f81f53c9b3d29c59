using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>The sender's signature over the peer's nonce: it holds the key of the DID it named
/// (the signed payload is <see cref="SyncFrameCodec.ProofPayload"/>).</summary>
public sealed record ProofFrame(byte[] Signature) : SyncFrame
{
    internal const string Tag = "proof";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 2);
        w.WriteBytes(Signature);
    }

    internal static ProofFrame? Read(DagCborReader r, int length) => length != 2 ? null : new(r.ReadBytes());
}

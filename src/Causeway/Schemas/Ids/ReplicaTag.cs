using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Causeway.Schemas;

/// <summary>A 32-bit tag of a replica: the first 4 bytes (big-endian) of SHA-256 over the UTF-8 of
/// its DID. Generated ids carry it so that two replicas' ids differ even when their clocks and
/// counters agree. Tags of distinct DIDs collide only by chance (about n²/2³³ for n replicas).</summary>
public readonly record struct ReplicaTag(uint Value)
{
    public static ReplicaTag Of(string replicaDid)
    {
        ArgumentException.ThrowIfNullOrEmpty(replicaDid);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(replicaDid), hash);
        return new(BinaryPrimitives.ReadUInt32BigEndian(hash));
    }

    /// <summary>8 lower-case hex digits, e.g. "0a1b2c3d".</summary>
    public override string ToString() => Value.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}

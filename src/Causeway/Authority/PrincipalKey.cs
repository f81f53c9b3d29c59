using Causeway.Security;

namespace Causeway.Authority;

/// <summary>A principal's Ed25519 key and its did:key name: who issues, holds and invokes capabilities.
/// The file holds the 32-byte seed, mode 0600, as a replica's <c>identity.key</c> does.</summary>
public sealed class PrincipalKey : IDisposable
{
    /// <summary>The file <c>causeway key</c> uses when none is named.</summary>
    public const string DefaultFileName = "causeway.key";

    private readonly ReplicaIdentity _key;

    private PrincipalKey(ReplicaIdentity key) => _key = key;

    public string Did => _key.Did;
    public byte[] PublicKey => _key.PublicKey;

    public static PrincipalKey Create() => new(ReplicaIdentity.Create());

    public static PrincipalKey FromSeed(ReadOnlySpan<byte> seed) => new(ReplicaIdentity.FromSeed(seed));

    /// <summary>Reads a key file (the 32-byte seed).</summary>
    public static PrincipalKey Load(string path) => new(ReplicaIdentity.Load(path));

    /// <summary>Writes the key to a new file, mode 0600; an existing file is refused.</summary>
    public void Save(string path) => _key.Save(path);

    public byte[] Sign(ReadOnlySpan<byte> data) => _key.Sign(data);

    public void Dispose() => _key.Dispose();
}

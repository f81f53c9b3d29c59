using Causeway.Authority;

namespace Causeway.Security;

/// <summary>A replica's Ed25519 key and its did:key name: the principal that signs the commits this
/// replica makes. The key lives in the replica's folder as <c>identity.key</c> (the 32-byte seed,
/// file mode 0600).</summary>
public sealed class ReplicaIdentity : IDisposable
{
    public const string FileName = "identity.key";

    private ReplicaIdentity(PrincipalKey key) => Key = key;

    /// <summary>The key as a principal: a replica issues and holds capabilities like any other.</summary>
    public PrincipalKey Key { get; }
    public string Did => Key.Did;
    public byte[] PublicKey => Key.PublicKey;

    /// <summary>A fresh key that lives only in memory (tests, simulation).</summary>
    public static ReplicaIdentity CreateEphemeral() => new(PrincipalKey.Create());

    public static ReplicaIdentity FromSeed(ReadOnlySpan<byte> seed) => new(PrincipalKey.FromSeed(seed));

    /// <summary>Loads the key from <paramref name="folder"/>, creating it on first use.</summary>
    public static ReplicaIdentity LoadOrCreate(string folder) => new(PrincipalKey.LoadOrCreate(Path.Combine(folder, FileName)));

    /// <summary>A key from a file of its 32-byte seed.</summary>
    public static ReplicaIdentity Load(string path) => new(PrincipalKey.Load(path));

    /// <summary>A fresh key, in memory until saved.</summary>
    public static ReplicaIdentity Create() => new(PrincipalKey.Create());

    public void Save(string path) => Key.Save(path);

    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Key.Sign(data, signature);

    public byte[] Sign(ReadOnlySpan<byte> data) => Key.Sign(data);

    public void Dispose() => Key.Dispose();
}

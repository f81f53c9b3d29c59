using Causeway.Errors;
using NSec.Cryptography;

namespace Causeway.Security;

/// <summary>A replica's Ed25519 key pair and its did:key name. The private key lives in the
/// replica's folder as <c>identity.key</c> (the 32-byte seed, file mode 0600).</summary>
public sealed class ReplicaIdentity : IDisposable
{
    public const string FileName = "identity.key";
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private ReplicaIdentity(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Did = DidKey.FromPublicKey(PublicKey);
    }

    public string Did { get; }
    public byte[] PublicKey { get; }

    /// <summary>A fresh key that lives only in memory (tests, simulation).</summary>
    public static ReplicaIdentity CreateEphemeral() => new(Key.Create(Ed25519, Exportable));

    public static ReplicaIdentity FromSeed(ReadOnlySpan<byte> seed) => new(Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable));

    /// <summary>Loads the key from <paramref name="folder"/>, creating it on first use.</summary>
    public static ReplicaIdentity LoadOrCreate(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (File.Exists(path)) return Load(path);
        var identity = new ReplicaIdentity(Key.Create(Ed25519, Exportable));
        identity.Save(path);
        return identity;
    }

    /// <summary>A key from a file of its 32-byte seed.</summary>
    public static ReplicaIdentity Load(string path)
    {
        var seed = File.ReadAllBytes(path);
        if (seed.Length != 32) throw new CorruptDataException($"'{path}' is not a 32-byte Ed25519 seed.");
        return FromSeed(seed);
    }

    /// <summary>A fresh key, in memory until saved.</summary>
    public static ReplicaIdentity Create() => new(Key.Create(Ed25519, Exportable));

    /// <summary>Writes the 32-byte seed to <paramref name="path"/> (mode 0600 off Windows), through a
    /// temporary file so a crash leaves no half key; an existing file is never replaced.</summary>
    public void Save(string path)
    {
        if (File.Exists(path)) throw new IOException($"'{path}' already exists; a key file is never overwritten.");
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
        {
            file.Write(_key.Export(KeyBlobFormat.RawPrivateKey));
            file.Flush(flushToDisk: true);
        }
        try { File.Move(temp, path, overwrite: false); }
        catch (IOException) { File.Delete(temp); throw; }
    }

    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Ed25519.Sign(_key, data, signature);

    public byte[] Sign(ReadOnlySpan<byte> data) => Ed25519.Sign(_key, data);

    public void Dispose() => _key.Dispose();

    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}

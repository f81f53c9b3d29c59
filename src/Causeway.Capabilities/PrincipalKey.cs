using Causeway.Errors;
using Causeway.Security;
using NSec.Cryptography;

namespace Causeway.Authority;

/// <summary>A principal's Ed25519 key and its did:key name: who issues, holds and invokes capabilities
/// (a user, a device, a service, a replica). A key file holds the 32-byte seed, mode 0600.</summary>
public sealed class PrincipalKey : IDisposable
{
    /// <summary>The file <c>causeway key</c> uses when none is named.</summary>
    public const string DefaultFileName = "causeway.key";
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private PrincipalKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Did = DidKey.FromPublicKey(PublicKey);
    }

    public string Did { get; }
    public byte[] PublicKey { get; }

    /// <summary>A fresh key, in memory until saved.</summary>
    public static PrincipalKey Create() => new(Key.Create(Ed25519, Exportable));

    public static PrincipalKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32) throw new InvalidInputException(ErrorCodes.InvalidValue, $"An Ed25519 seed is 32 bytes, not {seed.Length}.");
        return new(Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable));
    }

    /// <summary>Reads a key file (the 32-byte seed).</summary>
    public static PrincipalKey Load(string path)
    {
        var seed = File.ReadAllBytes(path);
        if (seed.Length != 32) throw new CorruptDataException($"'{path}' is not a 32-byte Ed25519 seed.");
        return FromSeed(seed);
    }

    /// <summary>Loads the key from <paramref name="path"/>, creating and saving one on first use.</summary>
    public static PrincipalKey LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Load(path);
        var key = Create();
        key.Save(path);
        return key;
    }

    /// <summary>Writes the 32-byte seed to a new file (mode 0600 off Windows), through a temporary
    /// file so a crash leaves no half key, and syncs the folder so a power loss keeps the name;
    /// an existing file is never replaced.</summary>
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
        try { DurableFolder.Move(temp, path, overwrite: false); }
        catch (IOException) { File.Delete(temp); throw; }
    }

    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Ed25519.Sign(_key, data, signature);

    public byte[] Sign(ReadOnlySpan<byte> data) => Ed25519.Sign(_key, data);

    public void Dispose() => _key.Dispose();

    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}

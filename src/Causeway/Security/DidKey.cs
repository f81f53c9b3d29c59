using System.Collections.Concurrent;
using Causeway.Encoding;
using Causeway.Errors;
using NSec.Cryptography;

namespace Causeway.Security;

/// <summary><c>did:key</c> names for Ed25519 public keys: "did:key:z" + base58btc(0xed 0x01 ‖ key).
/// Anyone can read the public key back from the name, so a signature verifies with no lookup.</summary>
public static class DidKey
{
    public const string Prefix = "did:key:z";
    private static readonly byte[] Ed25519Multicodec = [0xED, 0x01];
    private static readonly ConcurrentDictionary<string, PublicKey> Cache = new(StringComparer.Ordinal);

    public static string FromPublicKey(ReadOnlySpan<byte> rawPublicKey)
    {
        if (rawPublicKey.Length != 32) throw new ArgumentException("An Ed25519 public key is 32 bytes.", nameof(rawPublicKey));
        Span<byte> prefixed = stackalloc byte[34];
        Ed25519Multicodec.CopyTo(prefixed);
        rawPublicKey.CopyTo(prefixed[2..]);
        return Prefix + Base58Btc.Encode(prefixed);
    }

    /// <summary>The 32-byte Ed25519 public key named by <paramref name="did"/>.</summary>
    public static byte[] ToRawPublicKey(string did)
    {
        if (did is null || !did.StartsWith(Prefix, StringComparison.Ordinal))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(did)}' is not a did:key name (it must start with '{Prefix}').");
        byte[] decoded;
        try { decoded = Base58Btc.Decode(did.AsSpan(Prefix.Length)); }
        catch (InvalidInputException) { throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(did)}' is not valid base58btc."); }
        if (decoded.Length != 34 || decoded[0] != Ed25519Multicodec[0] || decoded[1] != Ed25519Multicodec[1])
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(did)}' does not name an Ed25519 key (multicodec 0xed01, 32 bytes).");
        return decoded[2..];
    }

    /// <summary>Parses (and caches) the public key of a DID for signature checks.</summary>
    public static PublicKey ToPublicKey(string did) => Cache.TryGetValue(did, out var key) ? key : Cache.GetOrAdd(did, d =>
    {
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, ToRawPublicKey(d), KeyBlobFormat.RawPublicKey, out var imported) || imported is null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(d)}' holds bytes that are not an Ed25519 public key.");
        return imported;
    });

    /// <summary>Whether <paramref name="did"/> names an Ed25519 key.</summary>
    public static bool IsValid(string did)
    {
        try { ToPublicKey(did); return true; }
        catch (InvalidInputException) { return false; }
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="did"/>'s Ed25519 signature of <paramref name="data"/>.</summary>
    public static bool Verify(string did, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        PublicKey key;
        try { key = ToPublicKey(did); }
        catch (InvalidInputException) { return false; }
        return signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(key, data, signature);
    }
}

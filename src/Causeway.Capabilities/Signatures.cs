using System.Collections.Concurrent;
using Causeway.Errors;
using NSec.Cryptography;

namespace Causeway.Security;

/// <summary>Ed25519 signature checks against the key a <see cref="DidKey"/> name carries.</summary>
public static class Signatures
{
    private static readonly ConcurrentDictionary<string, PublicKey> Cache = new(StringComparer.Ordinal);

    /// <summary>Parses (and caches) the public key of a DID for signature checks.</summary>
    public static PublicKey ToPublicKey(string did) => Cache.TryGetValue(did, out var key) ? key : Cache.GetOrAdd(did, d =>
    {
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, DidKey.ToRawPublicKey(d), KeyBlobFormat.RawPublicKey, out var imported) || imported is null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(d)}' holds bytes that are not an Ed25519 public key.");
        return imported;
    });

    /// <summary>True when <paramref name="signature"/> is <paramref name="did"/>'s Ed25519 signature of <paramref name="data"/>.</summary>
    public static bool Verify(string did, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        PublicKey key;
        try { key = ToPublicKey(did); }
        catch (InvalidInputException) { return false; }
        return signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(key, data, signature);
    }
}

using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Security;

/// <summary><c>did:key</c> names for Ed25519 public keys: "did:key:z" + base58btc(0xed 0x01 ‖ key).
/// Anyone can read the public key back from the name, so a signature verifies with no lookup.</summary>
public static class DidKey
{
    public const string Prefix = "did:key:z";
    private static readonly byte[] Ed25519Multicodec = [0xED, 0x01];

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

    /// <summary>Whether <paramref name="did"/> is a well-formed did:key name of an Ed25519 key.</summary>
    public static bool IsValid(string did)
    {
        try { ToRawPublicKey(did); return true; }
        catch (InvalidInputException) { return false; }
    }

}

namespace Causeway.Authority;

/// <summary>The varsig header at the head of a UCAN's signed payload: which signature algorithm,
/// hash and payload encoding the signature covers. Causeway signs with Ed25519 over DAG-CBOR.</summary>
public static class Varsig
{
    /// <summary>The varsig 1.0 header for Ed25519 (EdDSA over edwards25519, SHA2-512) of a DAG-CBOR
    /// payload: what UCAN 1.0 specifies and what Causeway writes.</summary>
    public static ReadOnlySpan<byte> Ed25519 => [0x34, 0x01, 0xED, 0x01, 0xED, 0x01, 0x13, 0x71];

    /// <summary>The same header without the version byte, as varsig drafts before 1.0 wrote it and
    /// some UCAN libraries still emit. Read, never written.</summary>
    public static ReadOnlySpan<byte> Ed25519Draft => [0x34, 0xED, 0x01, 0xED, 0x01, 0x13, 0x71];

    /// <summary>Whether <paramref name="header"/> is one of the two Ed25519 / DAG-CBOR headers.</summary>
    public static bool IsEd25519(ReadOnlySpan<byte> header) => header.SequenceEqual(Ed25519) || header.SequenceEqual(Ed25519Draft);
}

using System.Security.Cryptography;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Security;

namespace Causeway.Authority;

/// <summary>The signed container of every UCAN 1.0 token:
/// <c>[signature, {"h": varsig header, "ucan/&lt;kind&gt;@&lt;version&gt;": payload}]</c> in DAG-CBOR,
/// the signature over the DAG-CBOR of the second element. A token's CID is the CIDv1 (DAG-CBOR,
/// SHA2-256) of the whole envelope's bytes.</summary>
public sealed class Envelope
{
    /// <summary>The largest token read: tokens are small, and a bound keeps a hostile one cheap.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The version Causeway writes; <c>1.0.0-rc.1</c> is also read.</summary>
    public const string Version = "1.0.0";
    private static readonly string[] ReadVersions = [Version, "1.0.0-rc.1"];

    private Envelope(ReadOnlyMemory<byte> bytes, Cid cid, string kind, string version, IpldMap payload)
    {
        Bytes = bytes;
        Cid = cid;
        Kind = kind;
        TypeVersion = version;
        Payload = payload;
    }

    public ReadOnlyMemory<byte> Bytes { get; }
    public Cid Cid { get; }

    /// <summary><c>dlg</c> or <c>inv</c>.</summary>
    public string Kind { get; }

    /// <summary>The version of the type tag, <c>1.0.0</c> or <c>1.0.0-rc.1</c>.</summary>
    public string TypeVersion { get; }
    public IpldMap Payload { get; }

    /// <summary>Reads an envelope and checks its signature against the payload's <c>iss</c>.</summary>
    /// <exception cref="UcanException"><see cref="UcanError.Malformed"/> or <see cref="UcanError.InvalidSignature"/>.</exception>
    public static Envelope Read(ReadOnlyMemory<byte> bytes)
    {
        var cid = Cid.ForDagCbor(bytes.Span);
        if (bytes.Length > MaxBytes) throw Malformed($"Token {cid} is {bytes.Length} bytes, over the limit of {MaxBytes}.", cid);
        IpldNode root;
        try { root = DagCbor.Decode(bytes); }
        catch (NonCanonicalCborException e) { throw Malformed($"Token {cid} is not canonical DAG-CBOR: {e.Message}", cid); }
        if (root is not IpldList { Count: 2 } list || list[0] is not IpldBytes signature || list[1] is not IpldMap signed || signed.Count != 2)
            throw Malformed($"Token {cid} is not a UCAN envelope ([signature, {{h, tag: payload}}]).", cid);
        if (signed.Get("h") is not IpldBytes header) throw Malformed($"Token {cid} has no varsig header 'h'.", cid);
        if (!Varsig.IsEd25519(header.Value.Span))
            throw Malformed($"Token {cid} is signed with varsig header {Convert.ToHexString(header.Value.Span)}; only Ed25519 over DAG-CBOR is accepted.", cid);
        var (tag, body) = signed.Entries.First(e => e.Key != "h");
        var (kind, version) = ParseTag(tag, cid);
        if (body is not IpldMap payload) throw Malformed($"Token {cid}'s payload is not a map.", cid);
        if (payload.Get("iss") is not IpldString { Value: var issuer } || !DidKey.IsValid(issuer))
            throw Malformed($"Token {cid}'s issuer 'iss' is not an Ed25519 did:key.", cid);
        if (signature.Value.Length != 64 || !Signatures.Verify(issuer, DagCbor.Encode(signed), signature.Value.Span))
            throw new UcanException(UcanError.InvalidSignature, $"Token {cid}'s signature does not verify against its issuer {issuer}.", cid.ToString());
        return new Envelope(bytes, cid, kind, version, payload);
    }

    /// <summary>Signs <paramref name="payload"/> as a token of <paramref name="kind"/> (1.0.0 tag, 1.0 varsig header).</summary>
    public static byte[] Write(PrincipalKey issuer, string kind, IpldNode payload)
    {
        var signed = IpldNode.Map(("h", IpldNode.Bytes(Varsig.Ed25519)), ($"ucan/{kind}@{Version}", payload));
        byte[] signature = issuer.Sign(DagCbor.Encode(signed));
        return DagCbor.Encode(IpldNode.List(IpldNode.Bytes(signature), signed));
    }

    /// <summary>A fresh random nonce, as UCAN asks of every token.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(12);

    private static (string Kind, string Version) ParseTag(string tag, Cid cid)
    {
        foreach (var kind in new[] { "dlg", "inv" })
            foreach (var version in ReadVersions)
                if (tag == $"ucan/{kind}@{version}") return (kind, version);
        throw Malformed($"Token {cid} has type tag '{Documents.Names.Clip(tag)}'; expected ucan/dlg or ucan/inv at 1.0.0 or 1.0.0-rc.1.", cid);
    }

    internal static UcanException Malformed(string message, Cid? cid = null) => new(UcanError.Malformed, message, cid?.ToString());
}

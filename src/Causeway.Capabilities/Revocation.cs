using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>A revocation: an invocation of <c>/ucan/revoke</c> with <c>args: {"ucan": CID}</c> about the
/// owner, whose <c>prf</c> is the chain from the owner down to the revoked delegation (root first,
/// ending with it). Only an issuer in that chain may revoke: the revoker must be the <c>iss</c> of one
/// of its links. It is self-proving, so any replica can check it with no other state.</summary>
public sealed class Revocation
{
    public const string CommandName = "/ucan/revoke";

    private Revocation(Invocation token, Cid revoked, IReadOnlyList<Delegation>? chain = null)
    {
        Token = token;
        Revoked = revoked;
        Chain = chain ?? [];
    }

    /// <summary>The chain the token names, root first, when this revocation was made here (empty when read).</summary>
    public IReadOnlyList<Delegation> Chain { get; }

    public Invocation Token { get; }

    /// <summary>The delegation it revokes.</summary>
    public Cid Revoked { get; }
    public string Revoker => Token.Issuer;
    public Cid Cid => Token.Cid;

    /// <summary>Signs a revocation of the last link of <paramref name="chain"/> (root first) by <paramref name="revoker"/>.</summary>
    /// <exception cref="UcanException">The revoker is not an issuer in the chain, or the chain does not line up.</exception>
    public static Revocation Create(PrincipalKey revoker, string owner, IReadOnlyList<Delegation> chain, DateTimeOffset? issuedAt = null, byte[]? nonce = null)
    {
        if (chain.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "A revocation names the chain down to the delegation it revokes.");
        var token = Invocation.Create(revoker, owner, CommandName,
            Value.Map([new("ucan", Value.Map([new("/", Value.String(chain[^1].Cid.ToString()))]))]),
            chain.Select(d => d.Cid), issuedAt: issuedAt, nonce: nonce);
        var revocation = new Revocation(token, chain[^1].Cid, chain);
        revocation.Check(owner, cid => chain.FirstOrDefault(d => d.Cid == cid));
        return revocation;
    }

    /// <summary>Reads a revocation (its signature checked).</summary>
    /// <exception cref="UcanException">Not an invocation of /ucan/revoke with a CID in args.ucan.</exception>
    public static Revocation Read(ReadOnlyMemory<byte> bytes)
    {
        var token = Invocation.Read(bytes);
        if (token.Command != CommandName) throw new UcanException(UcanError.Malformed, $"Token {token.Cid} invokes {token.Command}, not {CommandName}.", token.Cid.ToString());
        if (token.Arguments.Get("ucan") is not { Kind: ValueKind.Map } link || link.Get("/") is not { Kind: ValueKind.String } text || !Cid.TryParse(text.AsString(), out var revoked))
            throw new UcanException(UcanError.Malformed, $"Revocation {token.Cid} does not name the delegation it revokes in args.ucan.", token.Cid.ToString());
        if (token.Proofs.Count == 0 || token.Proofs[^1] != revoked)
            throw new UcanException(UcanError.Malformed, $"Revocation {token.Cid}'s proofs do not end with the delegation it revokes ({revoked}).", token.Cid.ToString());
        return new Revocation(token, revoked);
    }

    /// <summary>Checks that the chain in <c>prf</c> leads from <paramref name="owner"/> to the revoked
    /// delegation and that the revoker issued one of its links.</summary>
    /// <exception cref="UcanException">The first fault, naming the token by CID.</exception>
    public void Check(string owner, Func<Cid, Delegation?> resolve)
    {
        if (Token.Subject != owner) throw new UcanException(UcanError.InvalidSubject, $"Revocation {Cid} is about {Token.Subject}, not the owner {owner}.", Cid.ToString());
        if (Token.Proofs.Count > ProofChain.MaxLength) throw new UcanException(UcanError.Malformed, $"Revocation {Cid} names {Token.Proofs.Count} proofs; at most {ProofChain.MaxLength} are accepted.", Cid.ToString());
        var links = Token.Proofs.Select(p => resolve(p) ?? throw new UcanException(UcanError.UnavailableProof, $"Revocation {Cid} names proof {p}, which is not here.", p.ToString())).ToList();
        if (links[0].Issuer != owner || links[0].Subject != owner)
            throw new UcanException(UcanError.InvalidClaim, $"Revocation {Cid}'s chain does not start with a delegation issued by the owner {owner}.", links[0].Cid.ToString());
        for (int i = 0; i + 1 < links.Count; i++)
            if (links[i].Audience != links[i + 1].Issuer)
                throw new UcanException(UcanError.InvalidAudience, $"Revocation {Cid}'s proof {links[i].Cid} was delegated to {links[i].Audience}, not to {links[i + 1].Issuer}.", links[i].Cid.ToString());
        if (!links.Any(l => l.Issuer == Revoker))
            throw new UcanException(UcanError.InvalidClaim, $"Revocation {Cid} is by {Revoker}, who issued no delegation in the chain of {Revoked}; only an issuer in it may revoke.", Cid.ToString());
    }
}

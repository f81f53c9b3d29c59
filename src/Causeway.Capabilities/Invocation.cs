using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>A UCAN 1.0 invocation: <see cref="Issuer"/> asks to run <see cref="Command"/> with
/// <see cref="Arguments"/> on <see cref="Subject"/>, proven by the delegations <see cref="Proofs"/>
/// names, root (issued by the subject) first, the last one delegated to the issuer.</summary>
public sealed class Invocation
{
    private static readonly HashSet<string> Fields = ["iss", "sub", "aud", "cmd", "args", "prf", "meta", "nonce", "exp", "iat", "cause"];

    private Invocation(Envelope envelope)
    {
        var fields = new PayloadFields(envelope, Fields);
        fields.RejectUnknown();
        Envelope = envelope;
        Issuer = fields.Did("iss");
        Subject = fields.Did("sub");
        Audience = fields.OptionalDid("aud");
        Command = fields.Command("cmd");
        Arguments = fields.Map("args", required: true)!;
        Proofs = fields.Links("prf");
        Meta = fields.Map("meta", required: false);
        Nonce = fields.Bytes("nonce");
        Expiration = fields.Time("exp", required: true);
        IssuedAt = fields.Time("iat", required: false);
        Cause = fields.OptionalLink("cause");
    }

    public Envelope Envelope { get; }
    public Cid Cid => Envelope.Cid;
    public ReadOnlyMemory<byte> Bytes => Envelope.Bytes;

    public string Issuer { get; }
    public string Subject { get; }

    /// <summary>Who is to run it, when not the subject itself.</summary>
    public string? Audience { get; }
    public string Command { get; }
    public Value Arguments { get; }
    public IReadOnlyList<Cid> Proofs { get; }
    public Value? Meta { get; }
    public byte[] Nonce { get; }

    /// <summary>Seconds since the Unix epoch, or null for never.</summary>
    public long? Expiration { get; }
    public long? IssuedAt { get; }
    public Cid? Cause { get; }

    /// <summary>Reads an invocation and checks its signature.</summary>
    /// <exception cref="UcanException">Malformed, not an invocation, or a bad signature.</exception>
    public static Invocation Read(ReadOnlyMemory<byte> bytes) => Read(Envelope.Read(bytes));

    /// <summary>Reads an invocation from an envelope already read (and its signature checked).</summary>
    /// <exception cref="UcanException">Malformed, or not an invocation.</exception>
    public static Invocation Read(Envelope envelope)
    {
        if (envelope.Kind != "inv") throw Envelope.Malformed($"Token {envelope.Cid} is a delegation, not an invocation.", envelope.Cid);
        return new Invocation(envelope);
    }

    /// <summary>Signs a new invocation from <paramref name="issuer"/>.</summary>
    /// <param name="proofs">The delegations that prove it, root first (empty when the issuer is the subject).</param>
    public static Invocation Create(PrincipalKey issuer, string subject, string command, Value arguments, IEnumerable<Cid> proofs,
        string? audience = null, DateTimeOffset? expires = null, DateTimeOffset? issuedAt = null, Value? meta = null, byte[]? nonce = null, Cid? cause = null)
    {
        Authority.Command.Validate(command);
        if (arguments.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidValue, "An invocation's arguments are a map.");
        var fields = new List<(string, IpldNode)>
        {
            ("iss", IpldNode.String(issuer.Did)),
            ("sub", IpldNode.String(subject)),
            ("cmd", IpldNode.String(command)),
            ("args", IpldValues.ToIpld(arguments)),
            ("prf", IpldNode.List(proofs.Select(p => (IpldNode)new IpldLink(p)))),
            ("nonce", IpldNode.Bytes(nonce ?? Envelope.NewNonce())),
            ("exp", expires is { } e ? IpldNode.Integer(e.ToUnixTimeSeconds()) : IpldNode.Null),
        };
        if (audience is not null) fields.Add(("aud", IpldNode.String(audience)));
        if (issuedAt is { } i) fields.Add(("iat", IpldNode.Integer(i.ToUnixTimeSeconds())));
        if (meta is not null) fields.Add(("meta", IpldValues.ToIpld(meta)));
        if (cause is { } c) fields.Add(("cause", new IpldLink(c)));
        return Read(Envelope.Write(issuer, "inv", IpldNode.Map(fields)));
    }

    /// <summary>Checks this invocation at <paramref name="now"/> (Unix seconds): not expired, every proof
    /// found by <paramref name="resolve"/>, the chain sound, and its commands and policies allow this
    /// command with these arguments. Replay is the caller's to refuse (by <see cref="Cid"/>).</summary>
    /// <exception cref="UcanException">The first fault, naming the token or proof by CID.</exception>
    public ProofChain Validate(Func<Cid, Delegation?> resolve, long now, Func<Cid, bool>? isRevoked = null)
    {
        var chain = Establish(resolve, now, isRevoked);
        chain.Authorize(Command, Arguments);
        return chain;
    }

    /// <summary>Everything <see cref="Validate"/> checks except the proofs' policies: not expired, every
    /// proof found, the chain sound, and every proof's command covering this invocation's. For a
    /// service that evaluates the policies on the arguments of what it actually does (each document a
    /// request touches) with <see cref="ProofChain.Authorize"/>.</summary>
    /// <exception cref="UcanException">The first fault, naming the token or proof by CID.</exception>
    public ProofChain Establish(Func<Cid, Delegation?> resolve, long now, Func<Cid, bool>? isRevoked = null)
    {
        if (Expiration is { } exp && now > exp + (long)ProofChain.ClockSkew.TotalSeconds)
            throw new UcanException(UcanError.Expired, $"Invocation {Cid} expired at {DateTimeOffset.FromUnixTimeSeconds(exp):u}.", Cid.ToString());
        if (Proofs.Count > ProofChain.MaxLength)
            throw new UcanException(UcanError.Malformed, $"Invocation {Cid} names {Proofs.Count} proofs; at most {ProofChain.MaxLength} are accepted.", Cid.ToString());
        if (Proofs.Count == 0 && Issuer != Subject)
            throw new UcanException(UcanError.InvalidClaim, $"Invocation {Cid} by {Issuer} names no proof of authority over {Subject}; only the subject itself needs none.", Cid.ToString());
        var links = new List<Delegation>(Proofs.Count);
        foreach (var proof in Proofs)
            links.Add(resolve(proof) ?? throw new UcanException(UcanError.UnavailableProof, $"Invocation {Cid} names proof {proof}, which was neither sent nor is held here.", proof.ToString()));
        var chain = ProofChain.Establish(Issuer, Subject, links, now, isRevoked);
        chain.AuthorizeCommand(Command);
        return chain;
    }

    public override string ToString() => $"{Cid}: {Issuer} runs {Command} on {Subject}";
}

using Causeway.Authority.Policies;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>A UCAN 1.0 delegation: <see cref="Issuer"/> lets <see cref="Audience"/> use
/// <see cref="Command"/> (and the commands under it) on <see cref="Subject"/>, for arguments that
/// satisfy <see cref="Policy"/>, between <see cref="NotBefore"/> and <see cref="Expiration"/>.
/// A null subject is a powerline: whatever the issuer may delegate, on any subject.</summary>
public sealed class Delegation
{
    private static readonly HashSet<string> Fields = ["iss", "aud", "sub", "cmd", "pol", "nonce", "meta", "nbf", "exp"];

    private Delegation(Envelope envelope)
    {
        var fields = new PayloadFields(envelope, Fields);
        fields.RejectUnknown();
        Envelope = envelope;
        Issuer = fields.Did("iss");
        Audience = fields.Did("aud");
        Subject = fields.NullableDid("sub");
        Command = fields.Command("cmd");
        PolicyForm = fields.List("pol");
        try { Policy = Policy.Parse(PolicyForm); }
        catch (InvalidInputException e) { throw Envelope.Malformed($"Token {envelope.Cid}'s policy is not valid: {e.Message}", envelope.Cid); }
        Nonce = fields.Bytes("nonce");
        Meta = fields.Map("meta", required: false);
        NotBefore = fields.Time("nbf", required: false);
        Expiration = fields.Time("exp", required: true);
    }

    public Envelope Envelope { get; }
    public Cid Cid => Envelope.Cid;
    public ReadOnlyMemory<byte> Bytes => Envelope.Bytes;

    public string Issuer { get; }
    public string Audience { get; }
    public string? Subject { get; }
    public string Command { get; }
    public Policy Policy { get; }

    /// <summary>The policy as written (a list of statements).</summary>
    public Value PolicyForm { get; }
    public byte[] Nonce { get; }
    public Value? Meta { get; }

    /// <summary>Seconds since the Unix epoch, or null for no bound.</summary>
    public long? NotBefore { get; }

    /// <summary>Seconds since the Unix epoch, or null for never.</summary>
    public long? Expiration { get; }

    public bool IsPowerline => Subject is null;

    /// <summary>Reads a delegation and checks its signature.</summary>
    /// <exception cref="UcanException">Malformed, not a delegation, or a bad signature.</exception>
    public static Delegation Read(ReadOnlyMemory<byte> bytes) => Read(Envelope.Read(bytes));

    /// <summary>Reads a delegation from an envelope already read (and its signature checked), as a
    /// caller that takes either kind of token does.</summary>
    /// <exception cref="UcanException">Malformed, or not a delegation.</exception>
    public static Delegation Read(Envelope envelope)
    {
        if (envelope.Kind != "dlg") throw Envelope.Malformed($"Token {envelope.Cid} is an invocation, not a delegation.", envelope.Cid);
        return new Delegation(envelope);
    }

    /// <summary>Signs a new delegation from <paramref name="issuer"/>.</summary>
    /// <param name="policy">A list of policy statements; none means any arguments.</param>
    public static Delegation Create(PrincipalKey issuer, string audience, string? subject, string command,
        Value? policy = null, DateTimeOffset? expires = null, DateTimeOffset? notBefore = null, Value? meta = null, byte[]? nonce = null)
    {
        Authority.Command.Validate(command);
        var pol = policy ?? Value.Array([]);
        Policy.Parse(pol);
        var fields = new List<(string, IpldNode)>
        {
            ("iss", IpldNode.String(issuer.Did)),
            ("aud", IpldNode.String(audience)),
            ("sub", subject is null ? IpldNode.Null : IpldNode.String(subject)),
            ("cmd", IpldNode.String(command)),
            ("pol", IpldValues.ToIpld(pol)),
            ("nonce", IpldNode.Bytes(nonce ?? Envelope.NewNonce())),
            ("exp", expires is { } e ? IpldNode.Integer(e.ToUnixTimeSeconds()) : IpldNode.Null),
        };
        if (notBefore is { } n) fields.Add(("nbf", IpldNode.Integer(n.ToUnixTimeSeconds())));
        if (meta is not null) fields.Add(("meta", IpldValues.ToIpld(meta)));
        return Read(Envelope.Write(issuer, "dlg", IpldNode.Map(fields)));
    }

    public override string ToString() => $"{Cid}: {Issuer} → {Audience}, {Command} on {Subject ?? "any subject"}";
}

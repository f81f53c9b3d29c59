using Causeway.Authority;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Server.Access;

/// <summary>A caller who came with a UCAN: an <see cref="Invocation"/> (good for this one request) or
/// a session <see cref="Delegation"/> to the server, and the <see cref="Chain"/> that proves it,
/// already established (signatures, time bounds, audiences, subject, revocations). What remains per
/// request: the subject must own the database, an invocation's own command and resource must cover
/// what the request does, and every link's command and policy must allow each command on each
/// resource the request touches.</summary>
public sealed class CapabilityPrincipal : Principal
{
    private static readonly string[] ResourceKeys = ["db", "coll", "id", "fn"];
    private readonly Func<string?, string> _ownerOf;

    internal CapabilityPrincipal(ProofChain chain, Invocation? invocation, Delegation? session, Func<string?, string> ownerOf)
    {
        Chain = chain;
        Invocation = invocation;
        Session = session;
        _ownerOf = ownerOf;
        Did = invocation?.Issuer ?? session?.Issuer ?? throw new ArgumentException("An invocation or a session delegation is needed.");
        Token = (invocation?.Cid ?? session!.Cid).ToString();
    }

    /// <summary>The delegations from the subject to the invoker (the server, for a session), root first.</summary>
    public ProofChain Chain { get; }

    /// <summary>The invocation the request came with, or null.</summary>
    public Invocation? Invocation { get; }

    /// <summary>The session delegation the request came with (its last link of <see cref="Chain"/>), or null.</summary>
    public Delegation? Session { get; }

    /// <summary>The CID of the token in the Authorization header.</summary>
    public string Token { get; }

    public override string Name => Did;
    public override string Did { get; }

    public override CausewayException? Refusal(string command, Value resource)
    {
        string? db = resource.Get("db") is { Kind: ValueKind.String } name ? name.AsString() : null;
        string owner = _ownerOf(db);
        if (owner != Chain.Subject)
            return new UcanException(UcanError.InvalidSubject,
                $"Token {Token} is about {Chain.Subject}, but {(db is null ? "this server's databases are" : $"database '{Documents.Names.Clip(db)}' is")} owned by {owner}.", Token);
        if (Invocation is { } invocation)
        {
            if (InvocationCommandRefusal(invocation, command) is { } refusal) return refusal;
            foreach (var key in ResourceKeys)
            {
                if (invocation.Arguments.Get(key) is not { } named) continue;
                var acted = resource.Get(key);
                if (named != acted)
                    return new UcanException(UcanError.MatchError,
                        $"Invocation {Token} names {key} {Documents.Names.Clip(named.ToString())}, but this request acts on {(acted is null ? $"no single {key}" : $"{key} {Documents.Names.Clip(acted.ToString())}")}.", Token);
            }
        }
        return Chain.Refusal(command, resource);
    }

    public override CausewayException? CommandRefusal(string command)
        => (Invocation is { } invocation ? InvocationCommandRefusal(invocation, command) : null) ?? Chain.CommandRefusal(command);

    private UcanException? InvocationCommandRefusal(Invocation invocation, string command)
        => Authority.Command.Proves(invocation.Command, command) ? null
            : new UcanException(UcanError.InvalidClaim, $"Invocation {Token} runs {invocation.Command}, which does not cover {command}, which this request needs.", Token);
}

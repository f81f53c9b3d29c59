using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>A chain of delegations from a subject to an invoker, checked for everything that does not
/// depend on what is invoked: signatures (checked when read), time bounds, that each link is
/// delegated to the next one's issuer, that every link is about the subject (or a powerline), and
/// that the root is the subject's own. <see cref="Authorize"/> then checks a command and arguments
/// against every link's command and policy.</summary>
public sealed class ProofChain
{
    /// <summary>The longest chain accepted. Real chains are a handful of links; a bound keeps a
    /// hostile one cheap.</summary>
    public const int MaxLength = 32;

    /// <summary>How far clocks may disagree: a token counts as valid this long after its <c>exp</c>
    /// and this long before its <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    private readonly Delegation[] _links;

    private ProofChain(string invoker, string subject, Delegation[] links)
    {
        Invoker = invoker;
        Subject = subject;
        _links = links;
    }

    /// <summary>Who the chain ends at (the invocation's issuer, or the service a session delegation is for).</summary>
    public string Invoker { get; }
    public string Subject { get; }

    /// <summary>Root first.</summary>
    public IReadOnlyList<Delegation> Links => _links;

    /// <summary>The earliest <c>exp</c> of the chain (seconds), or null when no link expires.</summary>
    public long? Expiration => _links.Select(l => l.Expiration).Where(e => e is not null).Min();

    /// <summary>Whether every link's time bounds hold at <paramref name="now"/> (Unix seconds), as
    /// <see cref="Establish"/> judges them: what a chain established once needs to serve another time.</summary>
    public bool InForceAt(long now)
    {
        long skew = (long)ClockSkew.TotalSeconds;
        foreach (var link in _links)
        {
            if (link.Expiration is { } exp && now > exp + skew) return false;
            if (link.NotBefore is { } nbf && now + skew < nbf) return false;
        }
        return true;
    }

    /// <summary>Checks a chain, root first, that should give <paramref name="invoker"/> authority over
    /// <paramref name="subject"/> at <paramref name="now"/> (Unix seconds).</summary>
    /// <exception cref="UcanException">The first link at fault, named by CID, and why.</exception>
    public static ProofChain Establish(string invoker, string subject, IReadOnlyList<Delegation> links, long now, Func<Cid, bool>? isRevoked = null)
    {
        if (links.Count > MaxLength)
            throw new UcanException(UcanError.Malformed, $"A chain of {links.Count} proofs is longer than the {MaxLength} accepted.");
        if (links.Count == 0)
        {
            if (invoker != subject)
                throw new UcanException(UcanError.InvalidClaim, $"{invoker} shows no proof of authority over {subject}; only the subject itself needs none.");
            return new ProofChain(invoker, subject, []);
        }
        var seen = new HashSet<Cid>();
        long skew = (long)ClockSkew.TotalSeconds;
        for (int i = 0; i < links.Count; i++)
        {
            var link = links[i];
            string cid = link.Cid.ToString();   // for the refusals; a chain is established once per use, not per operation
            if (!seen.Add(link.Cid)) throw new UcanException(UcanError.InvalidClaim, $"Proof {cid} appears twice in one chain.", cid);
            if (isRevoked?.Invoke(link.Cid) == true) throw new UcanException(UcanError.Revoked, $"Proof {cid} ({link.Issuer} → {link.Audience}) was revoked.", cid);
            if (link.Expiration is { } exp && now > exp + skew)
                throw new UcanException(UcanError.Expired, $"Proof {cid} expired at {Format(exp)}.", cid);
            if (link.NotBefore is { } nbf && now + skew < nbf)
                throw new UcanException(UcanError.TooEarly, $"Proof {cid} is not valid before {Format(nbf)}.", cid);
            if (i == 0)
            {
                if (link.Subject is null)
                    throw new UcanException(UcanError.InvalidClaim, $"Proof {cid} is a powerline (sub: null) at the root; the root must be issued by the subject {subject}.", cid);
                if (link.Subject != subject)
                    throw new UcanException(UcanError.InvalidSubject, $"Proof {cid} is about {link.Subject}, not the subject {subject}.", cid);
                if (link.Issuer != link.Subject)
                    throw new UcanException(UcanError.InvalidClaim, $"Proof {cid} is the root but was issued by {link.Issuer}, not by its subject {link.Subject}.", cid);
            }
            else if (link.Subject is not null && link.Subject != subject)
                throw new UcanException(UcanError.InvalidSubject, $"Proof {cid} is about {link.Subject}, not the subject {subject}.", cid);
            string next = i + 1 < links.Count ? links[i + 1].Issuer : invoker;
            if (link.Audience != next)
                throw new UcanException(UcanError.InvalidAudience,
                    $"Proof {cid} was delegated to {link.Audience}, but the next in the chain is {next}{(i + 1 < links.Count ? $" (proof {links[i + 1].Cid})" : ", the invoker")}.", cid);
        }
        return new ProofChain(invoker, subject, [.. links]);
    }

    /// <summary>Throws unless every link's command covers <paramref name="command"/> and every link's
    /// policy holds for <paramref name="arguments"/>.</summary>
    /// <exception cref="UcanException"><see cref="UcanError.InvalidClaim"/> or <see cref="UcanError.MatchError"/>, naming the link.</exception>
    public void Authorize(string command, Value arguments)
    {
        if (Refusal(command, arguments) is { } refusal) throw refusal;
    }

    /// <summary>Whether the chain allows <paramref name="command"/> with <paramref name="arguments"/>.</summary>
    public bool Allows(string command, Value arguments) => Refusal(command, arguments) is null;

    /// <summary>Throws unless every link's command covers <paramref name="command"/>, whatever the arguments.</summary>
    /// <exception cref="UcanException"><see cref="UcanError.InvalidClaim"/>, naming the link.</exception>
    public void AuthorizeCommand(string command)
    {
        if (CommandRefusal(command) is { } refusal) throw refusal;
    }

    /// <summary>Why the chain does not cover <paramref name="command"/> whatever the arguments (the
    /// first link whose command does not), or null when every link's command covers it.</summary>
    public UcanException? CommandRefusal(string command)
    {
        foreach (var link in _links)
            if (!Command.Proves(link.Command, command))
                return new UcanException(UcanError.InvalidClaim, $"Proof {link.Cid} delegates {link.Command}, which does not cover {command}.", link.Cid.ToString());
        return null;
    }

    /// <summary>Why the chain does not allow <paramref name="command"/> with <paramref name="arguments"/>
    /// (the first link at fault, named by CID), or null when it does. <see cref="Authorize"/> throws it.</summary>
    public UcanException? Refusal(string command, Value arguments)
    {
        foreach (var link in _links)
        {
            if (!Command.Proves(link.Command, command))
            {
                string cid = link.Cid.ToString();
                return new UcanException(UcanError.InvalidClaim, $"Proof {cid} delegates {link.Command}, which does not cover {command}.", cid);
            }
            if (!link.Policy.Matches(arguments))
            {
                string cid = link.Cid.ToString();
                return new UcanException(UcanError.MatchError, $"Proof {cid}'s policy {Documents.Names.Clip(link.PolicyForm.ToString())} does not allow {Documents.Names.Clip(arguments.ToString())}.", cid);
            }
        }
        return null;
    }

    private static string Format(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("u");
}

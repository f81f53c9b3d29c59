using System.Collections.Concurrent;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Server.Access;

/// <summary>Turns a bearer token that is a UCAN into a <see cref="CapabilityPrincipal"/> (docs/api.md,
/// Authorization): an invocation (one request, <c>exp</c> at most <see cref="MaxInvocationLifetime"/>
/// ahead, refused when replayed) or a session delegation to the server (reusable until its <c>exp</c>,
/// at most <see cref="MaxSessionLifetime"/> ahead), with the proofs of the <c>Ucans</c> header and the
/// delegations the server holds. Established session chains are cached by the exact tokens that
/// proved them, until the earliest expiry in them or a revocation of any of them.</summary>
public sealed class UcanAuthenticator
{
    /// <summary>The header that carries proofs: base64url delegations or CIDs of held ones, comma-separated.</summary>
    public const string ProofsHeader = "Ucans";

    public static readonly TimeSpan MaxInvocationLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromHours(24);

    private const int CacheCapacity = 10_000;
    private static readonly long Skew = (long)ProofChain.ClockSkew.TotalSeconds;

    private readonly AccessControl _access;
    private readonly ReplayGuard _replays;
    private readonly ConcurrentDictionary<(string Token, string? Proofs), CachedSession> _sessions = new();
    private readonly ConcurrentDictionary<string, Delegation> _parsed = new(StringComparer.Ordinal);

    internal UcanAuthenticator(AccessControl access, int maxRememberedInvocations)
    {
        _access = access;
        _replays = new ReplayGuard(maxRememberedInvocations);
    }

    /// <summary>How many session chains are cached now.</summary>
    public int CachedSessions => _sessions.Count;

    /// <summary>The principal a UCAN bearer token (and its proofs) proves.</summary>
    /// <exception cref="UcanException">401 when the token cannot be used, 403 when it is not for this server or subject.</exception>
    public CapabilityPrincipal Authenticate(string token, string? proofs)
    {
        long now = _access.Now;
        var key = (token, proofs);
        if (_sessions.TryGetValue(key, out var cached))
        {
            if (now <= cached.Expiration + Skew && !cached.Cids.Any(_access.Store.IsRevoked)) return cached.Principal;
            _sessions.TryRemove(key, out _);
        }
        var envelope = ReadEnvelope(token);
        var sent = ReadProofs(proofs);
        if (envelope.Kind == "inv") return FromInvocation(Invocation.Read(envelope), sent, now);

        var principal = FromSession(Delegation.Read(envelope), sent, now);
        if (_sessions.Count >= CacheCapacity) Trim(now);
        _sessions[key] = new CachedSession(principal, principal.Chain.Expiration ?? long.MaxValue - Skew, [.. principal.Chain.Links.Select(l => l.Cid)]);
        return principal;
    }

    /// <summary>Forgets every cached chain that holds <paramref name="cid"/> (after a revocation; a
    /// cached chain is also checked against the revocations on every use).</summary>
    public void Evict(Cid cid)
    {
        foreach (var (key, entry) in _sessions)
            if (entry.Cids.Contains(cid)) _sessions.TryRemove(key, out _);
    }

    private CapabilityPrincipal FromInvocation(Invocation invocation, IReadOnlyList<Delegation> sent, long now)
    {
        string cid = invocation.Cid.ToString();
        if (invocation.Expiration is not { } exp)
            throw new UcanException(UcanError.Malformed, $"Invocation {cid} never expires; an invocation sent to this server expires (exp) at most {MaxInvocationLifetime.TotalMinutes:N0} minutes ahead.", cid);
        if (exp > now + (long)MaxInvocationLifetime.TotalSeconds + Skew)
            throw new UcanException(UcanError.Malformed, $"Invocation {cid} expires at {Format(exp)}, more than {MaxInvocationLifetime.TotalMinutes:N0} minutes ahead; an invocation is for one request, now.", cid);
        if (invocation.Audience is { } audience && audience != _access.ServerDid)
            throw new UcanException(UcanError.InvalidAudience, $"Invocation {cid} is for {audience}, not this server {_access.ServerDid}.", cid);
        var chain = invocation.Establish(proof => Find(sent, proof) ?? _access.Store.Held(proof), now, _access.Store.IsRevoked);
        _replays.Use(invocation.Cid, exp, now);
        return new CapabilityPrincipal(chain, invocation, null, _access.OwnerOf);
    }

    private CapabilityPrincipal FromSession(Delegation session, IReadOnlyList<Delegation> sent, long now)
    {
        string cid = session.Cid.ToString();
        if (session.Expiration is not { } exp)
            throw new UcanException(UcanError.Malformed, $"Delegation {cid} never expires; a session delegation expires (exp) at most {MaxSessionLifetime.TotalHours:N0} hours ahead.", cid);
        if (exp > now + (long)MaxSessionLifetime.TotalSeconds + Skew)
            throw new UcanException(UcanError.Malformed, $"Delegation {cid} expires at {Format(exp)}, more than {MaxSessionLifetime.TotalHours:N0} hours ahead, too long for a session delegation.", cid);
        if (session.Audience != _access.ServerDid)
            throw new UcanException(UcanError.InvalidAudience, $"Delegation {cid} is for {session.Audience}, not this server {_access.ServerDid}; a session delegation is made out to the server.", cid);
        var links = new List<Delegation>(sent.Count + 1);
        links.AddRange(sent);
        links.Add(session);
        string subject = links[0].Subject ?? _access.OwnerOf(null);
        var chain = ProofChain.Establish(_access.ServerDid, subject, links, now, _access.Store.IsRevoked);
        return new CapabilityPrincipal(chain, null, session, _access.OwnerOf);
    }

    private static Delegation? Find(IReadOnlyList<Delegation> sent, Cid cid)
    {
        foreach (var delegation in sent)
            if (delegation.Cid == cid) return delegation;
        return null;
    }

    /// <summary>The delegations of the <c>Ucans</c> header, in order: tokens, or CIDs of held ones.</summary>
    private List<Delegation> ReadProofs(string? header)
    {
        if (header is null) return [];
        var items = header.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length > ProofChain.MaxLength)
            throw new UcanException(UcanError.Malformed, $"The {ProofsHeader} header lists {items.Length} proofs; a chain is at most {ProofChain.MaxLength} long.");
        var proofs = new List<Delegation>(items.Length);
        foreach (var item in items)
        {
            if (item.Length == 0) throw new UcanException(UcanError.Malformed, $"The {ProofsHeader} header has an empty item; it lists base64url delegations or CIDs, comma-separated.");
            if (item.StartsWith('b') && Cid.TryParse(item, out var cid))
            {
                proofs.Add(_access.Store.Held(cid)
                    ?? throw new UcanException(UcanError.UnavailableProof, $"Proof {cid} named in the {ProofsHeader} header is not held here; send the token itself or PUT it to /v1/tokens/{cid} first.", cid.ToString()));
                continue;
            }
            if (_parsed.TryGetValue(item, out var known))
            {
                proofs.Add(known);
                continue;
            }
            var envelope = ReadEnvelope(item);
            if (envelope.Kind != "dlg")
                throw new UcanException(UcanError.Malformed, $"Token {envelope.Cid} in the {ProofsHeader} header is an invocation; proofs are delegations.", envelope.Cid.ToString());
            var delegation = Delegation.Read(envelope);
            if (_parsed.Count >= CacheCapacity) _parsed.Clear();
            _parsed[item] = delegation;
            proofs.Add(delegation);
        }
        return proofs;
    }

    /// <summary>Reads and checks the signature of a token given as text.</summary>
    private static Envelope ReadEnvelope(string text)
    {
        try
        {
            return Envelope.Read(TokenText.Decode(text));
        }
        catch (UcanException)
        {
            throw;
        }
        catch (Exception e) when (e is CausewayException or ArgumentException or FormatException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            // Whatever else hostile bytes provoke in the decoder, the answer is the same: not a UCAN.
            string reason = e.Message.Length <= 200 ? e.Message.TrimEnd('.') : e.Message[..200] + "…";
            throw new UcanException(UcanError.Malformed, $"The token is not a UCAN envelope: {reason}.");
        }
    }

    private void Trim(long now)
    {
        foreach (var (key, entry) in _sessions)
            if (now > entry.Expiration + Skew) _sessions.TryRemove(key, out _);
        if (_sessions.Count >= CacheCapacity) _sessions.Clear();
    }

    private static string Format(long seconds) => DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799)).ToString("u");

    private sealed record CachedSession(CapabilityPrincipal Principal, long Expiration, Cid[] Cids);
}

using Causeway.Errors;
using Causeway.Security;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>What a principal presents to a Causeway server: its key and the delegations that prove its
/// authority over the database owner (root first, the last one delegated to the key; none when the key
/// is the owner's own). From them it makes the request headers: a <b>session delegation</b> (the key
/// delegates to the server, for a few minutes, what its chain lets it do), or a one-shot
/// <b>invocation</b>. Thread-safe: every request of a client may ask for headers at once.</summary>
/// <remarks>The session delegation is made again when less than <see cref="RenewWhenLeft"/> of it is
/// left, and reused until then (per server and owner).</remarks>
public sealed class Credential : IDisposable
{
    /// <summary>How long a session delegation or an invocation is made for, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The longest session a server accepts.</summary>
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromHours(24);

    /// <summary>The longest an invocation may live (it is for one request).</summary>
    public static readonly TimeSpan MaxInvocationLifetime = TimeSpan.FromMinutes(10);

    /// <summary>A session delegation with less than this left is made again.</summary>
    public static readonly TimeSpan RenewWhenLeft = TimeSpan.FromMinutes(1);

    private readonly Delegation[] _proofs;
    private readonly string? _ucans;
    private readonly TimeProvider _time;
    private readonly bool _ownsKey;
    private readonly Lock _gate = new();
    private Session? _session;

    private sealed record Session(string Server, string Owner, DateTimeOffset Expires, UcanHeaders Headers);

    /// <summary>A credential for <paramref name="key"/> with its proof chain, root first.</summary>
    /// <exception cref="UcanException">The chain does not line up: a link not delegated to the next (the
    /// last one not to <paramref name="key"/>), a root not issued by its subject, a link expired.</exception>
    public Credential(PrincipalKey key, IReadOnlyList<Delegation>? proofs = null, TimeProvider? time = null)
        : this(key, proofs, time, ownsKey: false)
    {
    }

    private Credential(PrincipalKey key, IReadOnlyList<Delegation>? proofs, TimeProvider? time, bool ownsKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        _proofs = proofs is null ? [] : [.. proofs];
        _time = time ?? TimeProvider.System;
        Subject = _proofs.Length == 0 ? key.Did : _proofs[0].Subject
            ?? throw new UcanException(UcanError.InvalidClaim, $"Proof {_proofs[0].Cid} is a powerline (sub: null) at the root; the root must be issued by the subject.", _proofs[0].Cid.ToString());
        ProofChain.Establish(key.Did, Subject, _proofs, _time.GetUtcNow().ToUnixTimeSeconds());
        _ucans = TokenText.UcansValue(_proofs);
        _ownsKey = ownsKey;
    }

    /// <summary>Loads a key file and, when given, a chain file (<see cref="ChainFile"/>).</summary>
    /// <exception cref="InvalidInputException">A file that is missing or unreadable, or a line that is not a delegation.</exception>
    /// <exception cref="UcanException">The chain does not line up with the key.</exception>
    public static Credential Load(string keyFile, string? chainFile = null, TimeProvider? time = null)
    {
        var proofs = chainFile is null ? [] : ChainFile.Load(chainFile);
        var key = LoadKey(keyFile);
        try { return new Credential(key, proofs, time, ownsKey: true); }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Reads a key file, every failure as bad input.</summary>
    /// <exception cref="InvalidInputException">No such file, unreadable, or not a 32-byte seed.</exception>
    public static PrincipalKey LoadKey(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' is not a key file (it does not exist).");
        try { return PrincipalKey.Load(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CorruptDataException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, e is CorruptDataException ? e.Message : $"'{path}' cannot be read: {e.Message}", e);
        }
    }

    public PrincipalKey Key { get; }

    /// <summary>The key's did:key.</summary>
    public string Did => Key.Did;

    /// <summary>Root first; empty when the key speaks for itself.</summary>
    public IReadOnlyList<Delegation> Proofs => _proofs;

    /// <summary>Whom the chain is about: the root's subject, or the key itself without proofs.</summary>
    public string Subject { get; }

    /// <summary>How long each session delegation lasts (more than <see cref="RenewWhenLeft"/>, at most <see cref="MaxSessionLifetime"/>).</summary>
    public TimeSpan SessionLifetime
    {
        get;
        init
        {
            if (value <= RenewWhenLeft || value > MaxSessionLifetime)
                throw new ArgumentOutOfRangeException(nameof(SessionLifetime), value, $"A session lasts more than {RenewWhenLeft} and at most {MaxSessionLifetime}.");
            field = value;
        }
    } = DefaultLifetime;

    /// <summary>The command a session delegation grants: <c>/</c> (all the chain allows) unless narrowed.</summary>
    public string SessionCommand
    {
        get;
        init => field = Command.Validate(value);
    } = Commands.All;

    /// <summary>A policy that narrows sessions further (a list of statements, <see cref="Scope"/>); none by default.</summary>
    public Value? SessionPolicy
    {
        get;
        init
        {
            if (value is not null) Policies.Policy.Parse(value);
            field = value;
        }
    }

    /// <summary>The headers of a request under a session: <c>Authorization</c> carries a session delegation
    /// from this key to <paramref name="server"/> about <paramref name="owner"/>, <c>Ucans</c> the proofs.
    /// The same headers come back until less than <see cref="RenewWhenLeft"/> of the session is left.</summary>
    /// <exception cref="InvalidInputException">A DID that is not an Ed25519 did:key.</exception>
    /// <exception cref="UcanException">The chain does not give this key authority over <paramref name="owner"/> now.</exception>
    public UcanHeaders SessionHeaders(string server, string owner)
    {
        RequireDid(server, "server");
        RequireDid(owner, "owner");
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_session is { } s && s.Server == server && s.Owner == owner && s.Expires - now >= RenewWhenLeft) return s.Headers;
            var expires = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + SessionLifetime;
            var session = Delegation.Create(Key, server, owner, SessionCommand, SessionPolicy, expires);
            // The server checks the same: a session that could not be used is refused here, naming the link at fault.
            ProofChain.Establish(server, owner, [.. _proofs, session], now.ToUnixTimeSeconds());
            var headers = new UcanHeaders(TokenText.Encode(session), _ucans);
            _session = new Session(server, owner, expires, headers);
            return headers;
        }
    }

    /// <summary>The headers of one request as an invocation: <paramref name="command"/> with
    /// <paramref name="arguments"/> (<see cref="Resource.Of"/>) on <paramref name="owner"/>, proven by the chain.</summary>
    /// <param name="audience">The server's DID, when the invocation should name who runs it.</param>
    /// <param name="lifetime">At most <see cref="MaxInvocationLifetime"/>; <see cref="DefaultLifetime"/> when not given.</param>
    /// <exception cref="UcanException">The chain does not allow it.</exception>
    public UcanHeaders InvocationHeaders(string owner, string command, Value arguments, string? audience = null, TimeSpan? lifetime = null)
    {
        RequireDid(owner, "owner");
        if (audience is not null) RequireDid(audience, "audience");
        var life = lifetime ?? DefaultLifetime;
        if (life <= TimeSpan.Zero || life > MaxInvocationLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, $"An invocation lives at most {MaxInvocationLifetime}.");
        var now = _time.GetUtcNow();
        var invocation = Invocation.Create(Key, owner, command, arguments, _proofs.Select(p => p.Cid), audience,
            expires: DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + life, issuedAt: now);
        var byCid = _proofs.ToDictionary(p => p.Cid);
        invocation.Validate(cid => byCid.GetValueOrDefault(cid), now.ToUnixTimeSeconds());
        return new UcanHeaders(TokenText.Encode(invocation.Bytes.Span), _ucans);
    }

    public void Dispose()
    {
        if (_ownsKey) Key.Dispose();
    }

    private static void RequireDid(string did, string what)
    {
        if (did is null || !DidKey.IsValid(did))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The {what} '{Documents.Names.Clip(did)}' is not an Ed25519 did:key.");
    }
}

/// <summary>The two headers a signed request carries: <c>Authorization: Bearer <see cref="Token"/></c>
/// and, when the key is not the owner's, <c>Ucans: <see cref="Ucans"/></c> (its proofs, root first).</summary>
public sealed record UcanHeaders(string Token, string? Ucans)
{
    /// <summary>The value of the <c>Authorization</c> header.</summary>
    public string Authorization => "Bearer " + Token;
}

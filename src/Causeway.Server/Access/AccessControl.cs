using Causeway.Authority;
using Causeway.Encoding;

namespace Causeway.Server.Access;

/// <summary>What the server knows of capabilities: its own key and DID (the audience of session
/// delegations, the issuer of re-delegations), who owns each database (the subject of every command),
/// the owner's key (the issuer of root delegations), the held delegations and revocations, its clock,
/// and the authenticator of UCAN bearer tokens.</summary>
public sealed class AccessControl : IDisposable
{
    private readonly bool _ownsOwnerKey;

    public AccessControl(Replica replica, ServerOptions options, IAuthorityStore? store = null)
    {
        ServerKey = replica.Key;
        Time = options.Time;
        if (options.OwnerKeyFile is { } file)
        {
            OwnerKey = PrincipalKey.Load(file);
            _ownsOwnerKey = true;
        }
        else OwnerKey = replica.Key;
        Store = store ?? new FileAuthorityStore(options.DataDirectory, options.Time);
        Ucans = new UcanAuthenticator(this, options.MaxRememberedInvocations);
        StreamTokens = new StreamTokens(options.Time);
    }

    /// <summary>The server's key: the replica's identity.</summary>
    public PrincipalKey ServerKey { get; }
    public string ServerDid => ServerKey.Did;

    /// <summary>The key of the owner of this server's databases: the replica's own unless
    /// <see cref="ServerOptions.OwnerKeyFile"/> names another.</summary>
    public PrincipalKey OwnerKey { get; }

    public IAuthorityStore Store { get; }
    public TimeProvider Time { get; }
    public UcanAuthenticator Ucans { get; }

    /// <summary>The short-lived tokens an EventSource passes as <c>?access_token=</c>.</summary>
    public StreamTokens StreamTokens { get; }

    /// <summary>Now, in seconds since the Unix epoch, on the server's clock.</summary>
    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Who owns <paramref name="database"/> (null: the server's databases in general): the
    /// subject of every command on it. For now the one owner of the server; the one place a later
    /// change looks up per-database owners.</summary>
    public string OwnerOf(string? database) => OwnerKey.Did;

    /// <summary>Whether <paramref name="principal"/> is the owner of <paramref name="database"/>: the admin
    /// token, dev mode, or a UCAN caller whose DID is the owner's.</summary>
    public bool IsOwner(Principal principal, string? database) => principal.IsOwner || principal.Did == OwnerOf(database);

    /// <summary>Revokes <paramref name="cid"/> durably and drops every cached chain that holds it.</summary>
    public bool Revoke(Cid cid, string by)
    {
        bool revoked = Store.Revoke(cid, by);
        Ucans.Evict(cid);
        return revoked;
    }

    public void Dispose()
    {
        if (_ownsOwnerKey) OwnerKey.Dispose();
    }
}

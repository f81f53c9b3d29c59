using Causeway.Authority;
using Causeway.Encoding;

namespace Causeway.Server.Access;

/// <summary>What the server keeps of capabilities between requests: delegations it holds (so a request
/// may name a proof by CID) and revocations. Behind this interface so a later change can keep both in
/// each database's replicated authority log instead of the server's folder.</summary>
public interface IAuthorityStore
{
    /// <summary>A held delegation, or null.</summary>
    Delegation? Held(Cid cid);

    /// <summary>Keeps a delegation (its signature already checked); true when it was not held before.
    /// Durable when it returns.</summary>
    bool Hold(Delegation delegation);

    bool IsRevoked(Cid cid);

    /// <summary>Records that <paramref name="cid"/> is revoked, by <paramref name="by"/>; true when it was
    /// not revoked before. Durable when it returns.</summary>
    bool Revoke(Cid cid, string by);
}

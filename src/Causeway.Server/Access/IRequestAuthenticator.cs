
namespace Causeway.Server.Access;

/// <summary>The authorization seam: turns a request's credentials into a <see cref="Principal"/>.
/// Endpoints ask the principal for an ability on a database and never look at tokens themselves,
/// so capability tokens (UCAN) can replace the static tokens here without touching an endpoint.</summary>
public interface IRequestAuthenticator
{
    /// <summary>The principal, or null when the request carries no valid credentials (401).</summary>
    Principal? Authenticate(HttpContext context);
}

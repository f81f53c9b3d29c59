namespace Causeway.Server.Access;

/// <summary>The authentication seam: turns a request's credentials into a <see cref="Principal"/>.
/// Endpoints ask the principal for a command on a resource and never look at tokens themselves.</summary>
public interface IRequestAuthenticator
{
    /// <summary>The principal, or null when the request carries no credentials the server knows (401
    /// <c>unauthorized</c>); a refused capability token throws its own 401 or 403.</summary>
    Principal? Authenticate(HttpContext context);
}

using Causeway.Errors;
using Causeway.Server.Access;

namespace Causeway.Server.Http;

/// <summary>Authenticates every API request before routing looks at it, so a request without valid
/// credentials gets 401 whatever else is wrong with it (docs/api.md). Endpoints then only ask the
/// principal for abilities (403).</summary>
internal sealed class Authentication(RequestDelegate next, IRequestAuthenticator authenticator, AccessControl access)
{
    private const string PrincipalKey = "causeway.principal";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1")) return next(context);
        var principal = StreamToken(context) ?? authenticator.Authenticate(context)
            ?? (IsOpenToAll(context) ? Principal.Anonymous : throw new UnauthorizedException("A valid bearer token is required (Authorization: Bearer TOKEN)."));
        context.Items[PrincipalKey] = principal;
        return next(context);
    }

    /// <summary>A stream token in <c>?access_token=</c> (an EventSource cannot send headers); never
    /// together with an Authorization header, so one request has one identity.</summary>
    private Principal? StreamToken(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue(StreamTokens.QueryName, out var token)) return null;
        if (token.Count != 1 || context.Request.Headers.Authorization.Count > 0)
            throw new UnauthorizedException($"Send one '{StreamTokens.QueryName}' and no Authorization header, or the Authorization header alone.");
        return access.StreamTokens.Authenticate(context, token.ToString());
    }

    /// <summary><c>GET /v1/status</c> without credentials: a client that signs its own requests learns
    /// there the server's DID and the owner's, which its first token must name. It sees no databases.</summary>
    private static bool IsOpenToAll(HttpContext context)
        => HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Equals("/v1/status", StringComparison.Ordinal)
           && string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString());

    public static Principal PrincipalOf(HttpContext context)
        => context.Items.TryGetValue(PrincipalKey, out var principal) && principal is Principal p ? p
            : throw new UnauthorizedException("A valid bearer token is required (Authorization: Bearer TOKEN).");
}

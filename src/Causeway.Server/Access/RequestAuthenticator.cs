namespace Causeway.Server.Access;

/// <summary>The server's authenticator (docs/api.md, Authorization): a static token (<c>cw_…</c>) or
/// no header in dev mode first, as <see cref="StaticTokens"/> says; any other bearer token is a UCAN
/// for <see cref="UcanAuthenticator"/>, which refuses it with 401 or 403 and the reason.</summary>
public sealed class RequestAuthenticator(StaticTokens tokens, UcanAuthenticator ucans) : IRequestAuthenticator
{
    private const string Scheme = "Bearer ";

    public Principal? Authenticate(HttpContext context)
    {
        var headers = context.Request.Headers;
        string? header = headers.Authorization;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return tokens.Authenticate(context);
        string token = header[Scheme.Length..].Trim();
        if (token.Length == 0 || token.StartsWith(StaticTokens.Prefix, StringComparison.Ordinal)) return tokens.Authenticate(context);
        var proofs = headers[UcanAuthenticator.ProofsHeader];
        return ucans.Authenticate(token, proofs.Count switch { 0 => null, 1 => proofs[0], _ => string.Join(", ", proofs.ToArray()) });
    }
}

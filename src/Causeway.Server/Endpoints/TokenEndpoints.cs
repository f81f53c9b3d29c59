using System.Text.Json;
using Causeway.Authority;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Security;
using Causeway.Server.Access;
using Causeway.Server.Http;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Delegations (docs/api.md, Authorization): the server issues them (POST /v1/tokens), holds
/// those made elsewhere so requests may name them by CID (PUT, GET /v1/tokens/{cid}), and revokes them
/// (POST /v1/tokens/{cid}/revoke).</summary>
internal static class TokenEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/tokens", async (HttpContext context, Api api) =>
        {
            var principal = api.AuthorizeCommand(context, Commands.TokenIssue);
            var request = IssueRequest.FromJson(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes), api.Access.Now);
            api.Authorize(context, Commands.TokenIssue, request.Database);
            var access = api.Access;
            IReadOnlyList<Delegation> above;
            PrincipalKey issuer;
            string? subject;
            if (access.IsOwner(principal, request.Database))
            {
                // The owner: a root delegation, signed with the owner's key.
                above = [];
                issuer = access.OwnerKey;
                subject = access.OwnerOf(request.Database);
            }
            else if (principal is CapabilityPrincipal { Session: not null, Chain: var chain })
            {
                // A session delegation to the server: the server passes on what the caller holds, no more.
                if (chain.CommandRefusal(request.Command) is { } notHeld) throw notHeld;
                if (request.Database is not null && chain.Refusal(request.Command, Resource.Of(request.Database, request.Collection, request.Id ?? request.IdPrefix)) is { } outside)
                    throw outside;
                above = chain.Links;
                issuer = access.ServerKey;
                // Signed by the server, whose key is the owner's unless another owner key is set: then a
                // subject would make this a root delegation good without the caller's chain. A powerline
                // (sub: null) cannot be a root, so it is good only appended to that chain.
                string owner = access.OwnerOf(request.Database);
                subject = access.ServerDid == owner ? null : owner;
            }
            else
            {
                throw new ForbiddenException(
                    "Only the owner, or a caller with a session delegation to this server, can have it issue a delegation: an invocation proves authority to its issuer alone, so the server has nothing to pass on.");
            }
            var issued = Delegation.Create(issuer, request.Audience, subject, request.Command, request.Policy,
                DateTimeOffset.FromUnixTimeSeconds(request.Expires), request.NotBefore is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null);
            foreach (var link in above) access.Store.Hold(link);
            access.Store.Hold(issued);
            await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, w => DelegationTokenJson.Write(w, Describe(issued, [.. above, issued])));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Issue a delegation (/token/issue): { \"audience\", \"command\", \"db\", \"coll\", \"idPrefix\", \"id\", \"policy\", \"expires\", \"notBefore\" }; the owner's is a root, a session's passes on what the caller holds.");

        app.MapPut("/v1/tokens/{cid}", async (HttpContext context, Api api, string cid) =>
        {
            Authentication.PrincipalOf(context);
            var named = ParseCid(cid);
            var body = await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes);
            OperationJson.OnlyMembers(body, "The body", "token");
            string text = body.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
                : throw new InvalidInputException(ErrorCodes.InvalidValue, "The body is { \"token\": BASE64URL }, a delegation's DAG-CBOR envelope.");
            Delegation delegation;
            try { delegation = Delegation.Read(TokenText.Decode(text)); }
            catch (UcanException e) { throw new InvalidInputException(ErrorCodes.InvalidValue, $"The token is not a delegation this server can hold: {e.Message}"); }
            if (delegation.Cid != named)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"The token's CID is {delegation.Cid}, not {named}.");
            string owner = api.OwnerOf(null);
            if (delegation.Subject is { } subject && subject != owner)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Delegation {named} is about {subject}; this server holds delegations about its databases' owner {owner} (or powerlines).");
            bool added = api.Access.Store.Hold(delegation);
            await JsonResponse.WriteAsync(context, added ? StatusCodes.Status201Created : StatusCodes.Status200OK, w => DelegationTokenJson.Write(w, Describe(delegation, [delegation])));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Hold a delegation made elsewhere, so requests may name it by CID: { \"token\": BASE64URL } (201; 200 when already held).");

        // An EventSource cannot send headers: it follows the changes feed with this token in its URL.
        app.MapPost("/v1/dbs/{db}/stream-tokens", async (HttpContext context, Api api, string db) =>
        {
            api.Database(context, db, Commands.DocRead);
            var token = api.Access.StreamTokens.Issue(db);
            await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, w => StreamTokenJson.Write(w, token));
        }).WithSummary("A read-only token for one database's changes feed, for ?access_token= (five minutes).");

        app.MapGet("/v1/tokens/{cid}", async (HttpContext context, Api api, string cid) =>
        {
            Authentication.PrincipalOf(context);
            var named = ParseCid(cid);
            var delegation = api.Access.Store.Held(named) ?? throw new NotFoundException($"Token {named} is not held here.");
            await JsonResponse.WriteAsync(context, 200, w => DelegationTokenJson.Write(w, Describe(delegation, [delegation])));
        }).WithSummary("A held delegation (404 otherwise).");

        app.MapPost("/v1/tokens/{cid}/revoke", async (HttpContext context, Api api, string cid) =>
        {
            var principal = Authentication.PrincipalOf(context);
            var named = ParseCid(cid);
            var access = api.Access;
            string by;
            if (access.IsOwner(principal, null)) by = access.OwnerOf(null);
            else if (principal.Did is null)
                throw new ForbiddenException($"The {principal.Name} token is neither the owner nor the issuer of delegation {named}, so it may not revoke it.");
            else
            {
                var delegation = access.Store.Held(named)
                    ?? (principal as CapabilityPrincipal)?.Chain.Links.FirstOrDefault(l => l.Cid == named)
                    ?? throw new NotFoundException($"Token {named} is not held here; PUT it to /v1/tokens/{named} first, or have the owner revoke it.");
                if (principal.Did != delegation.Issuer)
                    throw new ForbiddenException($"Only the owner or the issuer of delegation {named} ({delegation.Issuer}) may revoke it; this request is by {principal.Did}.");
                by = principal.Did;
            }
            access.Revoke(named, by);
            // A root delegation the owner revokes is also revoked where it travels: in every database this
            // server holds owned by the owner, as a revocation that replicates (docs/security.md, Revocation).
            if (by == access.OwnerOf(null) && access.Store.Held(named) is { } root && root.Issuer == by && root.Subject == by)
                foreach (var name in api.Replica.ListDatabases())
                    if (api.Replica.GetDatabase(name) is var owned && owned.Capabilities.Owner == by && !owned.Capabilities.IsRevoked(named))
                        await owned.Capabilities.RevokeAsync(Revocation.Create(access.OwnerKey, by, [root]), cancellation: context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => TokenRevokedJson.Write(w, named));
        }).WithSummary("Revoke a delegation (the owner, or its issuer): every chain holding it is refused from now on, after restarts too.");
    }

    private static Cid ParseCid(string text)
        => Cid.TryParse(text, out var cid) ? cid : throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Names.Clip(text)}' is not a CID (base32, 'b…').");

    private static DelegationToken Describe(Delegation delegation, IReadOnlyList<Delegation> chain)
        => new(delegation.Cid, TokenText.Encode(delegation.Bytes), [.. chain.Select(l => new TokenLink(l.Cid, TokenText.Encode(l.Bytes)))],
            delegation.Issuer, delegation.Audience, delegation.Subject, delegation.Command, delegation.PolicyForm, delegation.Expiration, delegation.NotBefore);
}

/// <summary>The body of <c>POST /v1/tokens</c>, read strictly; the scope fields become
/// <see cref="Scope"/> policies, followed by the statements of <c>policy</c>.</summary>
internal sealed record IssueRequest(string Audience, string Command, string? Database, string? Collection, string? IdPrefix, string? Id,
    Value Policy, long Expires, long? NotBefore)
{
    private static readonly string[] Members = ["audience", "command", "db", "coll", "idPrefix", "id", "policy", "expires", "notBefore"];

    public static IssueRequest FromJson(JsonElement body, long now)
    {
        static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidValue, message);
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidJson, "A token request is a JSON object: { \"audience\": DID, \"command\", \"expires\", .. }.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            if (Array.IndexOf(Members, member.Name) < 0) throw Invalid($"A token request does not take '{Names.Clip(member.Name)}'; it takes {string.Join(", ", Members)}.");
            if (!seen.Add(member.Name)) throw new InvalidInputException(ErrorCodes.InvalidJson, $"'{member.Name}' appears twice in the token request.");
        }
        string? Text(string name)
        {
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{name}' must be a string.");
        }
        long? Seconds(string name)
        {
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long s) && s is >= 0 and <= 9007199254740991 ? s
                : throw Invalid($"'{name}' is a time in whole seconds since the Unix epoch.");
        }

        string audience = Text("audience") ?? throw Invalid("'audience' is required: the DID (did:key) the delegation is for.");
        if (!DidKey.IsValid(audience)) throw Invalid($"'audience' is '{Names.Clip(audience)}', not an Ed25519 did:key.");
        string command = Authority.Command.Validate(Text("command") ?? throw Invalid("'command' is required, such as /doc/write."));
        string? db = Text("db"), coll = Text("coll"), idPrefix = Text("idPrefix"), id = Text("id");
        if (db is not null) Names.Database(db);
        if (coll is not null)
        {
            if (db is null) throw Invalid("'coll' needs 'db'.");
            Names.Collection(coll);
        }
        if (id is not null && idPrefix is not null) throw Invalid("'id' and 'idPrefix' do not go together: one document, or the documents whose ids start alike.");
        if ((id ?? idPrefix) is { } idText)
        {
            if (coll is null) throw Invalid($"'{(id is null ? "idPrefix" : "id")}' needs 'coll'.");
            Names.DocumentId(idText);
        }
        var statements = new List<Value>();
        var scope = db is null ? Scope.Anything
            : coll is null ? Scope.Database(db)
            : id is not null ? Scope.Document(db, coll, id)
            : idPrefix is not null ? Scope.IdPrefix(db, coll, idPrefix)
            : Scope.Collection(db, coll);
        statements.AddRange(scope.AsArray());
        if (body.TryGetProperty("policy", out var policy) && policy.ValueKind != JsonValueKind.Null)
        {
            if (policy.ValueKind != JsonValueKind.Array) throw Invalid("'policy' is a UCAN policy: a list of statements such as [\"==\", \".coll\", \"orders\"].");
            var raw = ValueJson.FromElement(policy);
            try
            {
                Causeway.Authority.Policies.Policy.Parse(raw);
                IpldValues.ToIpld(raw);
            }
            catch (InvalidInputException e) { throw Invalid($"'policy' is not a UCAN policy: {e.Message}"); }
            statements.AddRange(raw.AsArray());
        }
        long expires = Seconds("expires") ?? throw Invalid("'expires' is required: when the delegation ends, in seconds since the Unix epoch.");
        if (expires <= now) throw Invalid($"'expires' ({expires}) is not in the future (now is {now}).");
        long? notBefore = Seconds("notBefore");
        if (notBefore >= expires) throw Invalid("'notBefore' is not before 'expires'.");
        return new IssueRequest(audience, command, db, coll, idPrefix, id, Value.Array(statements), expires, notBefore);
    }
}

namespace Causeway.Server.OpenApi.Areas;

/// <summary>Delegations and stream tokens (docs/api.md, Tokens; Following the changes from a browser).</summary>
internal static class TokensApi
{
    public const string Tag = "tokens";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("post", "/v1/tokens", "issueToken", Tag)
            .Summary("Have the server issue a delegation (UCAN 1.0).")
            .JsonBody("TokenRequest")
            .Answers(201, "DelegationToken", "Issued; the server holds every delegation of its chain.")
            .Problems(413, 415),
        new Operation("put", "/v1/tokens/{cid}", "holdToken", Tag)
            .Summary("Have the server hold a delegation made elsewhere, so requests may name it by CID.")
            .JsonBody("HeldToken")
            .Answers(200, "DelegationToken", "Already held.")
            .Answers(201, "DelegationToken", "Now held.")
            .Problems(413, 415),
        new Operation("get", "/v1/tokens/{cid}", "getToken", Tag)
            .Answers(200, "DelegationToken", "The held delegation.")
            .Problems(404),
        new Operation("post", "/v1/tokens/{cid}/revoke", "revokeToken", Tag)
            .Answers(200, "TokenRevoked", "Revoked, for good.")
            .Problems(404),
        new Operation("post", "/v1/dbs/{db}/stream-tokens", "issueStreamToken", Tag)
            .Summary("A short-lived token for an EventSource on this database's changes feed (`?access_token=`).")
            .Description("Needs /doc/read on the database. The token only reads the changes feed of this one database, and expires in five minutes.")
            .Answers(201, "StreamToken", "Issued.")
            .Problems(404),
    ];
}

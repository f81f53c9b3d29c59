using System.Text.Json.Nodes;

namespace Causeway.Server.OpenApi;

/// <summary>The shared problem answers, one per status: <c>application/problem+json</c> of the
/// <c>Problem</c> schema, with the codes docs/api.md gives that status.</summary>
internal static class ProblemResponses
{
    private static readonly (int Status, string Name, string Codes)[] All =
    [
        (400, "BadRequest", "invalid_json, invalid_name, invalid_path, invalid_op, invalid_value, type_mismatch, invalid_cursor, invalid_at, invalid_cbor, invalid_commit, websocket_required"),
        (401, "Unauthorized", "unauthorized, token_invalid, token_expired, token_revoked, token_replayed (with `WWW-Authenticate: Bearer`)"),
        (403, "Forbidden", "forbidden (with `ucanError` and `proof` for a refused capability token), quota_exceeded"),
        (404, "NotFound", "not_found"),
        (408, "Timeout", "query_timeout, function_timeout"),
        (409, "Conflict", "already_exists, insufficient_rights, reservation_unavailable, not_held, function_aborted, idempotency_conflict"),
        (412, "PreconditionFailed", "precondition_failed"),
        (413, "TooLarge", "too_large"),
        (415, "UnsupportedMediaType", "unsupported_media_type"),
        (422, "Unprocessable", "schema_violation, constraint_violation, function_limit, function_error"),
        (424, "FailedDependency", "peer_unavailable, sync_refused"),
        (429, "TooManyRequests", "rate_limited (with `Retry-After`)"),
        (503, "Unavailable", "unavailable: the server is shutting down"),
    ];

    public static string NameOf(int status) => All.Single(r => r.Status == status).Name;

    /// <summary>The <c>components.responses</c> entries.</summary>
    public static JsonObject Components()
    {
        var responses = new JsonObject();
        foreach (var (status, name, codes) in All)
        {
            var response = new JsonObject
            {
                ["description"] = $"A problem ({status}): {codes}.",
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Schema.Ref("Problem") } },
            };
            if (status == 429) response["headers"] = new JsonObject { ["Retry-After"] = new JsonObject { ["description"] = "Seconds to wait (an integer, at least 1).", ["schema"] = Schema.Integer(1) } };
            if (status == 401) response["headers"] = new JsonObject { ["WWW-Authenticate"] = new JsonObject { ["description"] = "Bearer", ["schema"] = Schema.String() } };
            responses[name] = response;
        }
        return responses;
    }
}

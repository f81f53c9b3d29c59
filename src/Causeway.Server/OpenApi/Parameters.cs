using System.Text.Json.Nodes;

namespace Causeway.Server.OpenApi;

/// <summary>The query parameters and headers several operations take, said once (docs/api.md).</summary>
internal static class Parameters
{
    public static Operation Values(this Operation op) => op.Query("values",
        "How values are written: `typed` (the default: {\"$decimal\"}, {\"$time\"}, {\"$bytes\"}, doubles with a fraction) or `plain` JSON. Anything else is 400 invalid_value.",
        Schema.Enum("typed", "plain"));

    public static Operation At(this Operation op) => op.Query("at",
        "Read the past: a position (`3`), a commit's CID (`bafyrei…`) or a time (`2026-11-24T17:20:36Z`). A bad one, or one in the future, is 400 invalid_at.",
        Schema.String());

    public static Operation IfMatch(this Operation op) => op.Header("If-Match",
        "Apply only if the document exists at one of these versions (`\"bafyrei…\"`, strong tags, the ETag of a read) or at any (`*`); 412 precondition_failed otherwise. A weak or malformed value is 400 invalid_value.");

    public static Operation IfNoneMatchStar(this Operation op) => op.Header("If-None-Match",
        "`*`: create only; 412 precondition_failed when the document exists. Anything but `*` is 400 invalid_value.", Schema.Enum("*"));

    public static Operation PreferWait(this Operation op) => op.Header("Prefer",
        "`wait=N` (RFC 7240; whole seconds, at most 300): wait up to N seconds for bounded-counter rights instead of 409 insufficient_rights. The answer then carries `Preference-Applied: wait=N`.");

    public static Operation Versioned(this Operation op, int status, string schema, string description)
        => op.Answers(status, schema, description, ("ETag", "The document's new version, `\"bafyrei…\"` (the write's commit)."));

    public static Operation Writes(this Operation op) => op.Problems(404, 409, 413, 415, 422, 429);
}

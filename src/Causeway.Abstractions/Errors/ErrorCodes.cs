namespace Causeway.Errors;

/// <summary>The stable, machine-readable error codes of the HTTP contract (docs/api.md).
/// Library exceptions carry the same codes, so a caller handles embedded and remote alike.</summary>
public static class ErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidName = "invalid_name";
    public const string InvalidPath = "invalid_path";
    public const string InvalidOp = "invalid_op";
    public const string InvalidValue = "invalid_value";
    public const string TypeMismatch = "type_mismatch";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidAt = "invalid_at";
    public const string InvalidCbor = "invalid_cbor";
    public const string InvalidCommit = "invalid_commit";
    public const string ClockSkew = "clock_skew";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";

    /// <summary>A capability token (UCAN) that cannot be used: not DAG-CBOR, not a UCAN, a bad
    /// signature, or a proof it names that is neither sent nor held (401).</summary>
    public const string TokenInvalid = "token_invalid";

    /// <summary>A token or one of its proofs is past its <c>exp</c> or before its <c>nbf</c> (401).</summary>
    public const string TokenExpired = "token_expired";

    /// <summary>A delegation in the token's chain was revoked (401).</summary>
    public const string TokenRevoked = "token_revoked";

    /// <summary>An invocation was presented a second time; each is good for one request (401).</summary>
    public const string TokenReplayed = "token_replayed";
    public const string NotFound = "not_found";
    public const string AlreadyExists = "already_exists";

    /// <summary>A conditional write (If-Match, If-None-Match, a <see cref="WriteCondition"/>) found the
    /// document at another version, or absent, or present: nothing was written.</summary>
    public const string PreconditionFailed = "precondition_failed";
    public const string InsufficientRights = "insufficient_rights";
    public const string ReservationUnavailable = "reservation_unavailable";
    public const string TooLarge = "too_large";
    public const string SchemaViolation = "schema_violation";
    public const string ConstraintViolation = "constraint_violation";
    public const string RateLimited = "rate_limited";

    /// <summary>A write (or a sync session) would take a database past a quota its admin set on this
    /// replica: its documents, its bytes, its open sync sessions. Nothing was written.</summary>
    public const string QuotaExceeded = "quota_exceeded";
    /// <summary>A query ran past its time budget (a replica setting) and was stopped; nothing changed.</summary>
    public const string QueryTimeout = "query_timeout";
    public const string Unavailable = "unavailable";
    public const string Corrupt = "corrupt";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Internal = "internal";
    public const string SyncRefused = "sync_refused";
    public const string NotHeld = "not_held";
    public const string PeerUnavailable = "peer_unavailable";

    /// <summary>A plain HTTP request to an endpoint that only speaks WebSocket (the sync endpoint).</summary>
    public const string WebSocketRequired = "websocket_required";

    /// <summary>A live query's subscriber fell so far behind that its buffer of unread events filled
    /// up: the subscription ended (resume it from the last position received).</summary>
    public const string SubscriberTooSlow = "subscriber_too_slow";

    /// <summary>A stored function ran past its time limit and was stopped; nothing was written.</summary>
    public const string FunctionTimeout = "function_timeout";

    /// <summary>A stored function went past a limit other than time (statements, memory, recursion,
    /// array length, regular-expression time, result size); nothing was written.</summary>
    public const string FunctionLimit = "function_limit";

    /// <summary>A stored function threw, or its source does not compile; the message has the script's
    /// message and line. Nothing was written.</summary>
    public const string FunctionError = "function_error";

    /// <summary>A stored function called <c>abort(code, message)</c>: the message starts with its code.</summary>
    public const string FunctionAborted = "function_aborted";

    /// <summary>An idempotency key was used before with another argument or function.</summary>
    public const string IdempotencyConflict = "idempotency_conflict";

    /// <summary>A backup or a restore was pointed at a folder that already holds something; nothing was written.</summary>
    public const string FolderNotEmpty = "folder_not_empty";

    /// <summary>A restore was pointed at a folder that is not a complete backup of a replica.</summary>
    public const string NotABackup = "not_a_backup";

    /// <summary>A replica restored from a backup signs no commit in a database until it has caught up with
    /// a peer there (it may have signed later commits, with the seq numbers it would use next, before
    /// it was lost). Nothing was written; sync the database with a peer first (docs/backup.md).</summary>
    public const string ReplicaRestored = "replica_restored";

    /// <summary>A sync session met two different commits one origin signed with the same seq (a replica
    /// restored without its fence wrote again): they can never be merged, so the session ends. Nothing
    /// of the forked commit was applied (docs/backup.md).</summary>
    public const string ForkedHistory = "forked_history";

    /// <summary>The HTTP status a code maps to (docs/api.md, Conventions).</summary>
    public static int HttpStatus(string code) => code switch
    {
        Unauthorized or TokenInvalid or TokenExpired or TokenRevoked or TokenReplayed => 401,
        Forbidden or QuotaExceeded => 403,
        NotFound => 404,
        AlreadyExists or FolderNotEmpty or ReplicaRestored or ForkedHistory or InsufficientRights or ReservationUnavailable or NotHeld or FunctionAborted or IdempotencyConflict => 409,
        PreconditionFailed => 412,
        TooLarge => 413,
        SchemaViolation or ConstraintViolation or FunctionError or FunctionLimit => 422,
        SyncRefused or PeerUnavailable => 424,
        RateLimited or SubscriberTooSlow => 429,
        QueryTimeout or FunctionTimeout => 408,
        Unavailable => 503,
        UnsupportedMediaType => 415,
        MethodNotAllowed => 405,
        Corrupt or Internal => 500,
        _ => 400,
    };
}

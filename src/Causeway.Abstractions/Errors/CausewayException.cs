namespace Causeway.Errors;

/// <summary>Base of every error Causeway raises on purpose. <see cref="Code"/> is one of
/// <see cref="ErrorCodes"/>; the message is one line meant for the person who caused it.</summary>
public class CausewayException : Exception
{
    public CausewayException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public string Code { get; }

    /// <summary>For a refusal (schema_violation, constraint_violation, insufficient_rights,
    /// reservation_unavailable): the rule, document and fields it is about, embedded and over the wire
    /// alike. Null for other errors, and for a refusal about no one document (a block of sequence ids, a schema).</summary>
    public Violation? Violation { get; init; }

    /// <summary>The exception the engine raises for <paramref name="code"/>: the one place that maps a
    /// code back to a type, so an error that crossed the wire (problem+json) is caught by the same
    /// <c>catch</c> as the embedded one. Unknown codes become a plain <see cref="CausewayException"/>.
    /// A refusal keeps its <paramref name="violation"/>.</summary>
    public static CausewayException FromCode(string code, string message, TimeSpan? retryAfter = null, Violation? violation = null) => code switch
    {
        ErrorCodes.NotFound => new NotFoundException(message),
        ErrorCodes.TypeMismatch => new TypeMismatchException(message),
        ErrorCodes.InvalidCbor => new NonCanonicalCborException(message),
        ErrorCodes.InvalidJson or ErrorCodes.InvalidName or ErrorCodes.InvalidPath or ErrorCodes.InvalidOp
            or ErrorCodes.InvalidValue or ErrorCodes.InvalidCursor or ErrorCodes.InvalidAt => new InvalidInputException(code, message),
        ErrorCodes.AlreadyExists => new AlreadyExistsException(message),
        ErrorCodes.PreconditionFailed => new PreconditionFailedException(message),
        ErrorCodes.TooLarge => new TooLargeException(message),
        ErrorCodes.ClockSkew => new ClockSkewException(message),
        ErrorCodes.InvalidCommit => new InvalidCommitException(message),
        ErrorCodes.Corrupt => new CorruptDataException(message),
        ErrorCodes.Unavailable => new UnavailableException(message),
        ErrorCodes.Unauthorized => new UnauthorizedException(message),
        ErrorCodes.Forbidden => new ForbiddenException(message),
        ErrorCodes.TokenInvalid => new UcanException(UcanError.Malformed, message),
        ErrorCodes.TokenExpired => new UcanException(UcanError.Expired, message),
        ErrorCodes.TokenRevoked => new UcanException(UcanError.Revoked, message),
        ErrorCodes.TokenReplayed => new UcanException(UcanError.Replayed, message),
        ErrorCodes.SyncRefused => new SyncRefusedException(message),
        ErrorCodes.NotHeld => new NotHeldException(message),
        ErrorCodes.PeerUnavailable => new PeerUnavailableException(message),
        ErrorCodes.SchemaViolation => new SchemaViolationException(message) { Violation = violation },
        ErrorCodes.ConstraintViolation => new ConstraintViolationException(message) { Violation = violation },
        ErrorCodes.InsufficientRights => new InsufficientRightsException(message) { Violation = violation },
        ErrorCodes.ReservationUnavailable => new ReservationUnavailableException(message) { Violation = violation },
        ErrorCodes.RateLimited => new RateLimitedException(message, retryAfter ?? TimeSpan.FromSeconds(1)),
        ErrorCodes.QuotaExceeded => new QuotaExceededException(message),
        ErrorCodes.QueryTimeout => new QueryTimeoutException(message),
        ErrorCodes.SubscriberTooSlow => new SubscriberTooSlowException(message),
        ErrorCodes.FunctionTimeout or ErrorCodes.FunctionLimit or ErrorCodes.FunctionError => new FunctionException(code, message),
        ErrorCodes.FunctionAborted => FunctionAbortedException.FromMessage(message),
        ErrorCodes.IdempotencyConflict => new IdempotencyConflictException(message),
        ErrorCodes.FolderNotEmpty or ErrorCodes.NotABackup => new BackupFolderException(code, message),
        ErrorCodes.ReplicaRestored => new ReplicaRestoredException(message),
        ErrorCodes.ForkedHistory => new ForkedHistoryException(message),
        _ => new CausewayException(code, message),
    };
}

/// <summary>The caller sent something malformed: a bad name, path, JSON, op, value, cursor or point in time.</summary>
public class InvalidInputException(string code, string message, Exception? inner = null) : CausewayException(code, message, inner);

/// <summary>An operation does not fit the kind of the field it targets (increment on a set).</summary>
public sealed class TypeMismatchException(string message) : InvalidInputException(ErrorCodes.TypeMismatch, message);

/// <summary>Bytes that are not canonical DAG-CBOR (or not CBOR at all).</summary>
public sealed class NonCanonicalCborException(string message, Exception? inner = null) : InvalidInputException(ErrorCodes.InvalidCbor, message, inner);

public sealed class NotFoundException(string message) : CausewayException(ErrorCodes.NotFound, message);

public sealed class AlreadyExistsException(string message) : CausewayException(ErrorCodes.AlreadyExists, message);

/// <summary>A conditional write found the document otherwise than it required (another version, absent,
/// or present); the whole transaction was refused. The message says what the document is now.</summary>
public sealed class PreconditionFailedException(string message) : CausewayException(ErrorCodes.PreconditionFailed, message);

public sealed class TooLargeException(string message) : CausewayException(ErrorCodes.TooLarge, message);

/// <summary>A remote clock is further ahead of ours than the accepted skew.</summary>
public sealed class ClockSkewException(string message) : CausewayException(ErrorCodes.ClockSkew, message);

/// <summary>A commit failed a ledger check (hash, signature, sequence, parents).</summary>
public sealed class InvalidCommitException(string message) : CausewayException(ErrorCodes.InvalidCommit, message);

/// <summary>Stored data failed an integrity check; the store needs attention, the caller did nothing wrong.</summary>
public sealed class CorruptDataException(string message, Exception? inner = null) : CausewayException(ErrorCodes.Corrupt, message, inner);

/// <summary>The replica or database is closing (or, through the HTTP client, the server cannot be reached).</summary>
public sealed class UnavailableException(string message, Exception? inner = null) : CausewayException(ErrorCodes.Unavailable, message, inner);

/// <summary>No valid credentials came with the request.</summary>
public sealed class UnauthorizedException(string message) : CausewayException(ErrorCodes.Unauthorized, message);

/// <summary>The credentials are valid but do not grant what the request needs.</summary>
public sealed class ForbiddenException(string message) : CausewayException(ErrorCodes.Forbidden, message);

/// <summary>Too much is in flight; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class RateLimitedException(string message, TimeSpan retryAfter) : CausewayException(ErrorCodes.RateLimited, message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>A query ran longer than its budget and was stopped (query_timeout, 408): narrow it, or page it.</summary>
public sealed class QueryTimeoutException(string message) : CausewayException(ErrorCodes.QueryTimeout, message);

/// <summary>A write or a sync session would take a database past a quota set on this replica (its
/// documents, bytes or open sync sessions); nothing was written. The message names the quota, its
/// limit and what the write would have made it. (A rate is <see cref="RateLimitedException"/>.)</summary>
public sealed class QuotaExceededException(string message) : CausewayException(ErrorCodes.QuotaExceeded, message);

/// <summary>A live query ended because its subscriber did not keep up: more events were waiting
/// unread than its buffer holds. The events before the error were all delivered; subscribe again
/// with the position of the last one as <c>since</c> to go on without a gap.</summary>
public sealed class SubscriberTooSlowException(string message) : CausewayException(ErrorCodes.SubscriberTooSlow, message);

/// <summary>A sync session was ended because one side broke the protocol or refused the other.</summary>
public sealed class SyncRefusedException(string message) : CausewayException(ErrorCodes.SyncRefused, message);

/// <summary>The peer of a sync session could not be reached, or went away before the session finished.</summary>
public sealed class PeerUnavailableException(string message, Exception? inner = null) : CausewayException(ErrorCodes.PeerUnavailable, message, inner);

/// <summary>A partial replica was asked to read or write documents outside what it holds.</summary>
public sealed class NotHeldException(string message) : CausewayException(ErrorCodes.NotHeld, message);

/// <summary>A document does not fit its collection's schema (a field of the wrong kind or type, a
/// required field missing), or a schema was refused because a constraint in it cannot be guaranteed.</summary>
public sealed class SchemaViolationException(string message) : CausewayException(ErrorCodes.SchemaViolation, message);

/// <summary>A write would break a declared constraint: a check, a reference, a unique value.</summary>
public sealed class ConstraintViolationException(string message) : CausewayException(ErrorCodes.ConstraintViolation, message);

/// <summary>A bounded counter change needs more rights than this replica holds (a transfer has been asked for).</summary>
public sealed class InsufficientRightsException(string message) : CausewayException(ErrorCodes.InsufficientRights, message)
{
    /// <summary>What was short (absent when the error came over the wire): the counter and how many rights more it needed.</summary>
    public RightsShortage? Shortage { get; init; }
}

/// <summary>A bounded counter a write needed more rights over: how many more, on which side.</summary>
public sealed record RightsShortage(string Collection, string Id, string Path, Crdt.BoundSide Side, long Missing);

/// <summary>A unique value or a block of ids belongs to another replica that cannot be reached now.</summary>
public sealed class ReservationUnavailableException(string message) : CausewayException(ErrorCodes.ReservationUnavailable, message)
{
    /// <summary>What this replica would have to hold (absent when the error came over the wire).</summary>
    public Replication.Reservation? Needed { get; init; }
}

/// <summary>A stored function failed: function_timeout (it ran too long), function_limit (it went past
/// another limit) or function_error (it threw, or does not compile; the message has the script's
/// message and line). Nothing was written.</summary>
public class FunctionException(string code, string message, Exception? inner = null) : CausewayException(code, message, inner);

/// <summary>A stored function called <c>abort(reason, message)</c>: <see cref="Reason"/> is its code,
/// and the message reads <c>reason: message</c>. Nothing was written.</summary>
public sealed class FunctionAbortedException : FunctionException
{
    public FunctionAbortedException(string reason, string message) : this(reason, $"{reason}: {message}", null) { }

    /// <summary>With the whole message as it reads.</summary>
    private FunctionAbortedException(string reason, string whole, Exception? inner) : base(ErrorCodes.FunctionAborted, whole, inner) => Reason = reason;

    public string Reason { get; }

    /// <summary>The exception again from its message (<c>reason: message</c>), as it crossed the wire. The
    /// message stays as it came; one without a reason (not from Causeway) has the reason "aborted".</summary>
    public static FunctionAbortedException FromMessage(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        return new FunctionAbortedException(colon > 0 ? message[..colon] : "aborted", message, null);
    }
}

/// <summary>An idempotency key came back with another argument or function than its first call.</summary>
public sealed class IdempotencyConflictException(string message) : CausewayException(ErrorCodes.IdempotencyConflict, message);

/// <summary>A backup or restore named a folder it cannot use: one that is not empty (<see cref="ErrorCodes.FolderNotEmpty"/>)
/// or, to restore from, one that is not a backup (<see cref="ErrorCodes.NotABackup"/>).</summary>
public sealed class BackupFolderException(string code, string message) : InvalidInputException(code, message);

/// <summary>A local write to a database of a replica restored from a backup, before the database caught
/// up with a peer (<see cref="ErrorCodes.ReplicaRestored"/>).</summary>
public sealed class ReplicaRestoredException(string message) : CausewayException(ErrorCodes.ReplicaRestored, message);

/// <summary>One origin signed two different commits with the same seq, one held here and one the peer
/// sent: the histories forked and sync of the database between the two replicas cannot go on.</summary>
public sealed class ForkedHistoryException(string message) : CausewayException(ErrorCodes.ForkedHistory, message);

using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Functions;

/// <summary>What a call of a stored function answers: the function's result, the commit its writes
/// made (null when it wrote nothing) and the position after it. <see cref="Replayed"/> is true when an
/// idempotency key found an earlier call, whose recorded result this is: nothing ran again.</summary>
public sealed record CallResult(Value Result, Cid? Commit, long Position, bool Replayed = false);

/// <summary>A call's answer with its result read as <typeparamref name="T"/>.</summary>
public sealed record CallResult<T>(T Result, Cid? Commit, long Position, bool Replayed = false);

/// <summary>How a call is made. <see cref="IdempotencyKey"/>: a retry with the same key and argument
/// answers the first call's recorded result without running again, on any replica the first call's
/// commit has reached, until the record expires (the database's function limits; 24 hours by
/// default); the same key with another argument or function is idempotency_conflict.</summary>
public sealed record CallOptions(string? IdempotencyKey = null)
{
    /// <summary>Who the call is made for, recorded in its commit: a host sets it to the caller it
    /// authenticated (a DID, or a static token's name); embedded calls record the replica's DID.</summary>
    public string? Caller { get; init; }
}

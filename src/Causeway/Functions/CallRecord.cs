using Causeway.Values;

namespace Causeway.Functions;

/// <summary>A call of a stored function as its commit records it, a document of <c>_calls</c>:
/// <c>{ fn, caller, arg, result, time, seed, expires, keyed }</c>. With the function's source at that
/// commit it is enough to run the call again and get the same writes and result (the clock and the
/// random seed are in it); with <c>keyed</c> it answers retries of the same idempotency key until
/// <c>expires</c>.</summary>
internal sealed record CallRecord(string Function, string Caller, Value Argument, Value Result, DateTimeOffset Time, long Seed, DateTimeOffset Expires, bool Keyed)
{
    public Value ToDocument() => Value.Map([
        new("fn", Value.String(Function)),
        new("caller", Value.String(Caller)),
        new("arg", Argument),
        new("result", Result),
        new("time", Value.Timestamp(Time)),
        new("seed", Value.Int(Seed)),
        new("expires", Value.Timestamp(Expires)),
        new("keyed", Value.Bool(Keyed)),
    ]);

    /// <summary>The record in a stored document, or null when it does not read as one.</summary>
    public static CallRecord? FromDocument(Value document)
    {
        if (document.Get("fn") is not { Kind: ValueKind.String } fn || document.Get("caller") is not { Kind: ValueKind.String } caller
            || document.Get("time") is not { Kind: ValueKind.Timestamp } time || document.Get("seed") is not { Kind: ValueKind.Int } seed
            || document.Get("expires") is not { Kind: ValueKind.Timestamp } expires)
            return null;
        return new CallRecord(fn.AsString(), caller.AsString(), document.Get("arg") ?? Value.Null, document.Get("result") ?? Value.Null,
            time.AsTimestamp(), seed.AsInt(), expires.AsTimestamp(), document.Get("keyed") is { Kind: ValueKind.Bool } keyed && keyed.AsBool());
    }
}

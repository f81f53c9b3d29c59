using Causeway.Errors;

namespace Causeway;

/// <summary>The quotas a database's admin set on this replica (docs/api.md, Quotas); null is unlimited.
/// <list type="bullet">
/// <item><see cref="Documents"/>: live documents in the database's own collections (not those starting with <c>_</c>);</item>
/// <item><see cref="Bytes"/>: the sum of those documents' sizes, each the DAG-CBOR encoding of its fields
/// as a read shows them (the measure of the 16 MiB document limit);</item>
/// <item><see cref="WritesPerSecond"/>: write requests (a put, patch, delete or create; a transaction is
/// one) in any one-second window, counted when they reach this replica;</item>
/// <item><see cref="SyncSessions"/>: sync sessions of the database open at once, opened here or accepted.</item>
/// </list></summary>
public sealed record QuotaLimits(long? Documents = null, long? Bytes = null, long? WritesPerSecond = null, long? SyncSessions = null)
{
    /// <summary>The most writes per second a quota may allow (the engine commits fewer than this on one replica).</summary>
    public const long MaxWritesPerSecond = 100_000;

    /// <summary>No quota at all: what a database has until its admin sets one.</summary>
    public static QuotaLimits None { get; } = new();

    /// <summary>These limits, if each is within range (documents, bytes and sync sessions ≥ 0; writes
    /// per second 1 to <see cref="MaxWritesPerSecond"/>); otherwise invalid_value naming the first that is not.</summary>
    public QuotaLimits Checked()
    {
        static void AtLeastZero(string name, long? value)
        {
            if (value < 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{name}' is {value}; a quota is an integer ≥ 0, or null for no limit.");
        }
        AtLeastZero("documents", Documents);
        AtLeastZero("bytes", Bytes);
        AtLeastZero("syncSessions", SyncSessions);
        if (WritesPerSecond is < 1 or > MaxWritesPerSecond)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'writesPerSecond' is {WritesPerSecond}; it is an integer from 1 to {MaxWritesPerSecond}, or null for no limit.");
        return this;
    }
}

/// <summary>What a database holds against its quotas on this replica: live documents and their bytes
/// (as <see cref="QuotaLimits"/> counts them, durable commits only), and the sync sessions open now.</summary>
public sealed record QuotaUsage(long Documents, long Bytes, long SyncSessions);

/// <summary>A database's quotas and its usage (<c>GET /v1/dbs/{db}/quotas</c>).</summary>
public sealed record QuotaStatus(QuotaLimits Limits, QuotaUsage Usage);

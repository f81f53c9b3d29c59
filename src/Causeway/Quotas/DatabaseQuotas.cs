using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Quotas;

/// <summary>A database's quotas on this replica (<see cref="Database.Quotas"/>): limits its admin sets
/// on documents, bytes, writes per second and open sync sessions, and what the database holds against
/// them. They bound what clients of this replica write (docs/api.md, Quotas): past one, a write is
/// refused before anything is written, with <see cref="QuotaExceededException"/> (documents, bytes,
/// sync sessions) or <see cref="RateLimitedException"/> (writes per second). Commits made elsewhere
/// (sync, import) are counted but never refused. The limits are this replica's own setting, kept in
/// its store and never replicated.</summary>
public sealed class DatabaseQuotas
{
    private readonly StoredDatabase _db;
    private readonly QuotaBook _book;
    private readonly PeerTable _peers;
    private readonly TimeProvider _time;

    internal DatabaseQuotas(StoredDatabase db, PeerTable peers, TimeProvider time)
    {
        _db = db;
        _peers = peers;
        _time = time;
        _book = QuotaBook.Of(db.Runtime);
        if (!_book.Loaded) _book.Load(StoredLimits(), StoredCount());
    }

    /// <summary>The limits in force (<see cref="QuotaLimits.None"/> until some are set).</summary>
    public QuotaLimits Limits => _book.Limits;

    /// <summary>What the database holds now: documents and bytes of its durable commits, and its open sync sessions.</summary>
    public QuotaUsage Usage
    {
        get
        {
            var count = _book.Durable;
            return new QuotaUsage(count.Documents, count.Bytes, _peers.Count);
        }
    }

    /// <summary>The limits and the usage together (what <c>GET /v1/dbs/{db}/quotas</c> answers).</summary>
    public QuotaStatus Status => new(Limits, Usage);

    /// <summary>Replaces the limits (null: no limit) and answers the new status once they are durable.
    /// They apply to writes that arrive after; a limit below the current usage refuses only what would
    /// add to it. A value out of range is invalid_value and changes nothing.</summary>
    public async Task<QuotaStatus> SetAsync(QuotaLimits limits, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits = limits.Checked();
        var record = QuotaRecords.Encode(limits, new DagCborWriter(64));
        await _db.PutLocalAsync(QuotaRecords.Limits, record, () => _book.SetLimits(limits), cancellation).ConfigureAwait(false);
        return Status;
    }

    /// <summary>Counts a write request against the writes-per-second quota, or refuses it (rate_limited,
    /// with how long until one would be admitted). Called before the request goes anywhere near the pipeline.</summary>
    internal void AdmitWrite()
    {
        if (_book.Limits.WritesPerSecond is not { } limit) return;
        if (_book.Writes.TryAdmit(_time) is { } wait)
            throw new RateLimitedException($"Database '{_db.Name}' is limited to {limit} writes per second; this write would have made it {limit + 1} in the last second.", wait);
    }

    /// <summary>Refuses (quota_exceeded) when the database has as many sync sessions open as its quota
    /// allows, so a host can refuse a peer before it accepts the connection. Opening a session checks again.</summary>
    public void CheckSessionRoom() => _peers.CheckRoom();

    private QuotaLimits StoredLimits()
        => _db.LocalRecord(QuotaRecords.Limits) is { } bytes ? QuotaRecords.DecodeLimits(bytes) : QuotaLimits.None;

    /// <summary>The count as of the database's position: as stored with its last commit, or (a store
    /// written before quotas, or by a version that did not keep the count) counted over every document once.</summary>
    private QuotaCount StoredCount()
    {
        long position = _db.Position;
        if (_db.LocalRecord(QuotaRecords.Usage) is { } bytes && QuotaRecords.DecodeCount(bytes) is var stored && stored.Position == position) return stored;
        long documents = 0, total = 0;
        foreach (var (collection, _, version) in _db.AllLatest())
        {
            if (SystemCollections.IsSystem(collection) || !version.State.Exists) continue;
            documents++;
            total += QuotaStage.SizeOf(version);
        }
        return new QuotaCount(position, documents, total);
    }
}

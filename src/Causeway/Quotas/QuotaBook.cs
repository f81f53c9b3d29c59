using Causeway.Transactions;

namespace Causeway.Quotas;

/// <summary>A database's quotas as the engine keeps them (one per database, with its runtime): the
/// limits in force, the window of recent writes, and the running count of documents and bytes, both
/// as durable (<see cref="Durable"/>) and as staged ahead of it by the commit pipeline.</summary>
/// <remarks>The pipeline stages a group while the one before it is written, so counts are kept by
/// position until their commit is durable. A group whose write failed is never published, and the
/// pipeline stages again from what is durable, reusing its positions: staging a position drops
/// whatever was staged at or after it.</remarks>
internal sealed class QuotaBook
{
    private readonly Lock _lock = new();
    private readonly SortedList<long, QuotaCount> _staged = [];
    private QuotaCount _durable;
    private volatile QuotaLimits _limits = QuotaLimits.None;

    public static QuotaBook Of(DatabaseRuntime database) => database.Extension<QuotaBook>();

    public bool Loaded { get; private set; }

    public QuotaLimits Limits => _limits;

    public WriteWindow Writes { get; } = new();

    public QuotaCount Durable
    {
        get { lock (_lock) return _durable; }
    }

    /// <summary>Takes what was stored (or counted) when the database was opened.</summary>
    public void Load(QuotaLimits limits, QuotaCount durable)
    {
        lock (_lock)
        {
            _durable = durable;
            _staged.Clear();
            SetLimits(limits);
            Loaded = true;
        }
    }

    /// <summary>New limits; the window of writes starts over.</summary>
    public void SetLimits(QuotaLimits limits)
    {
        _limits = limits;
        Writes.Resize(limits.WritesPerSecond);
    }

    /// <summary>The count just before the commit that takes <paramref name="position"/>.</summary>
    public QuotaCount Before(long position)
    {
        lock (_lock)
        {
            while (_staged.Count > 0 && _staged.Keys[^1] >= position) _staged.RemoveAt(_staged.Count - 1);
            return _staged.Count > 0 ? _staged.Values[^1] : _durable;
        }
    }

    /// <summary>Counts the commit at <paramref name="position"/>, staged; answers the count after it.</summary>
    public QuotaCount Stage(long position, long documents, long bytes)
    {
        lock (_lock)
        {
            var before = Before(position);
            var after = new QuotaCount(position, before.Documents + documents, before.Bytes + bytes);
            _staged[position] = after;
            return after;
        }
    }

    /// <summary>The count after the staged commit at <paramref name="position"/>, if it was counted.</summary>
    public QuotaCount? StagedAt(long position)
    {
        lock (_lock) return _staged.TryGetValue(position, out var count) ? count : null;
    }

    /// <summary>The commit at <paramref name="position"/> is durable.</summary>
    public void Published(long position)
    {
        lock (_lock)
            if (_staged.Remove(position, out var count)) _durable = count;
    }
}

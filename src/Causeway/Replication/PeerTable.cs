using System.Collections.Concurrent;
using Causeway.Errors;

namespace Causeway.Replication;


/// <summary>The sessions of one database: the ones this replica opened and the ones it accepted.</summary>
public sealed class PeerTable
{
    private readonly ConcurrentDictionary<string, PeerEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _database;
    private readonly Func<long?> _maxSessions;
    private readonly Lock _adding = new();
    private int _next;

    /// <param name="time">The replica's time, for when each session started.</param>
    /// <param name="database">The database's name, for errors.</param>
    /// <param name="maxSessions">How many sessions may be open at once (the database's quota; null: any number).</param>
    internal PeerTable(TimeProvider time, string database = "", Func<long?>? maxSessions = null)
    {
        _time = time;
        _database = database;
        _maxSessions = maxSessions ?? (() => null);
    }

    /// <summary>How many sessions are open (a continuous link counts while it exists, connected or not).</summary>
    internal int Count => _entries.Count;

    /// <summary>Refuses (quota_exceeded) when as many sessions are open as the quota allows.</summary>
    internal void CheckRoom()
    {
        int count = _entries.Count;
        if (_maxSessions() is { } max && count >= max)
            throw new QuotaExceededException($"Database '{_database}' is limited to {max} open sync sessions; this session would have made it {count + 1}.");
    }

    public IReadOnlyList<PeerStatus> List() => [.. _entries.Values.Select(e => e.Status()).OrderBy(s => s.Since).ThenBy(s => s.Id, StringComparer.Ordinal)];

    /// <summary>Lists a new session, within the quota of open sessions (quota_exceeded past it).</summary>
    internal PeerEntry Add(string remote, string role, SyncDirection direction, SyncMode mode, PeerLink? link = null)
    {
        lock (_adding)
        {
            CheckRoom();
            var entry = new PeerEntry($"s{Interlocked.Increment(ref _next)}", remote, role, direction, mode, link, _time.GetUtcNow());
            _entries[entry.Id] = entry;
            return entry;
        }
    }

    /// <summary>Each session's status and how long, in seconds, since it last had applied everything
    /// its peer holds (read by the lag gauges; 0 while caught up).</summary>
    internal IEnumerable<(PeerStatus Status, double LagSeconds)> Lags()
    {
        var now = _time.GetUtcNow();
        foreach (var entry in _entries.Values)
        {
            var status = entry.Status();
            if (status.Behind == 0 && entry.Session?.Established == true) Interlocked.Exchange(ref entry.CaughtUpTicks, now.UtcTicks);
            yield return (status, Math.Max(0, (now.UtcTicks - Interlocked.Read(ref entry.CaughtUpTicks)) / (double)TimeSpan.TicksPerSecond));
        }
    }

    internal void Remove(PeerEntry entry) => _entries.TryRemove(entry.Id, out _);

    /// <summary>Stops a continuous link this replica opened.</summary>
    public async Task StopAsync(string id)
    {
        if (!_entries.TryGetValue(id, out var entry)) throw new NotFoundException($"There is no sync session '{Documents.Names.Clip(id)}'.");
        if (entry.Link is null) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Session '{id}' is not a continuous link this replica opened; only those can be stopped here.");
        await entry.Link.DisposeAsync().ConfigureAwait(false);
    }

    internal async Task StopAllAsync()
    {
        foreach (var entry in _entries.Values.ToList())
            if (entry.Link is not null) await entry.Link.DisposeAsync().ConfigureAwait(false);
    }
}

internal sealed class PeerEntry(string id, string remote, string role, SyncDirection direction, SyncMode mode, PeerLink? link, DateTimeOffset since)
{
    public string Id { get; } = id;
    public PeerLink? Link { get; } = link;
    public DateTimeOffset Since { get; } = since;
    public volatile SyncSession? Session;
    public volatile string State = "connecting";
    public volatile string? LastError;
    public int Attempts;

    /// <summary>When the session last had applied everything its peer holds (its start until then).</summary>
    public long CaughtUpTicks = since.UtcTicks;

    public PeerStatus Status()
    {
        var session = Session;
        // An accepted session learns its direction from the peer's hello; it is said from this side too.
        var shown = session is { Role: SyncRole.Acceptor, Established: true }
            ? session.Sends && session.Wants ? SyncDirection.Both : session.Sends ? SyncDirection.Push : SyncDirection.Pull
            : direction;
        return new PeerStatus(Id, remote, session?.PeerDid, role, shown, mode, State,
            session?.Established == true ? session.PeerLacks : 0, session?.Established == true ? session.Lacks : 0,
            session?.CommitsSent ?? 0, session?.CommitsApplied ?? 0, Attempts, Since, LastError);
    }
}

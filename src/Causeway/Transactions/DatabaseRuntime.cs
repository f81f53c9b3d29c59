using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Ledger;

namespace Causeway.Transactions;

/// <summary>The published, in-memory state of one open database. Only the commit pipeline changes
/// it, by publishing a <see cref="DatabaseDraft"/> after the draft's batch is durable; readers take
/// <see cref="Position"/> as their snapshot.</summary>
internal sealed class DatabaseRuntime
{
    private DatabaseRecord _record;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _dropped;

    public DatabaseRuntime(uint id, string name, DatabaseRecord record)
    {
        Id = id;
        Name = name;
        _record = record;
        Position = record.Position;
    }

    public uint Id { get; }
    public string Name { get; }

    /// <summary>The parsed schema versions this database was last asked for.</summary>
    public SchemaCache Schemas { get; } = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _extensions = new();

    /// <summary>State that a stage or a layer above keeps per database, made on first use (the
    /// invariants' spending log, say), so this type never has to know the layers above it.</summary>
    public T Extension<T>() where T : class, new() => (T)_extensions.GetOrAdd(typeof(T), static _ => new T());

    /// <summary>Readers and publishers of this database's versions serialize on this lock.</summary>
    public Lock PublishLock { get; } = new();

    /// <summary>The last position whose commit is durable and visible.</summary>
    public long Position { get; private set; }

    public bool Dropped => _dropped;

    public DatabaseRecord Record
    {
        get { lock (PublishLock) return _record; }
    }

    /// <summary>Completes at the next publish; the changes feed waits on it.</summary>
    public Task Changed
    {
        get { lock (PublishLock) return _changed.Task; }
    }

    public DatabaseDraft StartDraft()
    {
        lock (PublishLock) return new DatabaseDraft(this, _record);
    }

    /// <summary>Makes a durable draft visible. <paramref name="underLock"/> runs inside the lock
    /// (the cache update), so a reader never sees the new position without the new versions.</summary>
    public void Publish(DatabaseRecord record, Action underLock)
    {
        TaskCompletionSource changed;
        lock (PublishLock)
        {
            underLock();
            _record = record;
            Position = record.Position;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public void MarkDropped()
    {
        _dropped = true;
        TaskCompletionSource changed;
        lock (PublishLock)
        {
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }
}

/// <summary>A database's state while a group of commits is being prepared, before it is durable.</summary>
internal sealed class DatabaseDraft(DatabaseRuntime runtime, DatabaseRecord start)
{
    public DatabaseRuntime Runtime { get; } = runtime;
    public long Position { get; private set; } = start.Position;
    public long Commits { get; private set; } = start.Commits;
    public long Documents { get; private set; } = start.Documents;
    public HlcTimestamp LastTime { get; private set; } = start.LastTime;
    public HashSet<Cid> Heads { get; } = [.. start.Heads];
    public VersionVector Clock { get; } = start.Clock.Clone();
    public bool Dropped { get; set; }
    public Replication.Subscription Holds { get; } = start.Holds;

    /// <summary>Accounts for a commit applied at the next position.</summary>
    public long Add(Commit commit, long documentDelta)
    {
        Position++;
        Commits++;
        Documents += documentDelta;
        if (commit.Time > LastTime) LastTime = commit.Time;
        foreach (var parent in commit.Parents) Heads.Remove(parent);
        Heads.Add(commit.Id);
        Clock.Set(commit.Origin, Math.Max(Clock.Get(commit.Origin), commit.Seq));
        return Position;
    }

    public DatabaseRecord ToRecord()
    {
        var heads = Heads.ToArray();
        Array.Sort(heads);
        return new DatabaseRecord(Position, Commits, Documents, LastTime, heads, Clock.Clone(), Holds);
    }
}

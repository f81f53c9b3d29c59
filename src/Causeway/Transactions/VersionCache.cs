using System.Collections.Concurrent;

namespace Causeway.Transactions;

/// <summary>The newest version of recently used documents, so warm reads skip the store and the
/// decoding. The pipeline writes through on every commit; a reader may fill a missing entry only if
/// no commit was published since its read began (checked under the database's publish lock), so
/// an entry is always the newest version. Eviction is coarse: past capacity, half is dropped.</summary>
internal sealed class VersionCache(int capacity)
{
    private readonly ConcurrentDictionary<(uint Db, string Collection, string Id), VersionRecord> _entries = new();
    private int _count; // ConcurrentDictionary.Count takes every lock; this is close enough for trimming

    public bool TryGet(uint db, string collection, string id, out VersionRecord record)
        => _entries.TryGetValue((db, collection, id), out record!);

    public bool Holds(uint db, string collection, string id) => _entries.ContainsKey((db, collection, id));

    /// <summary>The pipeline's write-through; call under the database's publish lock.</summary>
    public void Put(uint db, string collection, string id, VersionRecord record)
    {
        if (_entries.TryAdd((db, collection, id), record)) Interlocked.Increment(ref _count);
        else _entries[(db, collection, id)] = record;
        TrimIfFull();
    }

    /// <summary>Drops a document's entry (the pipeline's write-through for documents it does not keep); call under the database's publish lock.</summary>
    public void Remove(uint db, string collection, string id)
    {
        if (_entries.TryRemove((db, collection, id), out _)) Interlocked.Decrement(ref _count);
    }

    /// <summary>A reader's fill: kept only if nothing was published since <paramref name="readStart"/>.</summary>
    public void Fill(DatabaseRuntime runtime, long readStart, string collection, string id, VersionRecord record)
    {
        lock (runtime.PublishLock)
        {
            if (runtime.Position != readStart) return;
            if (_entries.TryAdd((runtime.Id, collection, id), record)) Interlocked.Increment(ref _count);
        }
        TrimIfFull();
    }

    public void RemoveDatabase(uint db)
    {
        foreach (var key in _entries.Keys)
            if (key.Db == db && _entries.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
    }

    private void TrimIfFull()
    {
        if (Volatile.Read(ref _count) <= capacity) return;
        lock (_entries)
        {
            if (_count <= capacity) return;
            int drop = _count / 2;
            foreach (var key in _entries.Keys)
            {
                if (drop-- <= 0) break;
                if (_entries.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
            }
        }
    }
}

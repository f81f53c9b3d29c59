using System.Collections.Concurrent;

namespace Causeway.Transactions;

/// <summary>The newest version of recently used documents, so warm reads skip the store and the
/// decoding. The pipeline writes through on every commit; a reader may fill a missing entry only if
/// no commit was published since its read began (checked under the database's publish lock), so
/// an entry is always the newest version. Eviction is coarse: past capacity, half is dropped.</summary>
internal sealed class VersionCache(int capacity)
{
    private readonly ConcurrentDictionary<(uint Db, string Collection, string Id), VersionRecord> _entries = new();

    public bool TryGet(uint db, string collection, string id, out VersionRecord record)
        => _entries.TryGetValue((db, collection, id), out record!);

    /// <summary>The pipeline's write-through; call under the database's publish lock.</summary>
    public void Put(uint db, string collection, string id, VersionRecord record)
    {
        _entries[(db, collection, id)] = record;
        TrimIfFull();
    }

    /// <summary>A reader's fill: kept only if nothing was published since <paramref name="readStart"/>.</summary>
    public void Fill(DatabaseRuntime runtime, long readStart, string collection, string id, VersionRecord record)
    {
        lock (runtime.PublishLock)
        {
            if (runtime.Position != readStart) return;
            _entries.TryAdd((runtime.Id, collection, id), record);
        }
        TrimIfFull();
    }

    public void RemoveDatabase(uint db)
    {
        foreach (var key in _entries.Keys)
            if (key.Db == db) _entries.TryRemove(key, out _);
    }

    private void TrimIfFull()
    {
        if (_entries.Count <= capacity) return;
        int drop = _entries.Count / 2;
        foreach (var key in _entries.Keys)
        {
            if (drop-- <= 0) break;
            _entries.TryRemove(key, out _);
        }
    }
}

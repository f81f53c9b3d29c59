using RocksDbSharp;

namespace Causeway.Storage;

/// <summary>RocksDB iterators over the live store that no cursor holds, kept for the next cursor.
/// Making an iterator (a merge over the memtables and every table level) and destroying it cost
/// about a tenth of an indexed query; refreshing a kept one to the latest state costs little while
/// no flush or compaction has changed the tables since. An iterator pins the tables and memtables
/// it was made on, so one idle through a whole sweep (one to two seconds) is closed, and files
/// compaction replaced are freed. Idleness is counted in sweeps, not read from a clock.</summary>
internal sealed class IdleIterators : IDisposable
{
    private const int Capacity = 16;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(1);

    private readonly RocksDb _db;
    private readonly ReadOptions _read;
    private readonly Stack<(Iterator Iterator, long Since)> _idle = new(Capacity);
    private long _sweeps;
    private readonly Timer _sweep;
    private bool _disposed;

    public IdleIterators(RocksDb db, ReadOptions read)
    {
        _db = db;
        _read = read;
        _sweep = new Timer(_ => Sweep(), null, SweepEvery, SweepEvery);
    }

    public int Count
    {
        get { lock (_idle) return _idle.Count; }
    }

    /// <summary>An iterator that sees the store as it is now; give it back with <see cref="Return"/>.</summary>
    public Iterator Take()
    {
        Iterator? kept = null;
        lock (_idle)
            if (_idle.TryPop(out var idle)) kept = idle.Iterator;
        if (kept is null) return _db.NewIterator(null, _read);
        try
        {
            Native.Instance.rocksdb_iter_refresh(kept.Handle);
            return kept;
        }
        catch (RocksDbException)
        {
            kept.Dispose();
            return _db.NewIterator(null, _read);
        }
    }

    public void Return(Iterator iterator)
    {
        lock (_idle)
        {
            if (!_disposed && _idle.Count < Capacity)
            {
                _idle.Push((iterator, _sweeps));
                return;
            }
        }
        iterator.Dispose();
    }

    /// <summary>Closes the iterators given back before the previous sweep. Under the lock, so the store
    /// cannot close while one is being closed.</summary>
    private void Sweep()
    {
        lock (_idle)
        {
            long cutoff = _sweeps++;
            if (_disposed || _idle.Count == 0) return;
            // The stack's bottom holds the oldest; keep the recent ones in their order.
            var entries = _idle.ToArray();
            _idle.Clear();
            for (int i = entries.Length - 1; i >= 0; i--)
            {
                if (entries[i].Since >= cutoff) _idle.Push(entries[i]);
                else entries[i].Iterator.Dispose();
            }
        }
    }

    /// <summary>Closes every idle iterator; iterators given back later are closed at once. Call before closing the store.</summary>
    public void Dispose()
    {
        _sweep.Dispose();
        lock (_idle)
        {
            _disposed = true;
            foreach (var (iterator, _) in _idle) iterator.Dispose();
            _idle.Clear();
        }
    }
}

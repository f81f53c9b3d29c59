using RocksDbSharp;

namespace Causeway.Storage;

/// <summary>The default store: RocksDB in a folder. A durable write is a synced WAL write;
/// RocksDB's own write group lets concurrent synced writers share one fsync.</summary>
public sealed class RocksDbStore : IKeyValueStore
{
    private readonly RocksDb _db;
    private readonly WriteOptions _durable = new WriteOptions().SetSync(true);
    private readonly WriteOptions _buffered = new WriteOptions().SetSync(false);
    private readonly ReadOptions _read = new();
    private readonly IdleIterators _iterators;
    private readonly Action<Iterator> _returnIterator;
    private int _disposed;

    private RocksDbStore(RocksDb db)
    {
        _db = db;
        _iterators = new IdleIterators(db, _read);
        _returnIterator = _iterators.Return;
    }

    public string Path => _db.Path;

    public static RocksDbStore Open(string path, long blockCacheBytes = 64L << 20, long writeBufferBytes = 64L << 20)
    {
        Directory.CreateDirectory(path);
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru((ulong)blockCacheBytes))
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetCacheIndexAndFilterBlocks(false)
            .SetFormatVersion(5);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetBlockBasedTableFactory(table)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetKeepLogFileNum(3)
            .SetWriteBufferSize((ulong)writeBufferBytes)
            // Every level-0 file is one more sorted run for each seek to search (about 1 µs each in an
            // indexed query of ten documents); merging them at two rather than RocksDB's four keeps at most
            // one between compactions (docs/decisions.md, "Level 0 is compacted at two files").
            .SetLevel0FileNumCompactionTrigger(Level0CompactionTrigger)
            // A WAL whose memtable is flushed is reused in place, not deleted and created again: a synced
            // append then overwrites allocated blocks, so fdatasync writes no inode (docs/decisions.md).
            // Recovery must then stop at the first record left from the file's previous life, which
            // RocksDB tells apart by the log number in each record: point-in-time recovery does that
            // (it is RocksDB's default, named here because RocksDB silently turns recycling off under
            // tolerate-corrupted-tail and absolute-consistency recovery).
            .SetRecycleLogFileNum(4)
            .SetWalRecoveryMode(Recovery.PointInTime);
        try
        {
            return new RocksDbStore(RocksDb.Open(options, path));
        }
        catch (RocksDbException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            // Only one process may have a store open: say so, rather than RocksDB's "While lock file".
            throw new Errors.UnavailableException($"The store in '{path}' is in use by another process (a running server or app has this replica open); stop it, or go through it.", e);
        }
        catch (RocksDbException e)
        {
            throw new Errors.CausewayException(Errors.ErrorCodes.Unavailable, $"Cannot open the store in '{path}': {e.Message}", e);
        }
    }

    public byte[]? Get(ReadOnlySpan<byte> key) => _db.Get(key, null, null);

    public IKeyCursor Scan(ReadOnlySpan<byte> prefix) => new Cursor(_iterators.Take(), prefix, _returnIterator);

    public void Write(StoreBatch batch, bool durable)
    {
        using var native = new WriteBatch();
        var operations = batch.Operations;
        var order = System.Buffers.ArrayPool<int>.Shared.Rent(operations.Count);
        try
        {
            int count = batch.KeyOrder(order);
            for (int i = 0; i < count; i++)
            {
                var op = operations[order[i]];
                switch (op.Kind)
                {
                    case StoreBatch.Kind.Put: native.Put(op.Key, op.Value); break;
                    case StoreBatch.Kind.Delete: native.Delete(op.Key); break;
                    case StoreBatch.Kind.DeleteRange: native.DeleteRange(op.Key, (ulong)op.Key.Length, op.Value, (ulong)op.Value.Length); break;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(order);
        }
        _db.Write(native, durable ? _durable : _buffered);
    }

    /// <summary>How many iterators closed cursors left for the next ones (for tests).</summary>
    internal int IdleIterators => _iterators.Count;

    /// <summary>Whether RocksDB has background work running or queued (a memtable flush, a compaction).
    /// A benchmark waits for it to end, so a row of reads is not measured beside the writes before it.</summary>
    internal bool Busy => Count("rocksdb.num-running-flushes") + Count("rocksdb.num-running-compactions")
        + Count("rocksdb.mem-table-flush-pending") + Count("rocksdb.compaction-pending") > 0;

    /// <summary>How many level-0 files start a compaction into the level below.</summary>
    internal const int Level0CompactionTrigger = 2;

    /// <summary>How many table files each level holds (level 0 first), for benchmarks to print the store's shape.</summary>
    internal long[] FilesByLevel => [.. Enumerable.Range(0, 7).Select(level => Count($"rocksdb.num-files-at-level{level}"))];

    private long Count(string property) => long.TryParse(_db.GetProperty(property), out long value) ? value : 0;

    public IStoreSnapshot OpenSnapshot() => new Snapshot(_db, _db.CreateSnapshot());

    /// <summary>A consistent copy of the whole store in <paramref name="folder"/> (which must not exist),
    /// taken while writes go on: RocksDB's checkpoint, its files hard-linked when on the same file
    /// system. Memtables are flushed first, so the copy needs no WAL replay beyond its own.</summary>
    public void Checkpoint(string folder)
    {
        using var checkpoint = _db.Checkpoint();
        checkpoint.Save(folder);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _iterators.Dispose();
        _db.Dispose();
    }

    private sealed class Snapshot(RocksDb db, RocksDbSharp.Snapshot snapshot) : IStoreSnapshot
    {
        private readonly ReadOptions _read = new ReadOptions().SetSnapshot(snapshot);

        public byte[]? Get(ReadOnlySpan<byte> key) => db.Get(key, null, _read);
        public IKeyCursor Scan(ReadOnlySpan<byte> prefix) => new Cursor(db.NewIterator(null, _read), prefix, release: null);
        public void Dispose() => snapshot.Dispose();
    }

    /// <summary>A RocksDB iterator confined to a prefix. The prefix is checked here rather than with
    /// iterate bounds, so one ReadOptions serves every cursor (RocksDbSharp frees them only by finalizer)
    /// and a live store's iterators can be kept for the next cursor.</summary>
    private sealed class Cursor(Iterator iterator, ReadOnlySpan<byte> prefix, Action<Iterator>? release) : IKeyCursor
    {
        private readonly Iterator _iterator = iterator;
        private readonly byte[] _prefix = prefix.ToArray();
        private int _disposed;

        // The current key, copied once per move: an index walk reads it several times per entry, and
        // each read was a call into RocksDB. Its length is -1 when the cursor is not on a key of the prefix.
        private byte[] _key = [];
        private int _keyLength = -1;

        public bool Valid => _keyLength >= 0;
        public ReadOnlySpan<byte> Key => _keyLength >= 0 ? _key.AsSpan(0, _keyLength) : throw new InvalidOperationException("The cursor is not on a key.");
        public ReadOnlySpan<byte> Value => _iterator.GetValueSpan();

        /// <summary>Takes the key the iterator stands on, if it is one of the prefix.</summary>
        private bool Moved()
        {
            _keyLength = -1;
            if (!_iterator.Valid()) return false;
            var key = _iterator.GetKeySpan();
            if (!key.StartsWith(_prefix)) return false;
            if (_key.Length < key.Length) _key = new byte[Math.Max(key.Length, 2 * _key.Length)];
            key.CopyTo(_key);
            _keyLength = key.Length;
            return true;
        }

        public bool Seek(ReadOnlySpan<byte> key)
        {
            _iterator.Seek(key.SequenceCompareTo(_prefix) < 0 ? _prefix : key);
            return Moved();
        }

        public bool SeekForPrev(ReadOnlySpan<byte> key)
        {
            _iterator.SeekForPrev(key);
            return Moved();
        }

        public bool SeekToFirst() => Seek(_prefix);

        public bool SeekToLast()
        {
            var upper = KeyRange.UpperBound(_prefix);
            if (upper is null) _iterator.SeekToLast();
            else
            {
                _iterator.SeekForPrev(upper);
                if (_iterator.Valid() && _iterator.GetKeySpan().SequenceEqual(upper)) _iterator.Prev();
            }
            return Moved();
        }

        public bool Next() { _iterator.Next(); return Moved(); }
        public bool Prev() { _iterator.Prev(); return Moved(); }
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (release is null) _iterator.Dispose();
            else release(_iterator);
        }
    }
}

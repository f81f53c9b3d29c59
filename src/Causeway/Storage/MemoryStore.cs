using System.Collections.Immutable;

namespace Causeway.Storage;

/// <summary>An in-memory store for unit tests and simulation. The data is an immutable sorted
/// tree, so a snapshot is just a reference to the current tree and a batch swaps in a new one.</summary>
public sealed class MemoryStore : IKeyValueStore
{
    private static readonly IComparer<Entry> ByKey = Comparer<Entry>.Create((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));

    private ImmutableSortedSet<Entry> _entries = ImmutableSortedSet.Create(ByKey);
    private readonly Lock _writeLock = new();

    /// <summary>What a power loss would leave: the store as of its last durable batch (a durable batch
    /// makes every earlier one durable too, as a synced write-ahead log does).</summary>
    private ImmutableSortedSet<Entry> _durable = ImmutableSortedSet.Create(ByKey);
    private bool _powerOff;

    internal sealed record Entry(byte[] Key, byte[] Value);

    public byte[]? Get(ReadOnlySpan<byte> key) => Get(_entries, key);

    public IKeyCursor Scan(ReadOnlySpan<byte> prefix) => new Cursor(_entries, prefix.ToArray());

    /// <summary>Cuts the power: every later write is lost as if it never reached the disk, until
    /// <see cref="PowerOn"/>, which brings the store back as its last durable batch left it. For the
    /// simulator, whose crashes can then be power losses too.</summary>
    public void PowerOff()
    {
        lock (_writeLock) _powerOff = true;
    }

    /// <summary>Ends a power loss (<see cref="PowerOff"/>): what was written but not made durable is gone.</summary>
    public void PowerOn()
    {
        lock (_writeLock)
        {
            _powerOff = false;
            _entries = _durable;
        }
    }

    public void Write(StoreBatch batch, bool durable)
    {
        lock (_writeLock)
        {
            if (_powerOff) return;
            var builder = _entries.ToBuilder();
            foreach (var op in batch.Operations)
            {
                switch (op.Kind)
                {
                    case StoreBatch.Kind.Put:
                        var entry = new Entry(op.Key.ToArray(), op.Value.ToArray());
                        builder.Remove(entry);
                        builder.Add(entry);
                        break;
                    case StoreBatch.Kind.Delete:
                        builder.Remove(new Entry(op.Key, []));
                        break;
                    case StoreBatch.Kind.DeleteRange:
                        var doomed = new List<Entry>();
                        foreach (var e in builder)
                            if (e.Key.AsSpan().SequenceCompareTo(op.Key) >= 0 && e.Key.AsSpan().SequenceCompareTo(op.Value) < 0) doomed.Add(e);
                        foreach (var e in doomed) builder.Remove(e);
                        break;
                }
            }
            _entries = builder.ToImmutable();
            if (durable) _durable = _entries;
        }
    }

    public IStoreSnapshot OpenSnapshot() => new Snapshot(_entries);

    public void Dispose() { }

    private static byte[]? Get(ImmutableSortedSet<Entry> entries, ReadOnlySpan<byte> key)
        => entries.TryGetValue(new Entry(key.ToArray(), []), out var found) ? found.Value : null;

    private sealed class Snapshot(ImmutableSortedSet<Entry> entries) : IStoreSnapshot
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => MemoryStore.Get(entries, key);
        public IKeyCursor Scan(ReadOnlySpan<byte> prefix) => new Cursor(entries, prefix.ToArray());
        public void Dispose() { }
    }

    /// <summary>Walks the tree by index; each step is O(log n), fine for tests.</summary>
    private sealed class Cursor(ImmutableSortedSet<Entry> entries, byte[] prefix) : IKeyCursor
    {
        private int _index = -1;

        public bool Valid => _index >= 0 && _index < entries.Count && entries[_index].Key.AsSpan().StartsWith(prefix);
        public ReadOnlySpan<byte> Key => entries[_index].Key;
        public ReadOnlySpan<byte> Value => entries[_index].Value;

        public bool Seek(ReadOnlySpan<byte> key)
        {
            var probe = key.SequenceCompareTo(prefix) < 0 ? prefix : key.ToArray();
            int i = entries.IndexOf(new Entry(probe, []));
            _index = i >= 0 ? i : ~i;
            return Valid;
        }

        public bool SeekForPrev(ReadOnlySpan<byte> key)
        {
            int i = entries.IndexOf(new Entry(key.ToArray(), []));
            _index = i >= 0 ? i : ~i - 1;
            return Valid;
        }

        public bool SeekToFirst() => Seek(prefix);

        public bool SeekToLast()
        {
            var upper = KeyRange.UpperBound(prefix);
            if (upper is null) _index = entries.Count - 1;
            else
            {
                int i = entries.IndexOf(new Entry(upper, []));
                _index = (i >= 0 ? i : ~i) - 1;
            }
            return Valid;
        }

        public bool Next()
        {
            if (_index < entries.Count) _index++;
            return Valid;
        }

        public bool Prev()
        {
            if (_index >= 0) _index--;
            return Valid;
        }

        public void Dispose() { }
    }
}

namespace Causeway.Storage;

/// <summary>A list of writes applied atomically by <see cref="IKeyValueStore.Write"/>.</summary>
public sealed class StoreBatch
{
    public enum Kind : byte { Put, Delete, DeleteRange }

    public readonly record struct Operation(Kind Kind, byte[] Key, byte[] Value);

    private readonly List<Operation> _operations = [];

    public IReadOnlyList<Operation> Operations => _operations;
    public int Count => _operations.Count;

    /// <summary>How many operations the batch holds room for.</summary>
    public int Capacity => _operations.Capacity;

    /// <summary>Empties the batch for reuse, keeping its room for <paramref name="capacity"/> operations or more.</summary>
    public StoreBatch Clear(int capacity = 0)
    {
        _operations.Clear();
        _operations.EnsureCapacity(capacity);
        Size = 0;
        return this;
    }

    /// <summary>Bytes of keys and values, to bound the size of one batch.</summary>
    public long Size { get; private set; }

    public StoreBatch Put(byte[] key, byte[] value) => Add(new(Kind.Put, key, value));
    public StoreBatch Delete(byte[] key) => Add(new(Kind.Delete, key, []));

    /// <summary>Deletes every key in [start, end).</summary>
    public StoreBatch DeleteRange(byte[] start, byte[] end) => Add(new(Kind.DeleteRange, start, end));

    /// <summary>Adds every operation of another batch, in order.</summary>
    public StoreBatch Append(StoreBatch other)
    {
        foreach (var operation in other._operations) Add(operation);
        return this;
    }

    /// <summary>The same writes in key order, each key once (its last operation): applied in this order
    /// they leave the store as the batch in its own order would. RocksDB inserts a key into its memtable
    /// next to the key before it far faster than it finds a place for an unrelated one, and a group's
    /// records repeat some keys (a database's record, once per commit). A batch with a range delete
    /// keeps its own order: a write after the range must stay after it.</summary>
    public IReadOnlyList<Operation> InKeyOrder()
    {
        var order = new int[_operations.Count];
        int count = KeyOrder(order);
        return [.. order[..count].Select(i => _operations[i])];
    }

    /// <summary><see cref="InKeyOrder"/> as the operations' indexes, written to <paramref name="order"/>
    /// (at least <see cref="Count"/> long), without allocating; answers how many there are.</summary>
    public int KeyOrder(Span<int> order)
    {
        order = order[.._operations.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        foreach (var operation in _operations)
            if (operation.Kind == Kind.DeleteRange) return order.Length;
        order.Sort(new ByKeyThenIndex(_operations));
        int count = 0;
        for (int i = 0; i < order.Length; i++)
        {
            // Equal keys sit together, in batch order: only the last of them counts.
            if (i + 1 < order.Length && _operations[order[i + 1]].Key.AsSpan().SequenceEqual(_operations[order[i]].Key)) continue;
            order[count++] = order[i];
        }
        return count;
    }

    private readonly struct ByKeyThenIndex(List<Operation> operations) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            int byKey = operations[x].Key.AsSpan().SequenceCompareTo(operations[y].Key);
            return byKey != 0 ? byKey : x.CompareTo(y);
        }
    }

    private StoreBatch Add(Operation operation)
    {
        _operations.Add(operation);
        Size += operation.Key.Length + operation.Value.Length;
        return this;
    }
}

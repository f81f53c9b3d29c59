namespace Causeway.Storage;

/// <summary>A list of writes applied atomically by <see cref="IKeyValueStore.Write"/>.</summary>
public sealed class StoreBatch
{
    public enum Kind : byte { Put, Delete, DeleteRange }

    public readonly record struct Operation(Kind Kind, byte[] Key, byte[] Value);

    private readonly List<Operation> _operations = [];

    public IReadOnlyList<Operation> Operations => _operations;
    public int Count => _operations.Count;

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

    private StoreBatch Add(Operation operation)
    {
        _operations.Add(operation);
        Size += operation.Key.Length + operation.Value.Length;
        return this;
    }
}

namespace Causeway.Storage;

/// <summary>Read access to an ordered key-value space: the live store or a snapshot of it.
/// Keys compare as unsigned bytes.</summary>
public interface IKeyValueReader
{
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>A cursor confined to keys that start with <paramref name="prefix"/>; it starts unpositioned.</summary>
    IKeyCursor Scan(ReadOnlySpan<byte> prefix);
}

/// <summary>An ordered key-value store with atomic batches and consistent snapshots.
/// Everything above the storage layer talks to this and never learns which store it has.</summary>
public interface IKeyValueStore : IKeyValueReader, IDisposable
{
    /// <summary>Applies every operation of the batch atomically. With <paramref name="durable"/>,
    /// returns only once the batch is on stable storage (fsync), so it survives a crash. The caller
    /// may reuse the batch once this returns, so a store keeps none of it (its keys and values excepted).</summary>
    void Write(StoreBatch batch, bool durable);

    /// <summary>A frozen, consistent view of the store as it is now; later writes do not show in it.</summary>
    IStoreSnapshot OpenSnapshot();
}

public interface IStoreSnapshot : IKeyValueReader, IDisposable;

/// <summary>A position in a prefix range. Key and value spans are valid until the cursor moves.</summary>
public interface IKeyCursor : IDisposable
{
    bool Valid { get; }
    ReadOnlySpan<byte> Key { get; }
    ReadOnlySpan<byte> Value { get; }

    /// <summary>Moves to the first key ≥ <paramref name="key"/> in the range.</summary>
    bool Seek(ReadOnlySpan<byte> key);

    /// <summary>Moves to the last key ≤ <paramref name="key"/> in the range.</summary>
    bool SeekForPrev(ReadOnlySpan<byte> key);

    bool SeekToFirst();
    bool SeekToLast();
    bool Next();
    bool Prev();
}

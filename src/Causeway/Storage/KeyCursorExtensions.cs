namespace Causeway.Storage;

public static class KeyValueReaderExtensions
{
    /// <summary>Every entry under a prefix in key order, copied out (for code off the hot path).</summary>
    public static IEnumerable<(byte[] Key, byte[] Value)> ScanAll(this IKeyValueReader reader, byte[] prefix, bool reverse = false)
    {
        using var cursor = reader.Scan(prefix);
        for (bool ok = reverse ? cursor.SeekToLast() : cursor.SeekToFirst(); ok; ok = reverse ? cursor.Prev() : cursor.Next())
            yield return (cursor.Key.ToArray(), cursor.Value.ToArray());
    }
}

using Causeway.Storage;

namespace Causeway.Queries.Indexes;

/// <summary>Walks a range of the path index as of a position: each document that had an entry in
/// the range there, once per entry, in key order (value, then id) or its reverse.</summary>
internal sealed class IndexReader(IKeyValueReader store, uint db, string collection)
{
    private readonly byte[] _collectionPrefix = IndexKeys.CollectionPrefix(db, collection);

    /// <summary>How many index keys the walks of this reader have stepped over (for explain).</summary>
    public long KeysRead { get; private set; }

    /// <summary>Entries in the range as of <paramref name="position"/>: the document id, and (with
    /// <paramref name="keys"/>) the entry's value key (of a compound entry, its last component's);
    /// otherwise the key is empty.</summary>
    public IEnumerable<(string Id, byte[] Key)> Walk(IndexRange range, long position, bool reverse = false, bool keys = false)
    {
        if (range.IsEmpty) yield break;
        var (low, high, prefixLength) = Bounds(range);
        using var cursor = store.Scan(low.AsSpan(0, prefixLength));
        byte[] entry = [];
        int entryLength;
        bool ok = reverse
            ? (high is null ? cursor.SeekToLast() : cursor.SeekForPrev(high) && (cursor.Key.SequenceCompareTo(high) < 0 || cursor.Prev()))
            : cursor.Seek(low);
        while (ok)
        {
            KeysRead++;
            var key = cursor.Key;
            if (reverse ? key.SequenceCompareTo(low) < 0 : high is not null && key.SequenceCompareTo(high) >= 0) yield break;
            entryLength = key.Length - 8;
            if (entry.Length < entryLength) entry = new byte[entryLength * 2];
            key[..entryLength].CopyTo(entry);
            string? id = null;
            byte[] valueKey = [];
            if (reverse)
            {
                // Standing on the entry's oldest event. Usually it is the only one: then the key
                // before belongs to another entry, and this event decides without a seek.
                bool appeared = cursor.Value[0] == IndexKeys.Appeared && IndexKeys.PositionOf(key) <= position;
                if (appeared) (id, valueKey) = Found(key, prefixLength, keys, range.Components);
                bool single = IndexKeys.PositionOf(key) <= position;
                ok = cursor.Prev();
                if (ok && cursor.Key.StartsWith(entry.AsSpan(0, entryLength)))
                {
                    // Several events: the newest at or below the position decides.
                    id = null;
                    if (cursor.Seek(IndexKeys.AtPosition(key: Entry(entry, entryLength), position)) && cursor.Key.StartsWith(entry.AsSpan(0, entryLength)) && cursor.Value[0] == IndexKeys.Appeared)
                        (id, valueKey) = Found(cursor.Key, prefixLength, keys, range.Components);
                    ok = cursor.SeekForPrev(entry.AsSpan(0, entryLength));
                }
                else if (!single) id = null;
            }
            else if (IndexKeys.PositionOf(key) <= position)
            {
                // The newest event decides; the next key is usually another entry already.
                if (cursor.Value[0] == IndexKeys.Appeared) (id, valueKey) = Found(key, prefixLength, keys, range.Components);
                ok = cursor.Next() && (!cursor.Key.StartsWith(entry.AsSpan(0, entryLength)) || PastEntry(cursor, entry, entryLength));
            }
            else
            {
                bool decided = cursor.Seek(IndexKeys.AtPosition(key, position)) && cursor.Key.StartsWith(entry.AsSpan(0, entryLength));
                if (decided && cursor.Value[0] == IndexKeys.Appeared) (id, valueKey) = Found(cursor.Key, prefixLength, keys, range.Components);
                ok = PastEntry(cursor, entry, entryLength);
            }
            if (id is not null) yield return (id, valueKey);
        }
    }

    /// <summary>An entry followed by room for a position, for a seek.</summary>
    private static byte[] Entry(byte[] entry, int length)
    {
        var key = new byte[length + 8];
        entry.AsSpan(0, length).CopyTo(key);
        return key;
    }

    private static (string, byte[]) Found(ReadOnlySpan<byte> key, int valueAt, bool keys, int components)
    {
        int lastAt = IndexKeys.ComponentEnd(key, valueAt, components - 1);
        int idAt = lastAt + Collation.Length(key[lastAt..]);
        return (System.Text.Encoding.ASCII.GetString(key[idAt..^9]), keys ? key[lastAt..idAt].ToArray() : []);
    }

    /// <summary>Moves past every event of the entry: usually the next key is another entry already.</summary>
    private bool PastEntry(IKeyCursor cursor, byte[] entry, int length)
    {
        if (!cursor.Valid) return false;
        var same = entry.AsSpan(0, length);
        for (int step = 0; step < 3; step++)
        {
            if (!cursor.Key.StartsWith(same)) return true;
            if (!cursor.Next()) return false;
            KeysRead++;
        }
        return cursor.Key.StartsWith(same) ? cursor.Seek(IndexKeys.PastEntry(cursor.Key)) : true;
    }

    /// <summary>Counts the keys of a range, stopping at <paramref name="cap"/>: an estimate of how many
    /// documents it holds (events of past values included), for choosing between ranges.</summary>
    public long Estimate(IndexRange range, long cap)
    {
        if (range.IsEmpty) return 0;
        var (low, high, prefixLength) = Bounds(range);
        using var cursor = store.Scan(low.AsSpan(0, prefixLength));
        long count = 0;
        for (bool ok = cursor.Seek(low); ok && count < cap; ok = cursor.Next())
        {
            if (high is not null && cursor.Key.SequenceCompareTo(high) >= 0) break;
            count++;
        }
        KeysRead += count;
        return count;
    }

    /// <summary>The range's bounds as store keys, each one array with the collection's and path's
    /// prefix in front (its length given: the scan takes the prefix from the low bound).</summary>
    private (byte[] Low, byte[]? High, int PrefixLength) Bounds(IndexRange range)
    {
        var path = IndexEntries.PathPrefix(range.Path, range.Kind);
        var low = Concat(_collectionPrefix, path, range.Low);
        var high = range.High is null ? null : Concat(_collectionPrefix, path, range.High);
        return (low, high, _collectionPrefix.Length + path.Length);
    }

    private static byte[] Concat(byte[] a, byte[] b, byte[] c)
    {
        var all = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        c.CopyTo(all, a.Length + b.Length);
        return all;
    }
}

using Causeway.Storage;

namespace Causeway.Queries.Indexes;

/// <summary>Walks a range of the path index as of a position: each document that had an entry in
/// the range there, once per entry, in key order (value, then id) or its reverse.</summary>
internal sealed class IndexReader(IKeyValueReader store, uint db, string collection)
{
    private readonly byte[] _collectionPrefix = IndexKeys.CollectionPrefix(db, collection);

    /// <summary>How many index keys the walks of this reader have stepped over (for explain).</summary>
    public long KeysRead { get; private set; }

    /// <summary>Entries in the range as of <paramref name="position"/>: the document id and the entry's value key.</summary>
    public IEnumerable<(string Id, byte[] Key)> Walk(IndexRange range, long position, bool reverse = false)
    {
        var prefix = Concat(_collectionPrefix, IndexEntries.PathPrefix(range.Path, range.Kind));
        if (range.IsEmpty) yield break;
        using var cursor = store.Scan(prefix);
        var low = Concat(prefix, range.Low);
        byte[]? high = range.High is null ? null : Concat(prefix, range.High);
        bool ok = reverse
            ? (high is null ? cursor.SeekToLast() : cursor.SeekForPrev(high) && (cursor.Key.SequenceCompareTo(high) < 0 || cursor.Prev()))
            : cursor.Seek(low);
        while (ok)
        {
            KeysRead++;
            var key = cursor.Key;
            if (reverse ? key.SequenceCompareTo(low) < 0 : high is not null && key.SequenceCompareTo(high) >= 0) yield break;
            var entry = IndexKeys.Entry(key).ToArray();
            bool decided;
            if (reverse || IndexKeys.PositionOf(key) > position)
            {
                // Reverse walks stand on an entry's oldest event; forward ones on its newest. Either
                // way, one seek finds the newest event at or below the position, if there is one.
                decided = cursor.Seek(IndexKeys.AtPosition(key, position)) && cursor.Key.StartsWith(entry);
            }
            else decided = true;
            if (decided && cursor.Value[0] == IndexKeys.Appeared)
            {
                var found = cursor.Key;
                yield return (IndexKeys.IdOf(found, prefix.Length), found[prefix.Length..(prefix.Length + Collation.Length(found[prefix.Length..]))].ToArray());
            }
            if (reverse) ok = cursor.SeekForPrev(entry);
            else ok = PastEntry(cursor, entry);
        }
    }

    /// <summary>Moves past every event of the entry: usually the next key is another entry already.</summary>
    private bool PastEntry(IKeyCursor cursor, byte[] entry)
    {
        if (!cursor.Valid) return false;
        for (int step = 0; step < 3; step++)
        {
            if (!cursor.Key.StartsWith(entry)) return true;
            if (!cursor.Next()) return false;
            KeysRead++;
        }
        return cursor.Key.StartsWith(entry) ? cursor.Seek(IndexKeys.PastEntry(cursor.Key)) : true;
    }

    /// <summary>Counts the keys of a range, stopping at <paramref name="cap"/>: an estimate of how many
    /// documents it holds (events of past values included), for choosing between ranges.</summary>
    public long Estimate(IndexRange range, long cap)
    {
        var prefix = Concat(_collectionPrefix, IndexEntries.PathPrefix(range.Path, range.Kind));
        if (range.IsEmpty) return 0;
        using var cursor = store.Scan(prefix);
        byte[]? high = range.High is null ? null : Concat(prefix, range.High);
        long count = 0;
        for (bool ok = cursor.Seek(Concat(prefix, range.Low)); ok && count < cap; ok = cursor.Next())
        {
            if (high is not null && cursor.Key.SequenceCompareTo(high) >= 0) break;
            count++;
        }
        return count;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var all = new byte[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        return all;
    }
}

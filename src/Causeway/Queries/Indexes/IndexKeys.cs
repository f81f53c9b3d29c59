using System.Buffers.Binary;
using Causeway.Transactions;

namespace Causeway.Queries.Indexes;

/// <summary>Where the path index lives in the store (docs/indexes.md, "Layout"):
/// <code>
/// D id x coll 0 path 0 kind key docid 0 ~position   → 1 (the entry appeared) or 0 (it disappeared)
/// </code>
/// An entry's history sorts newest first (inverted position, as document versions do), so a read at
/// a position seeks once to the newest event at or below it: the document had the entry there when
/// that event is an appearance.</summary>
internal static class IndexKeys
{
    public const byte Appeared = 1, Disappeared = 0;

    public static byte[] CollectionPrefix(uint db, string collection)
    {
        var dbPrefix = StoreLayout.DatabasePrefix(db);
        var key = new byte[dbPrefix.Length + 1 + collection.Length + 1];
        dbPrefix.CopyTo(key, 0);
        key[dbPrefix.Length] = (byte)'x';
        System.Text.Encoding.ASCII.GetBytes(collection, key.AsSpan(dbPrefix.Length + 1));
        return key;
    }

    /// <summary>Every key of the index of a database.</summary>
    public static byte[] DatabasePrefix(uint db) => [.. StoreLayout.DatabasePrefix(db), (byte)'x'];

    public static byte[] Key(byte[] collectionPrefix, byte[] stem, string id, long position)
    {
        var key = new byte[collectionPrefix.Length + stem.Length + id.Length + 9];
        collectionPrefix.CopyTo(key, 0);
        stem.CopyTo(key, collectionPrefix.Length);
        int at = collectionPrefix.Length + stem.Length;
        System.Text.Encoding.ASCII.GetBytes(id, key.AsSpan(at));
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(at + id.Length + 1), long.MaxValue - position);
        return key;
    }

    public static long PositionOf(ReadOnlySpan<byte> key) => long.MaxValue - BinaryPrimitives.ReadInt64BigEndian(key[^8..]);

    /// <summary>The key with its position replaced by <paramref name="position"/>: where the newest
    /// event of the same entry at or below that position sorts.</summary>
    public static byte[] AtPosition(ReadOnlySpan<byte> key, long position)
    {
        var seek = key.ToArray();
        BinaryPrimitives.WriteInt64BigEndian(seek.AsSpan(seek.Length - 8), long.MaxValue - position);
        return seek;
    }

    /// <summary>The first key after every event of the key's entry: its closing 0 raised to 1 (ids hold no byte below '-').</summary>
    public static byte[] PastEntry(ReadOnlySpan<byte> key)
    {
        var next = key[..^8].ToArray();
        next[^1] = 1;
        return next;
    }

    /// <summary>The document id in a key whose value key, of <paramref name="components"/> collation keys, starts at <paramref name="valueAt"/>.</summary>
    public static string IdOf(ReadOnlySpan<byte> key, int valueAt, int components = 1)
        => System.Text.Encoding.ASCII.GetString(key[ComponentEnd(key, valueAt, components)..^9]);

    /// <summary>Where the <paramref name="components"/> collation keys starting at <paramref name="at"/> end.</summary>
    public static int ComponentEnd(ReadOnlySpan<byte> key, int at, int components)
    {
        for (int i = 0; i < components; i++) at += Collation.Length(key[at..]);
        return at;
    }

    /// <summary>The record of how far the index of a database goes (a position), kept with the database.</summary>
    public const string CoverageRecord = "index";
}

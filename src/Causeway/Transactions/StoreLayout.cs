using System.Buffers.Binary;


namespace Causeway.Transactions;

/// <summary>Where everything lives in the key-value store. Keys are built so that byte order is the
/// order we scan in. Per-database keys start with 'D' and the database's 4-byte id, so dropping a
/// database is one range delete and a re-created name never sees old data.
/// <code>
/// R                                  replica record (next database id)
/// N name                             catalog: database name → id
/// D id m                             database state: position, heads, clock, counts
/// D id c CID                         commit record: commit block, op blocks, position
/// D id p position                    position → commit CID, apply time, documents touched
/// D id s origin 0 seq                origin's commit seq → position (where sync resumes a peer)
/// D id d coll 0 docid 0 ~position    document version (inverted position: newest first)
/// D id x coll 0 path 0 kind key docid 0 ~position   path index event (Queries/Indexes/IndexKeys)
/// D id l name                        this replica's own record for the database, never replicated
///                                    (quotas: its limits, and its usage as of a position)
/// </code></summary>
internal static class StoreLayout
{
    private static readonly byte[] Zero = [0];

    public static readonly byte[] ReplicaKey = "R"u8.ToArray();

    /// <summary>The marker a health probe writes and reads back (<see cref="Replica.ProbeStore"/>).</summary>
    public static readonly byte[] ProbeKey = "P"u8.ToArray();

    public static byte[] CatalogKey(string name) => Concat("N"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(name));
    public static readonly byte[] CatalogPrefix = "N"u8.ToArray();

    public static byte[] DatabasePrefix(uint db)
    {
        var key = new byte[5];
        key[0] = (byte)'D';
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1), db);
        return key;
    }

    /// <summary>The first key after every key of database <paramref name="db"/>.</summary>
    public static byte[] DatabaseEnd(uint db) => db == uint.MaxValue ? "E"u8.ToArray() : DatabasePrefix(db + 1);

    public static byte[] StateKey(uint db) => Concat(DatabasePrefix(db), "m"u8.ToArray());

    public static byte[] CommitKey(uint db, ReadOnlySpan<byte> cid) => Concat(DatabasePrefix(db), "c"u8.ToArray(), cid.ToArray());

    public static byte[] PositionPrefix(uint db) => Concat(DatabasePrefix(db), "p"u8.ToArray());

    public static byte[] PositionKey(uint db, long position)
    {
        var key = Concat(DatabasePrefix(db), "p"u8.ToArray(), new byte[8]);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(6), position);
        return key;
    }

    public static long PositionOf(ReadOnlySpan<byte> positionKey) => BinaryPrimitives.ReadInt64BigEndian(positionKey[^8..]);

    public static byte[] OriginKey(uint db, string origin, long seq)
    {
        var key = Concat(DatabasePrefix(db), "s"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(origin), Zero, new byte[8]);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(key.Length - 8), seq);
        return key;
    }

    public static byte[] EncodePosition(long position)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, position);
        return value;
    }

    public static long DecodePosition(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt64BigEndian(value);

    /// <summary>A record of this replica's own about database <paramref name="db"/> (a setting, a running
    /// count): it lives and dies with the database, and sync never carries it.</summary>
    public static byte[] LocalKey(uint db, string name) => Concat(DatabasePrefix(db), "l"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(name));

    public static byte[] DocumentsPrefix(uint db) => Concat(DatabasePrefix(db), "d"u8.ToArray());

    public static byte[] CollectionPrefix(uint db, string collection) => Concat(DatabasePrefix(db), "d"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(collection), Zero);

    /// <summary>All versions of one document (collection and id are ASCII without NUL, so 0 separates them).</summary>
    public static byte[] VersionPrefix(uint db, string collection, string id)
        => Concat(DatabasePrefix(db), "d"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(collection), Zero, System.Text.Encoding.ASCII.GetBytes(id), Zero);

    public static byte[] VersionKey(byte[] versionPrefix, long position)
    {
        var key = new byte[versionPrefix.Length + 8];
        versionPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(versionPrefix.Length), long.MaxValue - position);
        return key;
    }

    public static long VersionPosition(ReadOnlySpan<byte> versionKey) => long.MaxValue - BinaryPrimitives.ReadInt64BigEndian(versionKey[^8..]);

    /// <summary>Splits a version key back into collection and id.</summary>
    public static (string Collection, string Id) VersionDocument(ReadOnlySpan<byte> versionKey)
    {
        var rest = versionKey[6..^9];
        int zero = rest.IndexOf((byte)0);
        return (System.Text.Encoding.ASCII.GetString(rest[..zero]), System.Text.Encoding.ASCII.GetString(rest[(zero + 1)..]));
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var key = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(key, at);
            at += part.Length;
        }
        return key;
    }
}

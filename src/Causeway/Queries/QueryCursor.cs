using System.Buffers.Text;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Where the next page starts. As text it is base64url (no padding) of a DAG-CBOR array
/// <c>[2, position, fingerprint, [[key] or [] per sort key], id]</c>: the snapshot position every
/// page reads at, the query's <see cref="QueryFingerprint"/>, and the sort position of the last
/// document returned (a missing key is an empty array). Callers treat it as opaque.</summary>
internal sealed record QueryCursor(long Position, byte[] Fingerprint, SortPosition After)
{
    // 2: the fingerprint is XXH128 (version 1's was SHA-256), so a cursor of version 1 is refused as such.
    private const int FormatVersion = 2;

    // One writer per thread, reset for each cursor: a full page makes one.
    [ThreadStatic] private static DagCborWriter? t_writer;

    public string Encode()
    {
        var writer = t_writer ??= new DagCborWriter();
        writer.Reset();
        writer.WriteStartArray(5);
        writer.WriteInt64(FormatVersion);
        writer.WriteInt64(Position);
        writer.WriteBytes(Fingerprint);
        writer.WriteStartArray(After.Keys.Length);
        foreach (var key in After.Keys)
        {
            writer.WriteStartArray(key is null ? 0 : 1);
            if (key is not null) ValueCbor.Write(writer, key);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteText(After.Id);
        writer.WriteEndArray();
        return writer.WithEncoded(static encoded => Base64Url.EncodeToString(encoded));
    }

    /// <summary>Reads a cursor made for the query with <paramref name="fingerprint"/>; anything else,
    /// including text that is not a cursor at all, is an invalid_cursor error.</summary>
    public static QueryCursor Decode(string text, byte[] fingerprint, int keyCount)
    {
        if (text.Length == 0) throw Invalid("The cursor is empty; pass the 'next' of the previous page, or no cursor for the first page.");
        if (!text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) throw Invalid("This is not a cursor: a cursor is base64url text, as the 'next' of a page.");
        QueryCursor cursor;
        try
        {
            cursor = Read(Base64Url.DecodeFromChars(text), keyCount);
        }
        catch (Exception e) when (e is not InvalidInputException { Code: ErrorCodes.InvalidCursor }
                                   && e is CausewayException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw Invalid("This is not a cursor: it does not decode; pass the 'next' of a page unchanged.", e);
        }
        if (!cursor.Fingerprint.AsSpan().SequenceEqual(fingerprint))
            throw Invalid("The cursor belongs to a different query: a cursor continues only the query (database, collection, where and orderBy) that made it.");
        return cursor;
    }

    private static QueryCursor Read(byte[] bytes, int keyCount)
    {
        var reader = new DagCborReader(bytes);
        if (reader.ReadStartArray() != 5) throw Invalid("The cursor has the wrong shape.");
        if (reader.ReadInt64() != FormatVersion) throw Invalid("The cursor is of an unknown version.");
        long position = reader.ReadInt64();
        if (position < 0) throw Invalid("The cursor holds a negative position.");
        var fingerprint = reader.ReadBytes();
        if (fingerprint.Length != QueryFingerprint.Length) throw Invalid("The cursor has the wrong shape.");
        int count = reader.ReadStartArray();
        if (count != keyCount) throw Invalid("The cursor belongs to a different query: it has another number of sort keys.");
        var keys = new Value?[count];
        for (int i = 0; i < count; i++)
        {
            int present = reader.ReadStartArray();
            if (present > 1) throw Invalid("The cursor has the wrong shape.");
            if (present == 1) keys[i] = ValueCbor.Read(reader);
            reader.ReadEndArray();
        }
        reader.ReadEndArray();
        string id = Names.DocumentId(reader.ReadText());
        reader.ReadEndArray();
        reader.ReadEnd();
        return new QueryCursor(position, fingerprint, new SortPosition(keys, id));
    }

    private static InvalidInputException Invalid(string message, Exception? inner = null) => new(ErrorCodes.InvalidCursor, message, inner);
}

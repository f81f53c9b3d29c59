using Causeway.Storage;

namespace Causeway.Queries.Indexes;

/// <summary>Asks one equality range of the index, document by document, whether a document had an
/// entry there at a position: one seek each, on a cursor kept open for the asking. A walk in sort
/// order uses it to test a filter's equality without reading documents or collecting the range.</summary>
internal sealed class IndexProbe : IDisposable
{
    private readonly IKeyCursor _cursor;
    private readonly byte[] _value;
    private readonly long _position;
    private byte[] _key = new byte[256];

    public IndexProbe(IKeyValueReader store, uint db, string collection, IndexRange point, long position)
    {
        if (!point.IsPoint) throw new ArgumentException("A probe asks one value's range.", nameof(point));
        var prefix = IndexKeys.CollectionPrefix(db, collection);
        var path = IndexEntries.PathPrefix(point.Path, point.Kind);
        _value = [.. prefix, .. path, .. point.Low];
        _cursor = store.Scan([.. prefix, .. path]);
        _position = position;
    }

    /// <summary>How many documents it was asked about.</summary>
    public long Asked { get; private set; }

    public bool Has(string id)
    {
        Asked++;
        int entry = _value.Length + id.Length + 1;
        if (_key.Length < entry + 8) _key = new byte[(entry + 8) * 2];
        _value.CopyTo(_key, 0);
        System.Text.Encoding.ASCII.GetBytes(id, _key.AsSpan(_value.Length));
        _key[entry - 1] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_key.AsSpan(entry), long.MaxValue - _position);
        // Events of an entry sort newest first, so the first key at or after (entry, position) is
        // its newest event at or below the position, if it has one.
        return _cursor.Seek(_key.AsSpan(0, entry + 8)) && _cursor.Key.StartsWith(_key.AsSpan(0, entry)) && _cursor.Value[0] == IndexKeys.Appeared;
    }

    public void Dispose() => _cursor.Dispose();
}

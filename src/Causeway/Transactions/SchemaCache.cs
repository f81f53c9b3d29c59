using Causeway.Schemas;

namespace Causeway.Transactions;

/// <summary>A database's schema versions, parsed once each: <see cref="Latest"/> is the published
/// one (every write and most reads need only it), and older ones are parsed on demand for reads
/// of the past. A database that never had a schema costs nothing more than a field read.</summary>
internal sealed class SchemaCache
{
    private SchemaVersion _latest = SchemaVersion.None;
    private SchemaVersion _other = SchemaVersion.None;

    /// <summary>The newest published schema (<see cref="SchemaVersion.None"/> if there never was one).</summary>
    public SchemaVersion Latest => _latest;

    /// <summary>Called with each published version of <c>_schema/current</c>, and once when the database opens.</summary>
    public void Published(VersionRecord? record)
    {
        if (record is not null) _latest = Of(record);
    }

    public SchemaVersion Of(VersionRecord? record)
    {
        if (record is null || !record.State.Exists) return SchemaVersion.None;
        foreach (var known in new[] { _latest, _other })
            if (known.Commit == record.Commit && known.Position == record.Position) return known;
        var parsed = SchemaVersion.FromDocument(record.State.ToValue(), record.Commit, record.Position);
        _other = parsed;
        return parsed;
    }
}

namespace Causeway.Models;

/// <summary>The objects a session tracks, in the order it took them in, found by collection and id
/// (the identity map) or by instance. Adding is appending to a list: most sessions track a handful
/// (a load, a few stores), searched in place, and a query's page of new objects is looked up by no
/// one until later, if ever. So each index is made only when a search needs it past
/// <see cref="SearchedInPlace"/> objects, and catches up with what was added since then. A struct held
/// in its session's field, so opening a session makes no object for it; its array comes with the first entry.</summary>
internal struct TrackedObjects
{
    private const int SearchedInPlace = 8;

    // An array and a count rather than a list: a session that loads one object makes one small array.
    private TrackedEntry[]? _entries;
    private int _count;
    private Dictionary<(string Collection, string Id), TrackedEntry>? _byId;
    private Dictionary<object, TrackedEntry>? _byEntity;

    // How many of the entries (the first ones) each index holds.
    private int _idsIndexed, _entitiesIndexed;

    public readonly int Count => _count;

    /// <summary>The entry at <paramref name="index"/>, in the order they were added.</summary>
    public readonly TrackedEntry this[int index] => _entries![index];

    public TrackedEntry? Find(string collection, string? id)
    {
        if (id is null) return null;   // new objects without an id yet are not found by it
        if (_count <= SearchedInPlace)
        {
            for (int i = 0; i < _count; i++)
                if (_entries![i].Id == id && _entries[i].Map.Collection == collection) return _entries[i];
            return null;
        }
        _byId ??= new Dictionary<(string Collection, string Id), TrackedEntry>(_count);
        for (; _idsIndexed < _count; _idsIndexed++)
            if (_entries![_idsIndexed] is { Id: { } known } entry) _byId[(entry.Map.Collection, known)] = entry;
        return _byId.GetValueOrDefault((collection, id));
    }

    public TrackedEntry? Find(object entity)
    {
        if (_count <= SearchedInPlace)
        {
            for (int i = 0; i < _count; i++)
                if (ReferenceEquals(_entries![i].Entity, entity)) return _entries[i];
            return null;
        }
        _byEntity ??= new Dictionary<object, TrackedEntry>(_count, ReferenceEqualityComparer.Instance);
        for (; _entitiesIndexed < _count; _entitiesIndexed++) _byEntity.Add(_entries![_entitiesIndexed].Entity, _entries[_entitiesIndexed]);
        return _byEntity.GetValueOrDefault(entity);
    }

    public void Add(TrackedEntry entry)
    {
        if (_entries is null) _entries = new TrackedEntry[2];
        else if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = entry;
    }

    /// <summary>Makes room for <paramref name="more"/> entries about to be added (a page of a query).</summary>
    public void Expect(int more)
    {
        if (_count + more > (_entries?.Length ?? 0)) Array.Resize(ref _entries, Math.Max(_count + more, _count * 2));
    }

    /// <summary>Indexes an entry whose id was set after it was added (a generated id, after the save).</summary>
    public readonly void Named(TrackedEntry entry)
    {
        if (_byId is not null && entry.Id is not null) _byId[(entry.Map.Collection, entry.Id)] = entry;
    }

    public void Remove(TrackedEntry entry)
    {
        int at = _entries is null ? -1 : Array.IndexOf(_entries, entry, 0, _count);
        if (at < 0) return;
        Array.Copy(_entries!, at + 1, _entries!, at, _count - at - 1);
        _entries![--_count] = null!;
        if (at < _idsIndexed) _idsIndexed--;
        if (at < _entitiesIndexed) _entitiesIndexed--;
        // Unconditionally: a generated id is indexed when it is set, wherever its entry stands.
        if (entry.Id is not null) _byId?.Remove((entry.Map.Collection, entry.Id));
        _byEntity?.Remove(entry.Entity);
    }
}

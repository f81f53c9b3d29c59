using System.Collections;

namespace Causeway.Models;

/// <summary>What <see cref="AwSet{T}"/> and <see cref="RwSet{T}"/> share: the elements as loaded plus this
/// instance's own adds and removes, which a session writes as <c>add</c> and <c>remove</c>
/// operations (never the whole set), so concurrent changes elsewhere are kept.</summary>
public abstract class CrdtSet<T> : IReadOnlyCollection<T> where T : notnull
{
    // Most sets a document holds are small and are read, not changed: the elements live in a list,
    // searched in place until there are more than SearchedInPlace of them (a hash set is made then),
    // and the pending changes get a list only once there is one.
    private const int SearchedInPlace = 8;
    private readonly List<T> _elements = [];
    private HashSet<T>? _members;
    private List<(bool Add, T Element)>? _pending;

    protected CrdtSet() { }

    protected CrdtSet(IEnumerable<T> elements)
    {
        foreach (var element in elements) Add(element);
    }

    public int Count => _elements.Count;

    public bool Contains(T element) => _members?.Contains(element) ?? _elements.Contains(element);

    /// <summary>Adds an element; false when it is already there (nothing to write then).</summary>
    public bool Add(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (!Join(element)) return false;
        (_pending ??= []).Add((true, element));
        return true;
    }

    /// <summary>Removes an element; false when it is not there (nothing to write then).</summary>
    public bool Remove(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (_members is not null ? !_members.Remove(element) : !_elements.Contains(element)) return false;
        _elements.Remove(element);
        (_pending ??= []).Add((false, element));
        return true;
    }

    /// <summary>The adds and removes since the set was loaded, in order.</summary>
    internal IReadOnlyList<(bool Add, T Element)> Pending => (IReadOnlyList<(bool Add, T Element)>?)_pending ?? [];

    /// <summary>Replaces the elements with <paramref name="items"/> decoded, each once, with no pending change.</summary>
    internal void Load<TItem>(IReadOnlyList<TItem> items, Func<TItem, T> decode)
    {
        _elements.Clear();
        _members = null;
        _pending?.Clear();
        if (_elements.Capacity < items.Count) _elements.Capacity = items.Count;
        for (int i = 0; i < items.Count; i++) Join(decode(items[i]));
    }

    internal void Accept() => _pending?.Clear();

    /// <summary>Adds <paramref name="element"/> to the elements unless it is there; false when it was.</summary>
    private bool Join(T element)
    {
        if (_members is not null)
        {
            if (!_members.Add(element)) return false;
        }
        else
        {
            if (_elements.Contains(element)) return false;
            if (_elements.Count == SearchedInPlace) _members = [.. _elements, element];
        }
        _elements.Add(element);
        return true;
    }

    public IEnumerator<T> GetEnumerator() => _elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An add-wins set (<c>awset</c>): an add concurrent with a remove of the same element wins.</summary>
public sealed class AwSet<T> : CrdtSet<T> where T : notnull
{
    public AwSet() { }

    public AwSet(IEnumerable<T> elements) : base(elements) { }
}

/// <summary>A remove-wins set (<c>rwset</c>): a remove concurrent with an add of the same element wins.</summary>
public sealed class RwSet<T> : CrdtSet<T> where T : notnull
{
    public RwSet() { }

    public RwSet(IEnumerable<T> elements) : base(elements) { }
}

using System.Collections;

namespace Causeway.Models;

/// <summary>What <see cref="AwSet{T}"/> and <see cref="RwSet{T}"/> share: the elements as loaded plus this
/// instance's own adds and removes, which a session writes as <c>add</c> and <c>remove</c>
/// operations (never the whole set), so concurrent changes elsewhere are kept.</summary>
public abstract class CrdtSet<T> : IReadOnlyCollection<T> where T : notnull
{
    // Most sets a document holds are small and are read, not changed: the elements live in an array
    // (no list object around it), searched in place until there are more than SearchedInPlace of them
    // (a hash set is made then), and the pending changes get a list only once there is one.
    private const int SearchedInPlace = 8;
    private T[] _elements = [];
    private int _count;
    private int _version;
    private HashSet<T>? _members;
    private List<(bool Add, T Element)>? _pending;

    protected CrdtSet() { }

    protected CrdtSet(IEnumerable<T> elements)
    {
        foreach (var element in elements) Add(element);
    }

    public int Count => _count;

    public bool Contains(T element) => _members?.Contains(element) ?? IndexOf(element) >= 0;

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
        if (_members is not null && !_members.Remove(element)) return false;
        int at = IndexOf(element);
        if (at < 0) return false;
        Array.Copy(_elements, at + 1, _elements, at, _count - at - 1);
        _elements[--_count] = default!;
        _version++;
        (_pending ??= []).Add((false, element));
        return true;
    }

    /// <summary>The adds and removes since the set was loaded, in order.</summary>
    internal IReadOnlyList<(bool Add, T Element)> Pending => (IReadOnlyList<(bool Add, T Element)>?)_pending ?? [];

    /// <summary>Replaces the elements with <paramref name="items"/> decoded, each once, with no pending change.</summary>
    internal void Load<TItem>(IReadOnlyList<TItem> items, Func<TItem, T> decode)
    {
        Array.Clear(_elements, 0, _count);
        _count = 0;
        _version++;
        _members = null;
        _pending?.Clear();
        if (_elements.Length < items.Count) _elements = new T[items.Count];
        for (int i = 0; i < items.Count; i++) Join(decode(items[i]));
    }

    internal void Accept() => _pending?.Clear();

    private int IndexOf(T element) => Array.IndexOf(_elements, element, 0, _count);

    /// <summary>Adds <paramref name="element"/> to the elements unless it is there; false when it was.</summary>
    private bool Join(T element)
    {
        if (_members is not null)
        {
            if (!_members.Add(element)) return false;
        }
        else
        {
            if (IndexOf(element) >= 0) return false;
            if (_count == SearchedInPlace) _members = [.. _elements.AsSpan(0, _count), element];
        }
        if (_count == _elements.Length) Array.Resize(ref _elements, Math.Max(4, _count * 2));
        _elements[_count++] = element;
        _version++;
        return true;
    }

    public IEnumerator<T> GetEnumerator()
    {
        int version = _version;
        for (int i = 0; i < _count; i++)
        {
            // As a list's enumerator does: a change while enumerating is a mistake, not a skipped element.
            if (version != _version) throw new InvalidOperationException("The set was changed while it was enumerated.");
            yield return _elements[i];
        }
    }

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

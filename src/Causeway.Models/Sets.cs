using System.Collections;

namespace Causeway.Models;

/// <summary>What <see cref="AwSet{T}"/> and <see cref="RwSet{T}"/> share: the elements as loaded plus this
/// instance's own adds and removes, which a session writes as <c>add</c> and <c>remove</c>
/// operations (never the whole set), so concurrent changes elsewhere are kept.</summary>
public abstract class CrdtSet<T> : IReadOnlyCollection<T> where T : notnull
{
    private readonly List<T> _elements = [];
    private readonly HashSet<T> _members = [];
    private readonly List<(bool Add, T Element)> _pending = [];

    protected CrdtSet() { }

    protected CrdtSet(IEnumerable<T> elements)
    {
        foreach (var element in elements) Add(element);
    }

    public int Count => _elements.Count;

    public bool Contains(T element) => _members.Contains(element);

    /// <summary>Adds an element; false when it is already there (nothing to write then).</summary>
    public bool Add(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (!_members.Add(element)) return false;
        _elements.Add(element);
        _pending.Add((true, element));
        return true;
    }

    /// <summary>Removes an element; false when it is not there (nothing to write then).</summary>
    public bool Remove(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (!_members.Remove(element)) return false;
        _elements.Remove(element);
        _pending.Add((false, element));
        return true;
    }

    /// <summary>The adds and removes since the set was loaded, in order.</summary>
    internal IReadOnlyList<(bool Add, T Element)> Pending => _pending;

    internal void Load(IEnumerable<T> elements)
    {
        _elements.Clear();
        _members.Clear();
        _pending.Clear();
        foreach (var element in elements)
            if (_members.Add(element)) _elements.Add(element);
    }

    internal void Accept() => _pending.Clear();

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

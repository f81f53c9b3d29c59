using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>The elements of a set CRDT (<see cref="AwSet{T}"/>, <see cref="RwSet{T}"/>), each with
/// its dots; an element whose dots are all gone is dropped, so every element held has a dot.
/// Mutable; not thread-safe.</summary>
internal sealed class DotMap<T, TDots> : IDots<DotMap<T, TDots>> where T : notnull where TDots : class, IDots<TDots>, new()
{
    private readonly Dictionary<T, TDots> _elements;

    public DotMap() => _elements = [];

    private DotMap(Dictionary<T, TDots> elements) => _elements = elements;

    public int Count => _elements.Count;

    public bool IsEmpty => _elements.Count == 0;

    public Dictionary<T, TDots>.Enumerator GetEnumerator() => _elements.GetEnumerator();

    public bool ContainsKey(T element) => _elements.ContainsKey(element);

    public bool TryGetValue(T element, [MaybeNullWhen(false)] out TDots dots) => _elements.TryGetValue(element, out dots);

    /// <summary>The dots of <paramref name="element"/>, added empty if it has none: the caller adds one.</summary>
    public TDots GetOrAdd(T element)
    {
        ref var dots = ref CollectionsMarshal.GetValueRefOrAddDefault(_elements, element, out _);
        return dots ??= new TDots();
    }

    /// <summary>Adds a decoded element (none when its dots are empty); an element given twice throws.</summary>
    public void AddPart(T element, TDots dots, string paramName)
    {
        if (dots.IsEmpty) return;
        if (!_elements.TryAdd(element, dots)) throw new ArgumentException($"Element {element} appears twice.", paramName);
    }

    /// <summary>Removes the observed dots of <paramref name="element"/>.</summary>
    public void RemoveAll(T element, DotSet observed)
    {
        if (_elements.TryGetValue(element, out var dots) && dots.RemoveAll(observed) && dots.IsEmpty)
            _elements.Remove(element);
    }

    /// <summary>Removes the observed dots of every element (a clear).</summary>
    public bool RemoveAll(DotSet observed)
    {
        if (observed.IsEmpty) return false;
        bool removed = false;
        List<T>? emptied = null;
        foreach (var (element, dots) in _elements)
        {
            if (!dots.RemoveAll(observed)) continue;
            removed = true;
            if (dots.IsEmpty) (emptied ??= []).Add(element);
        }
        Drop(emptied);
        return removed;
    }

    public void AddTo(List<Dot> dots)
    {
        foreach (var (_, elementDots) in _elements) elementDots.AddTo(dots);
    }

    /// <summary>Causal merge per element, this map's state having context <paramref name="thisContext"/>
    /// and <paramref name="other"/>'s <paramref name="otherContext"/>.</summary>
    public void CausalMerge(DotMap<T, TDots>? other, VersionVector thisContext, VersionVector otherContext)
    {
        List<T>? emptied = null;
        foreach (var (element, dots) in _elements)
        {
            TDots? theirs = null;
            other?._elements.TryGetValue(element, out theirs);
            dots.CausalMerge(theirs, thisContext, otherContext);
            if (dots.IsEmpty) (emptied ??= []).Add(element);
        }
        if (other is not null)
        {
            foreach (var (element, theirs) in other._elements)
            {
                if (_elements.ContainsKey(element)) continue;
                var dots = new TDots();
                dots.CausalMerge(theirs, thisContext, otherContext);
                if (!dots.IsEmpty) _elements.Add(element, dots);
            }
        }
        Drop(emptied);
    }

    public DotMap<T, TDots> Clone()
    {
        var elements = new Dictionary<T, TDots>(_elements.Count);
        foreach (var (element, dots) in _elements) elements.Add(element, dots.Clone());
        return new(elements);
    }

    public bool Equals(DotMap<T, TDots>? other)
    {
        if (other is null || other._elements.Count != _elements.Count) return false;
        foreach (var (element, dots) in _elements)
            if (!other._elements.TryGetValue(element, out var theirs) || !dots.Equals(theirs)) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is DotMap<T, TDots> m && Equals(m);
    public override int GetHashCode() => _elements.Count;

    private void Drop(List<T>? emptied)
    {
        if (emptied is not null) foreach (var e in emptied) _elements.Remove(e);
    }
}

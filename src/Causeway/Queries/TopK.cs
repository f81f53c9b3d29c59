namespace Causeway.Queries;

/// <summary>Keeps the <c>k</c> smallest items seen, by <paramref name="order"/>, without sorting
/// everything: a max-heap of at most k items.</summary>
internal sealed class TopK<T>(int k, IComparer<T> order)
{
    private readonly PriorityQueue<T, T> _largestFirst = new(Comparer<T>.Create((a, b) => order.Compare(b, a)));

    public void Add(T item)
    {
        if (_largestFirst.Count < k) _largestFirst.Enqueue(item, item);
        else if (order.Compare(item, _largestFirst.Peek()) < 0) _largestFirst.EnqueueDequeue(item, item);
    }

    /// <summary>The kept items, smallest first.</summary>
    public List<T> ToSortedList()
    {
        var items = new List<T>(_largestFirst.Count);
        while (_largestFirst.TryDequeue(out var item, out _)) items.Add(item);
        items.Reverse();
        return items;
    }
}

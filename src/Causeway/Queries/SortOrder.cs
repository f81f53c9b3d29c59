namespace Causeway.Queries;

/// <summary>Where a document stands in a query's order: its sort key values (null where the field is
/// missing) and its id. A cursor holds one of these for the last document of its page.</summary>
internal sealed record SortPosition(Values.Value?[] Keys, string Id);

/// <summary>A query's order: each sort key in turn (missing first ascending, last descending, values
/// by <see cref="QueryValueComparer"/>), then the id ascending (ordinal), so no two documents tie and
/// pages cut the order at exact places.</summary>
internal sealed class SortOrder(IReadOnlyList<SortKey> keys) : IComparer<SortPosition>
{
    public int KeyCount => keys.Count;

    public SortPosition PositionOf(Document document)
    {
        Values.Value?[] values = keys.Count == 0 ? [] : new Values.Value?[keys.Count];
        for (int i = 0; i < values.Length; i++) values[i] = keys[i].Path.Read(document);
        return new SortPosition(values, document.Id);
    }

    public int Compare(SortPosition? x, SortPosition? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        for (int i = 0; i < keys.Count; i++)
        {
            int c = QueryValueComparer.Instance.Compare(x.Keys[i], y.Keys[i]);
            if (c != 0) return keys[i].Descending ? -c : c;
        }
        return string.CompareOrdinal(x.Id, y.Id);
    }
}

namespace Causeway.Queries.Live;

/// <summary>The result of a live query as its subscriber last saw it, kept up to date one changed
/// document at a time. It holds the first <see cref="Capacity"/> matching documents in the query's
/// order (the limit, plus as many again spare, at least 32), of which the first <c>limit</c> are the
/// result; the spare ones move up when documents of the result leave, so the query need not run again.
/// <see cref="EndCommit"/> compares the result before and after a commit and names what entered,
/// changed and left.</summary>
/// <remarks>The window does not know the matching documents beyond its last row, only whether there
/// may be some (<c>_more</c>). A document that enters beyond the last row is not kept; when so many
/// rows leave that fewer than <c>limit</c> remain while there may be more behind them, the window asks
/// to be refilled (<see cref="NeedsRefill"/>): the query runs again at that position, once, and
/// <see cref="Replace"/> takes its result.</remarks>
internal sealed class LiveWindow
{
    private readonly SortOrder _order;
    private readonly int _limit;
    private readonly SortedSet<Row> _rows;
    private readonly Dictionary<string, Row> _byId = new(StringComparer.Ordinal);

    /// <summary>The result before the current commit, taken when the commit first changes a row; null while unchanged.</summary>
    private Dictionary<string, Document>? _resultBefore;

    /// <summary>Whether each document whose row the current commit added or removed had one before it.</summary>
    private readonly Dictionary<string, bool> _hadRow = new(StringComparer.Ordinal);
    private bool _more;

    public LiveWindow(SortOrder order, int limit, int capacity, QueryResult initial)
    {
        _order = order;
        _limit = limit;
        Capacity = capacity;
        _rows = new SortedSet<Row>(Comparer<Row>.Create((a, b) => order.Compare(a.Sort, b.Sort)));
        Fill(initial);
        _hadRow.Clear();
        _resultBefore = null;
    }

    /// <summary>How many rows a window of <paramref name="limit"/> keeps: the query runs with this as its
    /// limit. <paramref name="spare"/> replaces the spare rows (tests: none, so every leave refills).</summary>
    public static int CapacityFor(int limit, int? spare = null) => limit + (spare ?? Math.Max(limit, 32));

    public int Capacity { get; }

    /// <summary>The ids the window holds a row for (the result and the spare rows).</summary>
    public IEnumerable<string> Ids => _byId.Keys;

    /// <summary>The result: the first <c>limit</c> rows, in the query's order.</summary>
    public IEnumerable<Document> Result => _rows.Take(_limit).Select(r => r.Document);

    /// <summary>Whether the window can no longer tell its result by itself in this commit.</summary>
    public bool NeedsRefill => _rows.Count < _limit && _more;

    /// <summary>Takes a document's new state in the current commit: <paramref name="matching"/> is the
    /// document when it is live, visible and meets the filter, null otherwise.</summary>
    public void Apply(string id, Document? matching)
    {
        _byId.TryGetValue(id, out var old);
        if (old is not null) Remove(old);
        if (matching is null) return;
        var row = new Row(matching, _order.PositionOf(matching));
        if (_rows.Count == 0 ? !_more : Compare(row, _rows.Max!) < 0 || !_more)
        {
            Insert(row);
            if (_rows.Count > Capacity)
            {
                Remove(_rows.Max!);
                _more = true;
            }
        }
        // Beyond the last row, with documents that may come before it: it joins them.
        else _more = true;
    }

    /// <summary>Takes the result of the query run again (with <see cref="Capacity"/> as its limit) at the current commit's position.</summary>
    public void Replace(QueryResult result)
    {
        TakeResultBefore();
        foreach (var row in _rows.ToList()) Remove(row);
        Fill(result);
    }

    /// <summary>What the current commit changed in the result: documents that entered and documents
    /// whose version changed while they stayed (both in the query's order), the ids of those that
    /// left; and the ids whose rows the commit added and removed (for the index of who holds what).</summary>
    public (List<Document> Entered, List<Document> Changed, List<string> Left, List<string> Added, List<string> Removed) EndCommit()
    {
        List<Document> entered = [], changed = [];
        List<string> left = [], added = [], removed = [];
        foreach (var (id, had) in _hadRow)
        {
            bool has = _byId.ContainsKey(id);
            if (has && !had) added.Add(id);
            else if (had && !has) removed.Add(id);
        }
        _hadRow.Clear();
        if (_resultBefore is { } before)
        {
            _resultBefore = null;
            var now = new HashSet<string>(StringComparer.Ordinal);
            foreach (var document in Result)
            {
                now.Add(document.Id);
                if (!before.TryGetValue(document.Id, out var was)) entered.Add(document);
                else if (was.Position != document.Position || was.Commit != document.Commit) changed.Add(document);
            }
            foreach (var id in before.Keys)
                if (!now.Contains(id)) left.Add(id);
            left.Sort(StringComparer.Ordinal);
        }
        return (entered, changed, left, added, removed);
    }

    private void Fill(QueryResult result)
    {
        foreach (var document in result.Documents) Insert(new Row(document, _order.PositionOf(document)));
        _more = result.Next is not null;
    }

    private void TakeResultBefore() => _resultBefore ??= Result.ToDictionary(d => d.Id, StringComparer.Ordinal);

    private void Insert(Row row)
    {
        TakeResultBefore();
        _hadRow.TryAdd(row.Document.Id, false);
        _rows.Add(row);
        _byId[row.Document.Id] = row;
    }

    private void Remove(Row row)
    {
        TakeResultBefore();
        _hadRow.TryAdd(row.Document.Id, true);
        _rows.Remove(row);
        _byId.Remove(row.Document.Id);
    }

    private int Compare(Row a, Row b) => _order.Compare(a.Sort, b.Sort);

    private sealed record Row(Document Document, SortPosition Sort);
}

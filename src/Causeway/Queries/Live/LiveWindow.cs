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
    private readonly Comparer<Row> _rowOrder;

    // The rows in the query's order: a sorted list, not a tree, since a window holds at most a few
    // hundred rows, and every commit that touches it reads its first rows (a tree's walk allocates).
    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, Row> _byId = new(StringComparer.Ordinal);

    // What one commit needs, kept from commit to commit: a window is touched by thousands of commits,
    // and each made these anew before.
    /// <summary>The result before the current commit, taken when the commit first changes a row.</summary>
    private readonly Dictionary<string, Document> _resultBefore = new(StringComparer.Ordinal);
    private bool _resultTaken;
    private readonly HashSet<string> _resultNow = new(StringComparer.Ordinal);
    private readonly List<string> _added = [], _removed = [];

    /// <summary>Whether each document whose row the current commit added or removed had one before it.</summary>
    private readonly Dictionary<string, bool> _hadRow = new(StringComparer.Ordinal);
    private bool _more;

    public LiveWindow(SortOrder order, int limit, int capacity, QueryResult initial)
    {
        _order = order;
        _limit = limit;
        Capacity = capacity;
        _rowOrder = Comparer<Row>.Create((a, b) => order.Compare(a.Sort, b.Sort));
        Fill(initial);
        _hadRow.Clear();
        _resultBefore.Clear();
        _resultTaken = false;
    }

    /// <summary>How many rows a window of <paramref name="limit"/> keeps: the query runs with this as its
    /// limit. <paramref name="spare"/> replaces the spare rows (tests: none, so every leave refills).</summary>
    public static int CapacityFor(int limit, int? spare = null) => limit + (spare ?? Math.Max(limit, 32));

    public int Capacity { get; }

    /// <summary>The ids the window holds a row for (the result and the spare rows).</summary>
    public IEnumerable<string> Ids => _byId.Keys;

    /// <summary>The result: the first <c>limit</c> rows, in the query's order.</summary>
    public IReadOnlyList<Document> Result
    {
        get
        {
            var result = new Document[ResultCount];
            for (int i = 0; i < result.Length; i++) result[i] = _rows[i].Document;
            return result;
        }
    }

    private int ResultCount => Math.Min(_limit, _rows.Count);

    /// <summary>Whether the window can no longer tell its result by itself in this commit.</summary>
    public bool NeedsRefill => _rows.Count < _limit && _more;

    /// <summary>Takes a document's new state in the current commit: <paramref name="matching"/> is the
    /// document when it is live, visible and meets the filter, null otherwise.</summary>
    public void Apply(string id, Document? matching)
    {
        if (_byId.TryGetValue(id, out var old)) Remove(old);
        if (matching is null) return;
        var row = new Row(matching, _order.PositionOf(matching));
        if (_rows.Count == 0 ? !_more : _rowOrder.Compare(row, _rows[^1]) < 0 || !_more)
        {
            Insert(row);
            if (_rows.Count > Capacity)
            {
                Remove(_rows[^1]);
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
        while (_rows.Count > 0) Remove(_rows[^1]);
        Fill(result);
    }

    /// <summary>What the current commit changed in the result: documents that entered and documents
    /// whose version changed while they stayed (both in the query's order), the ids of those that
    /// left; and the ids whose rows the commit added and removed (for the index of who holds what,
    /// read before the next commit: the window reuses those two lists).</summary>
    public (IReadOnlyList<Document> Entered, IReadOnlyList<Document> Changed, IReadOnlyList<string> Left, List<string> Added, List<string> Removed) EndCommit()
    {
        List<Document>? entered = null, changed = null;
        List<string>? left = null;
        _added.Clear();
        _removed.Clear();
        foreach (var (id, had) in _hadRow)
        {
            bool has = _byId.ContainsKey(id);
            if (has && !had) _added.Add(id);
            else if (had && !has) _removed.Add(id);
        }
        _hadRow.Clear();
        if (_resultTaken)
        {
            _resultTaken = false;
            _resultNow.Clear();
            for (int i = 0; i < ResultCount; i++)
            {
                var document = _rows[i].Document;
                _resultNow.Add(document.Id);
                if (!_resultBefore.TryGetValue(document.Id, out var was)) (entered ??= []).Add(document);
                else if (was.Position != document.Position || was.Commit != document.Commit) (changed ??= []).Add(document);
            }
            foreach (var id in _resultBefore.Keys)
                if (!_resultNow.Contains(id)) (left ??= []).Add(id);
            left?.Sort(StringComparer.Ordinal);
            _resultBefore.Clear();
        }
        return (entered ?? (IReadOnlyList<Document>)[], changed ?? (IReadOnlyList<Document>)[], left ?? (IReadOnlyList<string>)[], _added, _removed);
    }

    private void Fill(QueryResult result)
    {
        foreach (var document in result.Documents) Insert(new Row(document, _order.PositionOf(document)));
        _more = result.HasNext;
    }

    private void TakeResultBefore()
    {
        if (_resultTaken) return;
        _resultTaken = true;
        for (int i = 0; i < ResultCount; i++) _resultBefore[_rows[i].Document.Id] = _rows[i].Document;
    }

    private void Insert(Row row)
    {
        TakeResultBefore();
        _hadRow.TryAdd(row.Document.Id, false);
        int at = _rows.BinarySearch(row, _rowOrder);
        if (at >= 0) return;   // the same position twice: as a set, the window keeps one
        _rows.Insert(~at, row);
        _byId[row.Document.Id] = row;
    }

    private void Remove(Row row)
    {
        TakeResultBefore();
        _hadRow.TryAdd(row.Document.Id, true);
        int at = _rows.BinarySearch(row, _rowOrder);
        if (at >= 0) _rows.RemoveAt(at);
        _byId.Remove(row.Document.Id);
    }

    private readonly record struct Row(Document Document, SortPosition Sort);
}

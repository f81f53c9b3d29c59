namespace Causeway.Queries.Live;

/// <summary>The result of a live query as its subscriber last saw it: the first <c>limit</c> matching
/// documents in the query's order, kept up to date one changed document at a time. Between
/// <see cref="Apply"/> calls of one commit it remembers what each touched document was before the
/// commit, and <see cref="EndCommit"/> turns that into the commit's delta.</summary>
/// <remarks>The window does not know the documents that match beyond its last place, only whether
/// there may be some (<c>_more</c>). A document that enters beyond the last place is ignored; one that
/// leaves (or moves past the last place of) a window that may have more behind it makes the window
/// ask to be refilled (<see cref="NeedsRefill"/>): the query is then run again at that position,
/// once, and <see cref="Replace"/> takes its result.</remarks>
internal sealed class LiveWindow
{
    private readonly SortOrder _order;
    private readonly int _limit;
    private readonly SortedSet<Row> _rows;
    private readonly Dictionary<string, Row> _byId = new(StringComparer.Ordinal);

    /// <summary>What each document touched by the current commit was before it (null: not in the window).</summary>
    private readonly Dictionary<string, Document?> _before = new(StringComparer.Ordinal);
    private bool _more;

    public LiveWindow(SortOrder order, int limit, QueryResult initial)
    {
        _order = order;
        _limit = limit;
        _rows = new SortedSet<Row>(Comparer<Row>.Create((a, b) => order.Compare(a.Sort, b.Sort)));
        Fill(initial);
    }

    /// <summary>The window's documents, in the query's order.</summary>
    public IEnumerable<Document> Documents => _rows.Select(r => r.Document);

    public int Count => _rows.Count;

    /// <summary>Whether the window can no longer tell its next state by itself in this commit.</summary>
    public bool NeedsRefill { get; private set; }

    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>Takes a document's new state in the current commit: <paramref name="matching"/> is the
    /// document when it is live, visible and meets the filter, null otherwise.</summary>
    public void Apply(string id, Document? matching)
    {
        if (NeedsRefill) return;
        _byId.TryGetValue(id, out var old);
        Remember(id, old);
        if (old is not null) Remove(old);
        if (matching is null)
        {
            // A place came free: when documents may wait behind the window, the first of them moves in.
            if (old is not null && _more) NeedsRefill = true;
            return;
        }
        var row = new Row(matching, _order.PositionOf(matching));
        if (old is not null)
        {
            // Still in the result. Past the last place of a window with more behind it, a document
            // behind may come first now.
            if (_more && (_rows.Count == 0 || Compare(row, _rows.Max!) > 0)) NeedsRefill = true;
            else Insert(row);
            return;
        }
        if (_rows.Count < _limit)
        {
            Insert(row);
            return;
        }
        var last = _rows.Max!;
        if (Compare(row, last) < 0)
        {
            Remember(last.Document.Id, last);
            Remove(last);
            Insert(row);
        }
        _more = true;
    }

    /// <summary>Takes the result of the query run again at the current commit's position.</summary>
    public void Replace(QueryResult result)
    {
        // The window as it was before the commit: as it is now, with what the commit touched put back.
        var before = _byId.ToDictionary(e => e.Key, e => (Document?)e.Value.Document, StringComparer.Ordinal);
        foreach (var (id, document) in _before) before[id] = document;
        _rows.Clear();
        _byId.Clear();
        _before.Clear();
        Fill(result);
        foreach (var (id, document) in before) _before[id] = document;
        foreach (var id in _byId.Keys) _before.TryAdd(id, null);
        NeedsRefill = false;
    }

    /// <summary>What the current commit changed: documents that entered and documents whose version
    /// changed while they stayed (both in the query's order), and the ids of those that left.</summary>
    public (List<Document> Entered, List<Document> Changed, List<string> Left) EndCommit()
    {
        List<Row> entered = [], changed = [];
        List<string> left = [];
        foreach (var (id, before) in _before)
        {
            _byId.TryGetValue(id, out var now);
            if (before is null)
            {
                if (now is not null) entered.Add(now);
            }
            else if (now is null) left.Add(id);
            else if (now.Document.Position != before.Position || now.Document.Commit != before.Commit) changed.Add(now);
        }
        _before.Clear();
        NeedsRefill = false;
        entered.Sort(Compare);
        changed.Sort(Compare);
        left.Sort(StringComparer.Ordinal);
        return ([.. entered.Select(r => r.Document)], [.. changed.Select(r => r.Document)], left);
    }

    private void Fill(QueryResult result)
    {
        foreach (var document in result.Documents) Insert(new Row(document, _order.PositionOf(document)));
        _more = result.Next is not null;
    }

    private void Remember(string id, Row? old) => _before.TryAdd(id, old?.Document);

    private void Insert(Row row)
    {
        _rows.Add(row);
        _byId[row.Document.Id] = row;
    }

    private void Remove(Row row)
    {
        _rows.Remove(row);
        _byId.Remove(row.Document.Id);
    }

    private int Compare(Row a, Row b) => _order.Compare(a.Sort, b.Sort);

    private sealed record Row(Document Document, SortPosition Sort);
}

using Causeway.Errors;
using Causeway.Queries.Indexes;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Runs a query at one snapshot position (docs/queries.md, "Execution"): finds candidates
/// through the path index when the filter or the order allows it and scans the collection
/// otherwise, rechecks every candidate against the filter as the document stands at the position,
/// puts the matches in the query's order, and cuts after the cursor and to the limit.</summary>
internal static class QueryExecutor
{
    public static QueryResult Run(StoredDatabase database, Query query, CancellationToken cancellation, bool explain = false)
    {
        query = DefaultOrder.Apply(query);
        var order = new SortOrder(query.Sort);
        // Hashed now only to check a cursor; a page's own cursor hashes it when it is read.
        var fingerprint = query.Cursor is null ? null : QueryFingerprint.Compute(database.Name, query);
        var cursor = query.Cursor is null ? null : QueryCursor.Decode(query.Cursor, fingerprint!, order.KeyCount);

        long position;
        if (cursor is null) position = database.ResolvePosition(query.ReadAt);
        else
        {
            position = cursor.Position;
            if (position > database.Position)
                throw new InvalidInputException(ErrorCodes.InvalidCursor, $"The cursor reads at position {position}, but database '{database.Name}' is at {database.Position}; it was made elsewhere.");
        }

        var run = new QueryRun(database, query, order, cursor?.After, position, cancellation);
        var rows = run.Execute();
        bool more = rows.Count > query.Limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        var documents = new Document[rows.Count];
        for (int i = 0; i < documents.Length; i++) documents[i] = rows[i].Document;
        var plan = explain ? run.Plan(rows.Count) : null;
        if (!more) return new QueryResult(documents, null, position) { Plan = plan };
        // The cursor is encoded when the caller reads it. It takes its sort position from the last
        // document: a page in id order does not rank its rows (QueryRun.Unranked).
        string name = database.Name;
        var last = documents[^1];
        return QueryResult.WithNextWhenRead(documents, () => new QueryCursor(position, fingerprint ?? QueryFingerprint.Compute(name, query), order.PositionOf(last)).Encode(), position, plan);
    }

    /// <summary>How many documents match, at the query's read point (its limit, order and cursor play no part).</summary>
    public static (long Count, long Position, QueryPlan Plan) Count(StoredDatabase database, Query query, CancellationToken cancellation)
    {
        long position = database.ResolvePosition(query.ReadAt);
        var run = new QueryRun(database, query, new SortOrder([]), null, position, cancellation);
        long count = run.CountMatches();
        return (count, position, run.Plan((int)Math.Min(count, int.MaxValue)));
    }
}

/// <summary>One execution of a query: the plan it chose and what it read.</summary>
internal sealed class QueryRun
{
    private readonly StoredDatabase _database;
    private readonly Query _query;
    private readonly SortOrder _order;
    private readonly SortPosition? _after;
    private readonly long _position;
    private readonly CancellationToken _cancellation;
    private readonly IndexReader _index;
    private readonly IndexSettings _settings;
    private readonly IndexExclusions _lacking;
    private readonly QueryPlanner _planner;
    private readonly long _started;
    private readonly TimeProvider _time;

    private string _access = "scan";
    // The ranges read, described only when explain asks: describing writes every bound value as JSON.
    private IndexAccess? _read;
    private string _orderHow = "sorted";
    private string? _fallback;
    private long? _estimate;
    private long _examined;
    private Comparer<(Document Document, SortPosition Sort)>? _rowOrder;

    public QueryRun(StoredDatabase database, Query query, SortOrder order, SortPosition? after, long position, CancellationToken cancellation)
    {
        _database = database;
        _query = query;
        _order = order;
        _after = after;
        _position = position;
        _cancellation = cancellation;
        _index = new IndexReader(database.Keys, database.Runtime.Id, query.Collection);
        _settings = database.Runtime.Extension<IndexSettings>();
        _lacking = _settings.Lacking(query.Collection);
        _planner = new QueryPlanner(_index, _lacking);
        _time = _settings.Time ?? throw new InvalidOperationException("The database's index settings have no clock.");
        _started = _time.GetTimestamp();
    }

    public QueryPlan Plan(int returned) => new(_access, _read is null ? [] : [.. _read.Describe()], _orderHow, _fallback, _estimate, _examined, _index.KeysRead, returned);

    /// <summary>The page's rows plus one (which says another page follows), in order.</summary>
    public List<(Document Document, SortPosition Sort)> Execute()
    {
        _database.CheckQueryable(_query.Collection, IdConfinement.Of(_query.Filter));
        int wanted = _query.Limit + 1;
        // Each way of reading ranks into a fresh page of its own (a walk that ran out leaves a partial one).
        TopK<(Document Document, SortPosition Sort)> NewTop() => new(wanted, _rowOrder ??= Comparer<(Document Document, SortPosition Sort)>.Create((a, b) => _order.Compare(a.Sort, b.Sort)));

        var (access, reason) = PlanFilter();
        if (!_settings.Enabled || _lacking.Everything) return Scan(NewTop(), wanted, reason);

        if (_query.Sort.Count > 0 && !_query.Sort[0].Path.IsId)
        {
            var first = _query.Sort[0];
            // A compound index whose leading paths the filter fixes walks just the page. Documents
            // without the sort path have no entry: the same rule as a walk decides when that is safe.
            bool ranOut = false;
            if ((first.Descending || QueryPlanner.ImpliesPresent(_query.Filter, first.Path.Text))
                && CompoundIndex.Answering(_settings.Compounds(_query.Collection), _query.Filter, first.Path.Text) is { } match)
            {
                var walked = Walk(first, NewTop(), wanted, null, match);
                if (walked is not null) return walked;
                _fallback = $"the compound index {match.Index.Name} ran out before the page filled; documents without '{first.Path.Text}' come last";
                // The sort path's own walk would run out too: the filter's candidates (or a scan) finish.
                ranOut = true;
            }
            bool walkable = !ranOut && (first.Descending || QueryPlanner.ImpliesPresent(_query.Filter, first.Path.Text)) && !_lacking.Excludes(first.Path.Text);
            if (walkable)
            {
                // The filter's best range is on the sort path itself: the walk reads exactly it.
                bool walkIsAccess = access is { Ids.Count: 0, Ranges: [{ Kind: IndexEntries.Kind.Value } only] } && only.Path == first.Path.Text;
                if (access is not null && !walkIsAccess)
                {
                    _estimate = _planner.Estimate(access);
                    if (_estimate < QueryPlanner.ProbeCap)
                    {
                        // Walking reads about (page × documents with the sort path ÷ candidates)
                        // entries; ranking reads every candidate. Take the cheaper.
                        long sorted = _index.Estimate(IndexRange.Present(first.Path.Text), QueryPlanner.ProbeCap);
                        if (wanted * sorted / Math.Max(1, _estimate.Value) >= _estimate) return Gather(access, NewTop());
                    }
                }
                var walked = Walk(first, NewTop(), wanted, access is not null && !walkIsAccess ? access : null);
                if (walked is not null) return walked;
                // The walk ran out before the page filled: documents without the sort path come
                // last when descending, and only a scan (or the filter's ranges) finds them.
                _fallback = $"the index of '{first.Path.Text}' ran out before the page filled; documents without it come last";
            }
            else if (access is null && !ranOut) _fallback = $"ascending by '{first.Path.Text}', documents without it come first, and the filter does not rule them out";
        }

        if (access is null) return Scan(NewTop(), wanted, _fallback ?? reason);
        _access = access.Ids.Count > 0 && access.Ranges.Count == 0 ? "ids" : "index";
        _read = access;
        if (_query.Sort.Count == 0 && access.InIdOrder && !HasOverflow()) return InIdOrder(access.Ranges[0], wanted);
        return Gather(access, NewTop());
    }

    public long CountMatches()
    {
        _database.CheckQueryable(_query.Collection, IdConfinement.Of(_query.Filter));
        var (access, reason) = PlanFilter();
        long count = 0;
        if (access is null)
        {
            _fallback = reason;
            foreach (var document in _database.DocumentsAt(_query.Collection, _position, IdConfinement.Of(_query.Filter)))
                if (Examine() && Matches(document)) count++;
            return count;
        }
        _access = "index";
        _read = access;
        foreach (var id in CandidateSet(access, int.MaxValue)!)
            if (Examine() && _database.DocumentAt(_query.Collection, id, _position) is { } document && Matches(document)) count++;
        return count;
    }

    /// <summary>The filter's candidates in the index, or why there are none (the query then scans).</summary>
    private (IndexAccess? Access, string? Reason) PlanFilter()
    {
        if (!_settings.Enabled) return (null, "this replica keeps no indexes (ReplicaOptions.Indexes is off)");
        if (_lacking.Everything) return (null, $"the schema keeps collection '{_query.Collection}' out of the index");
        return _query.Filter is null ? (null, "there is no filter") : _planner.Plan(_query.Filter);
    }

    private bool Matches(Document document) => _query.Filter is null || PredicateEvaluator.Matches(_query.Filter, document);

    /// <summary>Counts a document read, and keeps the query inside its budget.</summary>
    private bool Examine()
    {
        if ((++_examined & 255) == 0) Budget($"after reading {_examined} documents; narrow the filter, or use a smaller limit");
        return true;
    }

    private void Consider(Document document, TopK<(Document Document, SortPosition Sort)> top)
    {
        if (!Matches(document)) return;
        var sort = _order.PositionOf(document);
        if (_after is not null && _order.Compare(sort, _after) <= 0) return;
        top.Add((document, sort));
    }

    /// <summary>Every live document of the collection; in id order, so without sort keys it stops once the page is full.</summary>
    private List<(Document Document, SortPosition Sort)> Scan(TopK<(Document Document, SortPosition Sort)> top, int wanted, string? reason)
    {
        _access = "scan";
        _fallback = reason;
        _orderHow = _query.Sort.Count == 0 ? "id" : "sorted";
        int matched = 0;
        foreach (var document in _database.DocumentsAt(_query.Collection, _position, IdConfinement.Of(_query.Filter)))
        {
            Examine();
            if (_query.Sort.Count > 0)
            {
                Consider(document, top);
                continue;
            }
            if (_after is not null && string.CompareOrdinal(document.Id, _after.Id) <= 0) continue;
            if (!Matches(document)) continue;
            top.Add((document, _order.PositionOf(document)));
            if (++matched == wanted) break;
        }
        _cancellation.ThrowIfCancellationRequested();
        return top.ToSortedList();
    }

    /// <summary>The most candidate ids a walk in sort order keeps to filter on.</summary>
    private const int MaxMembers = 250_000;

    /// <summary>The candidate ids of an access, each once; null when there are more than <paramref name="cap"/>.</summary>
    private HashSet<string>? CandidateSet(IndexAccess access, int cap)
    {
        var ids = new HashSet<string>(access.Ids, StringComparer.Ordinal);
        foreach (var range in HasOverflow() ? access.Ranges.Append(IndexRange.Overflow) : access.Ranges)
            foreach (var (id, _) in _index.Walk(range, _position))
            {
                ids.Add(id);
                if ((ids.Count & 4095) == 0) Budget();
                if (ids.Count > cap) return null;
            }
        return ids;
    }

    /// <summary>Stops the query when it is cancelled or past its budget; <paramref name="where"/> says how far it got.</summary>
    private void Budget(string where = "while reading the index; narrow the filter")
    {
        _cancellation.ThrowIfCancellationRequested();
        if (_time.GetElapsedTime(_started) > _settings.QueryBudget)
            throw new QueryTimeoutException($"The query ran past its budget of {_settings.QueryBudget.TotalSeconds:0.###} s {where}.");
    }

    /// <summary>Reads the candidates in id order; without sort keys, stops once the page is full.</summary>
    private List<(Document Document, SortPosition Sort)> Gather(IndexAccess access, TopK<(Document Document, SortPosition Sort)> top)
    {
        _access = access.Ids.Count > 0 && access.Ranges.Count == 0 ? "ids" : "index";
        _read = access;
        _orderHow = _query.Sort.Count == 0 ? "id" : "sorted";
        int matched = 0, wanted = _query.Limit + 1;
        var candidates = CandidateSet(access, int.MaxValue)!;
        foreach (var id in _query.Sort.Count == 0 ? InOrder(candidates, wanted) : candidates)
        {
            if (_query.Sort.Count == 0 && _after is not null && string.CompareOrdinal(id, _after.Id) <= 0) continue;
            Examine();
            if (_database.DocumentAt(_query.Collection, id, _position) is not { } document || !Matches(document)) continue;
            Consider(document, top);
            if (_query.Sort.Count == 0 && ++matched == wanted) break;
        }
        return top.ToSortedList();
    }

    /// <summary>The candidates in id order, sorting only as many as the page is likely to need (the
    /// smallest few first; the rest sorted only if rechecks turn too many away).</summary>
    private IEnumerable<string> InOrder(HashSet<string> ids, int wanted)
    {
        if (_after is not null) ids.RemoveWhere(id => string.CompareOrdinal(id, _after.Id) <= 0);
        int head = wanted * 4;
        if (ids.Count <= head * 4)
        {
            var all = ids.ToList();
            all.Sort(StringComparer.Ordinal);
            foreach (var id in all) yield return id;
            yield break;
        }
        var smallest = new TopK<string>(head, StringComparer.Ordinal);
        foreach (var id in ids) smallest.Add(id);
        var first = smallest.ToSortedList();
        foreach (var id in first) yield return id;
        ids.ExceptWith(first);
        var rest = ids.ToList();
        rest.Sort(StringComparer.Ordinal);
        foreach (var id in rest) yield return id;
    }

    /// <summary>The sort position of a row that needs none: rows found in id order are in the page's
    /// order already, and the cursor takes its position from the last document.</summary>
    private static readonly SortPosition Unranked = new([], "");

    /// <summary>One equality range yields ids in order: read until the page is full.</summary>
    private List<(Document Document, SortPosition Sort)> InIdOrder(IndexRange range, int wanted)
    {
        _orderHow = "id";
        var rows = new List<(Document Document, SortPosition Sort)>(wanted);
        var walked = range;
        if (_after is not null)
        {
            // Start at the cursor's id: the key is the value's, then the id.
            var from = new byte[range.Low.Length + _after.Id.Length + 1];
            range.Low.CopyTo(from, 0);
            System.Text.Encoding.ASCII.GetBytes(_after.Id, from.AsSpan(range.Low.Length));
            from[^1] = 1;
            walked = range with { Low = from };
        }
        foreach (var (id, _) in _index.Walk(walked, _position))
        {
            Examine();
            if (_after is not null && string.CompareOrdinal(id, _after.Id) <= 0) continue;
            if (_database.DocumentAt(_query.Collection, id, _position) is not { } document || !Matches(document)) continue;
            rows.Add((document, Unranked));
            if (rows.Count == wanted) break;
        }
        return rows;
    }

    private bool HasOverflow() => _settings.MayHaveCapped(_query.Collection, () => _index.Walk(IndexRange.Overflow, long.MaxValue).Any());

    /// <summary>Walks the first sort key's index in the query's order, rechecking each document, and
    /// stops once the page is full and the key moves on (documents whose keys tie are ranked by the
    /// full order). Null when the index ran out first.</summary>
    /// <summary>The most documents a walk asks an equality probe about before it collects the
    /// filter's candidates instead (a filter that rare is cheaper to collect).</summary>
    private const int MaxProbes = 2048;

    /// <summary>How many candidates an equality has before a walk probes it rather than collecting them.</summary>
    private const int ProbeAbove = 4096;

    /// <param name="filter">The filter's candidates, when it has some: the walk reads only documents among
    /// them, asking an equality's index document by document (a probe) or, past <see cref="MaxProbes"/>
    /// or for other filters, collecting their ids first.</param>
    /// <param name="compound">A compound index to walk instead of the sort path's own, with the
    /// filter's values of its leading paths: its entries in that range come in the sort path's order.</param>
    private List<(Document Document, SortPosition Sort)>? Walk(SortKey first, TopK<(Document Document, SortPosition Sort)> top, int wanted, IndexAccess? filter,
        (CompoundIndex Index, Value[] Equal)? compound = null)
    {
        // Probing costs a seek per document the walk passes; collecting costs a step per candidate.
        // An equality with thousands of candidates is cheaper to probe.
        using var probe = filter is { Ids.Count: 0, Ranges: [{ IsPoint: true } point] } && !HasOverflow() && _index.Estimate(point, ProbeAbove) >= ProbeAbove
            ? new IndexProbe(_database.Keys, _database.Runtime.Id, _query.Collection, point, _position)
            : null;
        var members = filter is not null && probe is null ? CandidateSet(filter, MaxMembers) : null;
        bool collected = probe is null;
        string path = first.Path.Text;
        _access = "index";
        _orderHow = $"index walk on {compound?.Index.Name ?? path}{(first.Descending ? " (descending)" : "")}";
        var range = IndexRange.Present(path);
        if (QueryPlanner.BoundOf(_query.Filter, path) is { } bound) range = range.Intersect(bound);
        if (_after?.Keys[0] is { } resume)
        {
            // Start at the cursor's sort value; its ties are ranked again by the full order.
            range = first.Descending
                ? range.Intersect(IndexRange.To(path, resume, inclusive: true))
                : range.Intersect(IndexRange.From(path, resume, inclusive: true));
        }
        if (compound is { } walked) range = walked.Index.Range(walked.Equal, range);
        _read = IndexAccess.OfRanges(range);
        int filled = 0;
        var capped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, _) in HasOverflow() ? _index.Walk(IndexRange.Overflow, _position) : [])
            if (capped.Add(id) && _database.DocumentAt(_query.Collection, id, _position) is { } document) Consider(document, top);
        byte[]? stopAfter = null;
        long stepped = 0;
        foreach (var (id, key) in _index.Walk(range, _position, reverse: first.Descending, keys: true))
        {
            if (stopAfter is not null && !key.AsSpan().SequenceEqual(stopAfter)) return top.ToSortedList();
            if ((++stepped & 4095) == 0) Budget();
            if (probe is not null && !collected && probe.Asked >= MaxProbes)
            {
                collected = true;
                members = CandidateSet(filter!, MaxMembers);
            }
            if (members is not null ? !members.Contains(id) : probe is not null && !probe.Has(id)) continue;
            Examine();
            if (capped.Contains(id) || _database.DocumentAt(_query.Collection, id, _position) is not { } document) continue;
            if (!Matches(document)) continue;
            var sort = _order.PositionOf(document);
            if (_after is not null && _order.Compare(sort, _after) <= 0) continue;
            top.Add((document, sort));
            if (++filled >= wanted && stopAfter is null) stopAfter = key;
        }
        return stopAfter is null ? null : top.ToSortedList();
    }
}

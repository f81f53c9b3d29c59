using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Causeway.Queries;

namespace Causeway.Models;

/// <summary>A query over a mapped class, written with lambdas and translated to the query AST
/// (<see cref="Query"/>): <c>Where</c>, <c>OrderBy</c>/<c>OrderByDescending</c>/<c>ThenBy</c>/<c>ThenByDescending</c>,
/// <c>Take</c>, <c>After</c> (a cursor), <c>At</c> (a read point). Immutable: each call answers a new query.
/// Nothing is read until <see cref="ToListAsync"/>, <see cref="FirstOrDefaultAsync"/>, <see cref="CountAsync"/>,
/// <see cref="AsAsyncEnumerable"/>, <see cref="ToPageAsync"/> or <see cref="LiveAsync"/>; an expression with no
/// query form throws <see cref="UntranslatableQueryException"/> there (and in <see cref="ToQuery"/>).</summary>
public sealed class TypedQuery<T> where T : class
{
    private readonly DocumentSession _session;
    private readonly EntityMap _map;
    private readonly LambdaExpression[] _where;
    private readonly (LambdaExpression Key, bool Desc)[] _order;
    private readonly int? _take;
    private readonly string? _after;
    private readonly ReadPoint? _at;
    private readonly bool _track;

    internal TypedQuery(DocumentSession session, EntityMap map) : this(session, map, [], [], null, null, null, true) { }

    private TypedQuery(DocumentSession session, EntityMap map, LambdaExpression[] where, (LambdaExpression, bool)[] order, int? take, string? after, ReadPoint? at, bool track)
    {
        _session = session;
        _map = map;
        _where = where;
        _order = order;
        _take = take;
        _after = after;
        _at = at;
        _track = track;
    }

    /// <summary>Keeps the documents <paramref name="predicate"/> holds for; calling it again requires both.</summary>
    public TypedQuery<T> Where(Expression<Func<T, bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(_session, _map, [.. _where, predicate], _order, _take, _after, _at, _track);
    }

    /// <summary>Orders by a property (replacing any earlier order).</summary>
    public TypedQuery<T> OrderBy<TKey>(Expression<Func<T, TKey>> key) => Order(key, desc: false, first: true);

    public TypedQuery<T> OrderByDescending<TKey>(Expression<Func<T, TKey>> key) => Order(key, desc: true, first: true);

    /// <summary>Adds a sort key for documents the earlier keys leave tied (the id breaks every remaining tie).</summary>
    public TypedQuery<T> ThenBy<TKey>(Expression<Func<T, TKey>> key) => Order(key, desc: false, first: false);

    public TypedQuery<T> ThenByDescending<TKey>(Expression<Func<T, TKey>> key) => Order(key, desc: true, first: false);

    private TypedQuery<T> Order(LambdaExpression key, bool desc, bool first)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_session, _map, _where, first ? [(key, desc)] : [.. _order, (key, desc)], _take, _after, _at, _track);
    }

    /// <summary>At most <paramref name="count"/> results (1 or more). It is also the page size, up to
    /// <see cref="Query.MaxLimit"/>; without it pages hold <see cref="Query.DefaultLimit"/>.</summary>
    public TypedQuery<T> Take(int count)
    {
        if (count < 1) throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"Take needs 1 or more; got {count}.");
        return new(_session, _map, _where, _order, count, _after, _at, _track);
    }

    /// <summary>Starts after the page that answered <paramref name="cursor"/> (<see cref="TypedPage{T}.Next"/>).</summary>
    public TypedQuery<T> After(string? cursor) => new(_session, _map, _where, _order, _take, cursor, _at, _track);

    /// <summary>Reads as of <paramref name="at"/> (null: the latest state).</summary>
    public TypedQuery<T> At(ReadPoint? at) => new(_session, _map, _where, _order, _take, _after, at, _track);

    /// <summary>Results as new objects the session does not track (no identity map, nothing saved).</summary>
    public TypedQuery<T> AsNoTracking() => new(_session, _map, _where, _order, _take, _after, _at, track: false);

    /// <summary>The query AST this translates to (its limit is the page size).</summary>
    public Query ToQuery() => Build(PageSize);

    private int PageSize => _take is { } take ? Math.Min(take, Query.MaxLimit) : Query.DefaultLimit;

    private Query Build(int limit)
    {
        var query = Query.In(_map.Collection);
        // Documents that hold a renamed field only under its old name match by the new one, as they read.
        foreach (var where in _where) query = query.Where(_session.Model.Migrations.ReadingRenames(_map.Collection, QueryTranslator.Where(_map, where)));
        for (int i = 0; i < _order.Length; i++)
        {
            string path = QueryTranslator.OrderPath(_map, _order[i].Key);
            query = i == 0 ? query.OrderBy(path, _order[i].Desc) : query.ThenBy(path, _order[i].Desc);
        }
        return query.Take(limit).After(_after).At(_at);
    }

    /// <summary>Every result (up to <see cref="Take"/>), read page by page at one snapshot.</summary>
    public async Task<List<T>> ToListAsync(CancellationToken cancellation = default)
    {
        // The pages' walk of AsAsyncEnumerable, without an await per object.
        var query = ToQuery();
        long remaining = _take ?? long.MaxValue;
        List<T>? list = null;
        while (true)
        {
            var page = await _session.Database.QueryAsync(query, cancellation).ConfigureAwait(false);
            list ??= new List<T>((int)Math.Min(remaining, page.Documents.Count));
            remaining -= _session.Materialize(_map, page.Documents, list, remaining, _track);
            if (remaining == 0 || page.Next is null) return list;
            query = query.After(page.Next);
            if (remaining < query.Limit) query = query.Take((int)remaining);
        }
    }

    /// <summary>The first result, or null when nothing matches.</summary>
    public async Task<T?> FirstOrDefaultAsync(CancellationToken cancellation = default)
    {
        await foreach (var item in Take(1).AsAsyncEnumerable(cancellation).ConfigureAwait(false)) return item;
        return null;
    }

    /// <summary>How many documents match (<see cref="IDocumentDatabase.CountAsync"/>; no more than <see cref="Take"/>).</summary>
    public async Task<long> CountAsync(CancellationToken cancellation = default)
    {
        var count = await _session.Database.CountAsync(Build(PageSize).After(null), cancellation).ConfigureAwait(false);
        return _take is { } take ? Math.Min(take, count.Count) : count.Count;
    }

    /// <summary>One page: its objects, the cursor of the next (null on the last) and the position read at.
    /// Pass <see cref="TypedPage{T}.Next"/> to <see cref="After"/> for the next page.</summary>
    public async Task<TypedPage<T>> ToPageAsync(CancellationToken cancellation = default)
    {
        var page = await _session.Database.QueryAsync(ToQuery(), cancellation).ConfigureAwait(false);
        return new TypedPage<T>(Materialize(page.Documents), page.Next, page.Position);
    }

    /// <summary>Streams every result (up to <see cref="Take"/>), a page at a time by cursor; every page
    /// reads the first page's snapshot, so writes meanwhile neither repeat nor skip a result.</summary>
    public async IAsyncEnumerable<T> AsAsyncEnumerable([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var query = ToQuery();
        long remaining = _take ?? long.MaxValue;
        while (true)
        {
            var page = await _session.Database.QueryAsync(query, cancellation).ConfigureAwait(false);
            foreach (var document in page.Documents)
            {
                if (_session.Materialize<T>(_map, document, _track) is not { } item) continue;
                yield return item;
                if (--remaining == 0) yield break;
            }
            if (page.Next is null) yield break;
            query = query.After(page.Next);
            if (remaining < query.Limit) query = query.Take((int)remaining);
        }
    }

    /// <summary>The query as a live query (<see cref="IDocumentDatabase.LiveQueryAsync"/>): its first page
    /// (up to <see cref="Take"/>, or <see cref="Query.DefaultLimit"/>) as a snapshot event, then one event per
    /// commit that changes it. Documents come as new objects the session does not track.</summary>
    public async IAsyncEnumerable<TypedLiveEvent<T>> LiveAsync(long? since = null, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await foreach (var e in _session.Database.LiveQueryAsync(ToQuery().After(null), since, cancellation).ConfigureAwait(false))
        {
            yield return new TypedLiveEvent<T>(e.Kind, e.Position,
                [.. e.Entered.Select(d => _session.Materialize<T>(_map, d, track: false)!)],
                [.. e.Changed.Select(d => _session.Materialize<T>(_map, d, track: false)!)],
                e.Left);
        }
    }

    private List<T> Materialize(IReadOnlyList<Document> documents)
    {
        var list = new List<T>(documents.Count);
        _session.Materialize(_map, documents, list, long.MaxValue, _track);
        return list;
    }

    public override string ToString() => ToQuery().ToString();
}

/// <summary>One page of a typed query.</summary>
/// <param name="Items">The page's objects, in the query's order.</param>
/// <param name="Next">The cursor of the next page (<see cref="TypedQuery{T}.After"/>), null on the last page.</param>
/// <param name="Position">The snapshot position the page was read at.</param>
public sealed record TypedPage<T>(IReadOnlyList<T> Items, string? Next, long Position);

/// <summary>One event of <see cref="TypedQuery{T}.LiveAsync"/>: a <see cref="LiveQueryEventKind.Snapshot"/>
/// (the whole result in <see cref="Entered"/>), then a <see cref="LiveQueryEventKind.Delta"/> per commit
/// that changed the result (docs/queries.md, Live queries).</summary>
public sealed record TypedLiveEvent<T>(LiveQueryEventKind Kind, long Position, IReadOnlyList<T> Entered, IReadOnlyList<T> Changed, IReadOnlyList<string> Left);

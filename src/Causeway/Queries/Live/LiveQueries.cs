using System.Runtime.CompilerServices;
using Causeway.Errors;
using Causeway.Transactions;

namespace Causeway.Queries.Live;

/// <summary>The live queries of one database (docs/queries.md, Live queries). One dispatcher follows
/// the database's commits once, in position order, and hands each subscription the delta of every
/// commit that changes its result. A subscription starts with its result at a position (the snapshot,
/// or the result at <c>since</c>), catches up to the dispatcher at its reader's pace, then joins it.
/// Each subscription buffers at most <see cref="Capacity"/> unread events; one more ends it with
/// <see cref="SubscriberTooSlowException"/>.</summary>
internal sealed class LiveQueries(StoredDatabase database, int capacity, int? spareRows = null)
{
    /// <summary>How many unread events a subscription buffers by default.</summary>
    public const int DefaultCapacity = 1000;

    private readonly Lock _gate = new();
    private readonly LiveRegistry _registry = new();
    private readonly CommitEvaluator _evaluator = new(database);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>The last position the dispatcher has evaluated.</summary>
    private long _processed;

    /// <summary>Why the dispatcher stopped, once it has: null while it runs (or has not started).</summary>
    private Exception? _stopped;
    private bool _ended;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "A live query buffers at least one event.");

    /// <summary>How many subscriptions the dispatcher serves now.</summary>
    public int Count
    {
        get { lock (_gate) return _registry.Count; }
    }

    /// <summary>Refuses what a live query cannot be, before anything is read: a cursor (a live query
    /// has no pages), a <paramref name="since"/> that is not a position of the database, an <c>at</c>
    /// that does not resolve, a collection (or ids) a partial replica does not hold.</summary>
    public void Check(Query query, long? since)
    {
        ArgumentNullException.ThrowIfNull(query);
        database.CheckOpen();
        if (query.Cursor is not null)
            throw new InvalidInputException(ErrorCodes.InvalidCursor, "A live query has no pages: leave out 'after' (its result is the first page, up to 'limit' documents).");
        if (since is { } position)
        {
            if (position < 0) throw new InvalidInputException(ErrorCodes.InvalidCursor, "'since' is a position ≥ 0.");
            if (position > database.Position) throw new InvalidInputException(ErrorCodes.InvalidCursor, $"'since' {position} is beyond the database's position {database.Position}.");
        }
        else database.ResolvePosition(query.ReadAt);
        var holds = database.Holds;
        if (!holds.HoldsWhole(query.Collection) && (IdConfinement.Of(query.Filter) is not { } prefixes || !prefixes.All(p => holds.HoldsPrefix(query.Collection, p))))
            throw holds.NotHeld(database.Name, query.Collection, null);
    }

    /// <summary>The events of a live query: the snapshot (unless <paramref name="since"/> is given), then
    /// one delta per commit that changes the result, until cancelled, the database is dropped (the
    /// sequence ends) or the subscription fails (too slow, the replica closing).</summary>
    public async IAsyncEnumerable<LiveQueryEvent> ReadAsync(Query query, long? since, [EnumeratorCancellation] CancellationToken cancellation)
    {
        Check(query, since);
        EnsureStarted();
        query = DefaultOrder.Apply(query);
        long start = since ?? database.ResolvePosition(query.ReadAt);
        var initial = QueryExecutor.Run(database, LiveSubscription.WindowQueryOf(query, spareRows).At(ReadPoint.AtPosition(start)), cancellation);
        var subscription = new LiveSubscription(query, start, initial, Capacity, spareRows);
        try
        {
            if (since is null) yield return new LiveQueryEvent(LiveQueryEventKind.Snapshot, start, null, null, false, subscription.Window.Result, [], []);

            // Catch up with the dispatcher at the reader's own pace, then join it: only once what the
            // dispatcher did meanwhile fits the buffer, so a dispatcher that ran ahead (a busy machine,
            // a burst of writes) never cuts off a reader that is still catching up.
            var solo = new LiveRegistry();
            solo.Add(subscription);
            var evaluator = new CommitEvaluator(database);
            long done = start;
            do
            {
                for (long target = Volatile.Read(ref _processed); done < target; target = Volatile.Read(ref _processed))
                    for (long position = done + 1; position <= target; position++)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        if (database.Runtime.Dropped) yield break;   // as the dispatcher ends its subscriptions
                        database.CheckOpen();
                        foreach (var (_, e) in evaluator.Evaluate(position, solo)) yield return e;
                        done = position;
                    }
            }
            while (!TryJoin(subscription, solo, evaluator, done));

            while (await subscription.Events.WaitToReadAsync(cancellation).ConfigureAwait(false))
                while (subscription.Events.TryRead(out var e)) yield return e;
        }
        finally
        {
            Leave(subscription);
        }
    }

    /// <summary>Ends every subscription (the replica is closing) and stops the dispatcher.</summary>
    public async Task StopAsync()
    {
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
            _stop.Cancel();
        }
        if (loop is not null)
        {
            try { await loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        End(new UnavailableException("The replica is closed."));
    }

    private void EnsureStarted()
    {
        lock (_gate)
        {
            if (_ended) throw _stopped as CausewayException ?? new UnavailableException($"Live queries of database '{database.Name}' stopped: {_stopped?.Message}", _stopped);
            if (_loop is not null) return;
            _processed = database.Position;
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Under the dispatcher's lock: evaluates what the dispatcher did since the catch-up into
    /// the subscription's buffer, then hands the subscription to the dispatcher. False (nothing done)
    /// when that is more commits than the buffer holds (each commit makes at most one event): the
    /// reader catches up further first.</summary>
    private bool TryJoin(LiveSubscription subscription, LiveRegistry solo, CommitEvaluator evaluator, long done)
    {
        lock (_gate)
        {
            if (_ended)
            {
                subscription.End(_stopped);
                return true;
            }
            if (_processed - done > subscription.Capacity) return false;
            for (long position = done + 1; position <= _processed; position++)
                foreach (var (_, e) in evaluator.Evaluate(position, solo))
                    if (!subscription.Offer(e))
                    {
                        subscription.End(subscription.TooSlow(position));
                        return true;
                    }
            solo.Remove(subscription);
            subscription.Position = Math.Max(done, _processed);
            _registry.Add(subscription);
            return true;
        }
    }

    private void Leave(LiveSubscription subscription)
    {
        lock (_gate) _registry.Remove(subscription);
        subscription.End(null);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var changed = database.Runtime.Changed;
                long end = database.Position;
                while (Volatile.Read(ref _processed) < end && !stop.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        long position = _processed + 1;
                        foreach (var (subscription, e) in _evaluator.Evaluate(position, _registry))
                            if (!subscription.Offer(e))
                            {
                                _registry.Remove(subscription);
                                subscription.End(subscription.TooSlow(position));
                            }
                        Volatile.Write(ref _processed, position);
                    }
                }
                if (database.Runtime.Dropped)
                {
                    // As the changes feed does, the events end with the database.
                    End(null);
                    return;
                }
                await changed.WaitAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            End(e);
        }
    }

    private void End(Exception? reason)
    {
        List<LiveSubscription> ended;
        lock (_gate)
        {
            if (_ended) return;
            _ended = true;
            _stopped = reason;
            ended = [.. _registry.All];
            foreach (var subscription in ended) _registry.Remove(subscription);
        }
        foreach (var subscription in ended) subscription.End(reason);
    }
}

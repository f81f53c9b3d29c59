using Causeway.Queries;
using Causeway.Queries.Live;

namespace Causeway;

public sealed partial class Database
{
    private LiveQueries? _live;

    /// <summary>The live queries of this database and their dispatcher, made on first use.</summary>
    internal LiveQueries LiveQueries => LazyInitializer.EnsureInitialized(ref _live, () => new LiveQueries(Stored, Replica.Options.LiveQueryBuffer, Replica.Options.TestOnlyLiveQuerySpareRows));

    /// <summary>Subscribes to a query (docs/queries.md, Live queries). Without <paramref name="since"/>:
    /// first a snapshot (the result at the query's <c>at</c>, the latest position by default, up to its
    /// limit), then one delta per commit that changes the result, in commit order. With
    /// <paramref name="since"/>, a position seen before: no snapshot, and the deltas of the commits after
    /// it, exactly. Runs until cancelled; ends when the database is dropped. A subscriber that leaves
    /// <see cref="ReplicaOptions.LiveQueryBuffer"/> events unread is cut off with
    /// <see cref="Errors.SubscriberTooSlowException"/> after the events before it.</summary>
    /// <remarks>A query with a cursor (<c>after</c>), a <paramref name="since"/> beyond the database's position or a bad
    /// <c>at</c> throws here, at the call, before anything is enumerated.</remarks>
    public IAsyncEnumerable<LiveQueryEvent> LiveQueryAsync(Query query, long? since = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckOpen();
        LiveQueries.Check(query, since);
        return LiveQueries.ReadAsync(query, since, cancellation);
    }

    /// <summary>Ends the live queries (the replica is closing).</summary>
    internal Task StopLiveQueriesAsync() => _live?.StopAsync() ?? Task.CompletedTask;
}

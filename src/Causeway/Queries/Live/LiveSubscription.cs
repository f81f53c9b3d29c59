using System.Threading.Channels;
using Causeway.Errors;

namespace Causeway.Queries.Live;

/// <summary>One subscriber's live query: the query, its window, and the bounded buffer of events the
/// dispatcher has made for it and the subscriber has not read yet.</summary>
internal sealed class LiveSubscription
{
    private readonly Channel<LiveQueryEvent> _events;

    public LiveSubscription(Query query, long position, QueryResult initial, int capacity, int? spare)
    {
        Query = query;
        Order = new SortOrder(query.Sort);
        WindowQuery = WindowQueryOf(query, spare);
        Window = new LiveWindow(Order, query.Limit, WindowQuery.Limit, initial);
        Position = position;
        Shortlist = ShortlistKey.Of(query.Filter);
        Capacity = capacity;
        _events = Channel.CreateBounded<LiveQueryEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public Query Query { get; }

    /// <summary>The query as the window runs it: the same, with the window's capacity as its limit and no read point.</summary>
    public Query WindowQuery { get; }

    public static Query WindowQueryOf(Query query, int? spare)
        => Query.Create(query.Collection, query.Filter, query.Sort, LiveWindow.CapacityFor(query.Limit, spare), null, null);
    public string Collection => Query.Collection;
    public SortOrder Order { get; }
    public LiveWindow Window { get; }
    public int Capacity { get; }

    /// <summary>The position the subscription's window is at when it joins the dispatcher: commits at
    /// or before it are already in the window, and the dispatcher passes them by.</summary>
    public long Position { get; set; }

    /// <summary>The path and value an <c>eq</c> of the filter keeps the subscription under, if any.</summary>
    public (QueryPath Path, ShortlistKey Key)? Shortlist { get; }

    // ---- the dispatcher's bookkeeping of one commit ----

    /// <summary>The last document evaluation that included this subscription (no document twice).</summary>
    public long Stamp { get; set; } = -1;

    /// <summary>The commit whose changes the window is taking now.</summary>
    public long Commit { get; set; } = -1;

    /// <summary>The query must run again at the commit's position (a parent it depends on changed, or the schema).</summary>
    public bool Rerun { get; set; }

    public bool Ended { get; private set; }

    public ChannelReader<LiveQueryEvent> Events => _events.Reader;

    /// <summary>Whether a document (null: absent or hidden) meets the filter.</summary>
    public Document? Matching(Document? document)
        => document is not null && (Query.Filter is null || PredicateEvaluator.Matches(Query.Filter, document)) ? document : null;

    /// <summary>Hands an event to the subscriber's buffer; false when the buffer is full.</summary>
    public bool Offer(LiveQueryEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Ends the subscription: the subscriber reads what is buffered, then the end (or <paramref name="error"/>).</summary>
    public void End(Exception? error)
    {
        Ended = true;
        _events.Writer.TryComplete(error);
    }

    public SubscriberTooSlowException TooSlow(long position)
        => new($"The live query on '{Collection}' was cut off at position {position}: its subscriber left {Capacity} events unread. Subscribe again with 'since' at the last position received.");
}

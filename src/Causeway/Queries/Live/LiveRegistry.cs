namespace Causeway.Queries.Live;

/// <summary>The live queries of one database, by collection, indexed so that a changed document is
/// evaluated only against the subscriptions it can affect (<see cref="Candidates"/>).</summary>
internal sealed class LiveRegistry
{
    private readonly Dictionary<string, CollectionQueries> _collections = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>The collections with subscriptions, and their subscriptions.</summary>
    public IEnumerable<KeyValuePair<string, CollectionQueries>> Collections => _collections;

    public IEnumerable<LiveSubscription> All => _collections.Values.SelectMany(c => c.All);

    public CollectionQueries? Of(string collection) => _collections.GetValueOrDefault(collection);

    public void Add(LiveSubscription subscription)
    {
        if (!_collections.TryGetValue(subscription.Collection, out var queries)) _collections[subscription.Collection] = queries = new CollectionQueries();
        queries.Add(subscription);
        Count++;
    }

    public void Remove(LiveSubscription subscription)
    {
        if (!_collections.TryGetValue(subscription.Collection, out var queries) || !queries.Remove(subscription)) return;
        Count--;
        if (queries.All.Count == 0) _collections.Remove(subscription.Collection);
    }
}

/// <summary>The subscriptions on one collection: those kept by an <c>eq</c> under (path, value), the
/// others, and which subscriptions hold each document in their window.</summary>
internal sealed class CollectionQueries
{
    private readonly List<LiveSubscription> _general = [];
    private readonly Dictionary<QueryPath, Dictionary<ShortlistKey, List<LiveSubscription>>> _byValue = [];
    private readonly Dictionary<string, List<LiveSubscription>> _holders = new(StringComparer.Ordinal);

    public List<LiveSubscription> All { get; } = [];

    public void Add(LiveSubscription subscription)
    {
        All.Add(subscription);
        if (subscription.Shortlist is { } shortlist)
        {
            if (!_byValue.TryGetValue(shortlist.Path, out var buckets)) _byValue[shortlist.Path] = buckets = [];
            if (!buckets.TryGetValue(shortlist.Key, out var bucket)) buckets[shortlist.Key] = bucket = [];
            bucket.Add(subscription);
        }
        else _general.Add(subscription);
        foreach (var id in subscription.Window.Ids) Hold(subscription, id);
    }

    public bool Remove(LiveSubscription subscription)
    {
        if (!All.Remove(subscription)) return false;
        if (subscription.Shortlist is { } shortlist)
        {
            var buckets = _byValue[shortlist.Path];
            var bucket = buckets[shortlist.Key];
            bucket.Remove(subscription);
            if (bucket.Count == 0 && buckets.Remove(shortlist.Key) && buckets.Count == 0) _byValue.Remove(shortlist.Path);
        }
        else _general.Remove(subscription);
        foreach (var id in subscription.Window.Ids) Release(subscription, id);
        return true;
    }

    public void Hold(LiveSubscription subscription, string id)
    {
        if (!_holders.TryGetValue(id, out var holders)) _holders[id] = holders = [];
        holders.Add(subscription);
    }

    public void Release(LiveSubscription subscription, string id)
    {
        if (!_holders.TryGetValue(id, out var holders)) return;
        holders.Remove(subscription);
        if (holders.Count == 0) _holders.Remove(id);
    }

    /// <summary>The subscriptions a change of document <paramref name="id"/> to <paramref name="now"/>
    /// (null: absent or hidden) can affect: those whose window has a row for it (it may leave or move), those
    /// without a shortlist, and those whose <c>eq</c> its new value can meet. Each may come more than once.</summary>
    public IEnumerable<LiveSubscription> Candidates(string id, Document? now)
    {
        if (_holders.TryGetValue(id, out var holders))
            foreach (var subscription in holders) yield return subscription;
        foreach (var subscription in _general) yield return subscription;
        if (now is null) yield break;
        foreach (var (path, buckets) in _byValue)
            if (path.Read(now) is { } value && ShortlistKey.OfField(value) is { } key && buckets.TryGetValue(key, out var bucket))
                foreach (var subscription in bucket) yield return subscription;
    }
}

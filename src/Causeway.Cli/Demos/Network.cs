using Causeway.Replication;

namespace Causeway.Cli.Demos;

/// <summary>Two replicas that replicate with each other while their link is up.</summary>
internal sealed record Pair(Site First, Site Second)
{
    public override string ToString() => $"{First.Name}–{Second.Name}";
}

/// <summary>The links between the replicas: one continuous in-process session per pair
/// (<see cref="Database.Replicate(Database, SyncDirection, SyncOptions?)"/>). A partition disposes a
/// link; healing it opens a new one, which resumes from version vectors.</summary>
internal sealed class Network : IAsyncDisposable
{
    private readonly Dictionary<Pair, PeerLink?> _links = [];
    private readonly List<Pair> _pairs = [];

    public Network(IReadOnlyList<Site> sites)
    {
        for (int i = 0; i < sites.Count; i++)
            for (int j = i + 1; j < sites.Count; j++)
                _pairs.Add(new Pair(sites[i], sites[j]));
        foreach (var pair in _pairs) _links[pair] = pair.First.Db.Replicate(pair.Second.Db);
    }

    /// <summary>Every pair, in a fixed order (A–B, A–C, B–C).</summary>
    public IReadOnlyList<Pair> Pairs => _pairs;

    public IReadOnlyList<Pair> Connected => [.. Pairs.Where(p => _links[p] is not null)];
    public IReadOnlyList<Pair> Partitioned => [.. Pairs.Where(p => _links[p] is null)];

    public async Task CutAsync(Pair pair)
    {
        if (_links[pair] is not { } link) return;
        _links[pair] = null;
        await link.DisposeAsync();
    }

    public void Heal(Pair pair) => _links[pair] ??= pair.First.Db.Replicate(pair.Second.Db);

    public void HealAll()
    {
        foreach (var pair in Pairs) Heal(pair);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until every link that is up has its session established.</summary>
    public async Task<bool> WaitLiveAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var until = DateTime.UtcNow + timeout;
        while (_links.Values.Any(l => l is not null && l.Status.State != "live"))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(5, cancellation);
        }
        return true;
    }

    /// <summary>Heals every link and waits (at most <paramref name="timeout"/>) until all replicas have the same heads.</summary>
    public async Task<bool> ConvergeAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        HealAll();
        var until = DateTime.UtcNow + timeout;
        await WaitLiveAsync(timeout, cancellation);
        while (!await SameHeadsAsync(cancellation))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(20, cancellation);
        }
        return true;
    }

    private async Task<bool> SameHeadsAsync(CancellationToken cancellation)
    {
        var heads = new HashSet<string>();
        foreach (var site in Pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct())
            heads.Add(Heads(await site.Db.InfoAsync(cancellation)));
        return heads.Count == 1;
    }

    public static string Heads(DatabaseInfo info) => string.Join(",", info.Heads.Select(h => h.ToString()).Order(StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var pair in Pairs) await CutAsync(pair);
    }
}

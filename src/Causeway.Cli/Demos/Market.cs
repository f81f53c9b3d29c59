using Causeway.Authority;
using Causeway.Documents;
using Causeway.Replication;
using Causeway.Values;

namespace Causeway.Cli.Demos;

/// <summary>A trader: their id is their document's id in <c>players</c>.</summary>
internal sealed record Player(string Id, string Name);

/// <summary>An animal on the exchange, as first listed: by whom and at what price.</summary>
internal sealed record Item(string Id, string Name, Player FirstOwner, long FirstPrice);

/// <summary>One replica of the exchange and the player who trades on it.</summary>
internal sealed record Site(string Name, Player Player, Replica Replica, Database Db);

/// <summary>An item as one replica sees it now.</summary>
internal sealed record ItemState(Item Item, string Owner, long Price, long Available)
{
    public bool ForSale => Available == 1;
}

/// <summary>Three replicas of one database (A, B, C), each in its own folder on RocksDB, each with one
/// player; the schema set on A and synced, the players and their animals created where they live.</summary>
internal sealed class Market : IAsyncDisposable
{
    public const long StartingCredits = 100;

    private Market(IReadOnlyList<Site> sites, IReadOnlyList<Item> items)
    {
        Sites = sites;
        Items = items;
    }

    public IReadOnlyList<Site> Sites { get; }
    public IReadOnlyList<Item> Items { get; }
    public IEnumerable<Player> Players => Sites.Select(s => s.Player);
    public long TotalCredits => StartingCredits * Sites.Count;

    /// <summary>Opens the replicas in subfolders A, B and C of <paramref name="folder"/>, sets the
    /// schema on A and syncs it to B and C. Prices of the animals come from <paramref name="random"/>.
    /// With an <paramref name="owner"/>, the database is theirs on every replica, and each replica
    /// writes under a delegation from them of every command on it: a trusted server of the exchange.</summary>
    public static async Task<Market> OpenAsync(string folder, Random random, PrincipalKey? owner, CancellationToken cancellation)
    {
        (string Site, string Player, string[] Animals)[] cast =
        [
            ("A", "Alice", ["Aardvark", "Axolotl"]),
            ("B", "Bob", ["Badger", "Bison"]),
            ("C", "Carol", ["Capybara", "Chameleon"]),
        ];
        var sites = new List<Site>();
        var items = new List<Item>();
        try
        {
            foreach (var (name, playerName, animals) in cast)
            {
                var replica = await Replica.OpenAsync(Path.Combine(folder, name));
                var player = new Player(playerName.ToLowerInvariant(), playerName);
                var db = await replica.CreateDatabaseAsync(ExchangeSchema.Database, cancellation);
                if (owner is not null)
                {
                    db.Capabilities.SetOwner(owner.Did);
                    db.Capabilities.UseProofs([Delegation.Create(owner, replica.Did, owner.Did, Authority.Commands.All, Scope.Database(ExchangeSchema.Database))]);
                }
                sites.Add(new Site(name, player, replica, db));
                items.AddRange(animals.Select(a => new Item(a.ToLowerInvariant(), a, player, random.Next(10, 41))));
            }
            await sites[0].Db.SetSchemaAsync(ExchangeSchema.Schema, cancellation);
            foreach (var site in sites.Skip(1)) await sites[0].Db.SyncWithAsync(site.Db, SyncDirection.Both, cancellation: cancellation);
            return new Market(sites, items);
        }
        catch
        {
            foreach (var site in sites) await site.Replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates each player on their own replica with <see cref="StartingCredits"/>: the rights
    /// to spend them are that replica's.</summary>
    public async Task RegisterPlayersAsync(CancellationToken cancellation)
    {
        foreach (var site in Sites)
            await site.Db.PutAsync(ExchangeSchema.Players, site.Player.Id,
                Value.Map([new("name", Value.String(site.Player.Name)), new("credits", Value.Int(StartingCredits))]), cancellation);
    }

    /// <summary>Creates each animal on its owner's replica, not yet for sale (<c>available</c> = 0).</summary>
    public async Task CreateItemsAsync(CancellationToken cancellation)
    {
        foreach (var item in Items)
            await SiteOf(item.FirstOwner).Db.PutAsync(ExchangeSchema.Items, item.Id, Value.Map(
            [
                new("owner", Value.String(item.FirstOwner.Id)), new("name", Value.String(item.Name)),
                new("price", Value.Int(item.FirstPrice)), new("available", Value.Int(0)),
            ]), cancellation);
    }

    /// <summary>Raising a counter bounded above spends upper rights, which start with the schema's home
    /// (A, the replica that set the schema). The home cannot grant them over a counter it holds no state
    /// for (it answers not_found), so A first touches each item's counter (+1 −1, value unchanged); the
    /// items must have reached A.</summary>
    public async Task PrimeCountersAsync(CancellationToken cancellation)
    {
        foreach (var item in Items)
            await Sites[0].Db.PatchAsync(ExchangeSchema.Items, item.Id, [FieldOp.Increment("available", 1), FieldOp.Increment("available", -1)], cancellation);
    }

    /// <summary>Puts each animal up for sale on its owner's replica (<c>available</c> 0 → 1): B and C wait
    /// for a transfer of the upper right from A, so their links to A must be up.</summary>
    public async Task ListItemsAsync(CancellationToken cancellation)
    {
        using var wait = Database.WaitingForRights(TimeSpan.FromSeconds(10));
        foreach (var item in Items)
            await SiteOf(item.FirstOwner).Db.PatchAsync(ExchangeSchema.Items, item.Id, [FieldOp.Increment("available", 1)], cancellation);
    }

    public Site SiteOf(Player player) => Sites.First(s => s.Player == player);

    /// <summary>Every item as <paramref name="site"/> sees it now.</summary>
    public async Task<IReadOnlyList<ItemState>> ItemsOnAsync(Site site, CancellationToken cancellation)
    {
        var states = new List<ItemState>();
        foreach (var item in Items)
            if (await site.Db.GetAsync(ExchangeSchema.Items, item.Id, cancellation: cancellation) is { } doc)
                states.Add(new ItemState(item, doc["owner"]!.AsString(), doc["price"]!.AsInt(), doc["available"]!.AsInt()));
        return states;
    }

    /// <summary>Every player's balance as <paramref name="site"/> sees it now.</summary>
    public async Task<IReadOnlyList<(Player Player, long Credits)>> BalancesOnAsync(Site site, CancellationToken cancellation)
    {
        var balances = new List<(Player, long)>();
        foreach (var player in Players)
            if (await site.Db.GetAsync(ExchangeSchema.Players, player.Id, cancellation: cancellation) is { } doc)
                balances.Add((player, doc["credits"]!.AsInt()));
        return balances;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var site in Sites) await site.Replica.DisposeAsync();
    }
}

using System.Diagnostics;
using Causeway.Authority;

namespace Causeway.Cli.Demos;

/// <summary>What a run is asked to do; with <paramref name="Functions"/>, purchases are calls of the
/// stored function <c>purchase</c> on each site's server, with call-only keys.</summary>
internal sealed record ExchangeOptions(int Seed, int Rounds, string Folder, bool Functions = false);

/// <summary>What a run did and whether the promises held; <paramref name="Calls"/>, with functions,
/// what each replica recorded of the calls.</summary>
internal sealed record ExchangeResult(ExchangeOptions Options, Tally Tally, Watch Watch, IReadOnlyList<Guarantee> Guarantees, long RightsAsked, long RightsGranted, TimeSpan Elapsed,
    IReadOnlyList<CallCount>? Calls)
{
    public bool Held => Guarantees.All(g => g.Holds);
}

/// <summary>Where a run says what each round did.</summary>
internal interface IRoundLog
{
    void Round(RoundPlan plan, IReadOnlyList<Receipt> receipts, IReadOnlyList<string> relisted, Tally tally);
}

/// <summary>The Animal Exchange on three replicas: players buy animals from each other in rounds of
/// concurrent purchases while links between the replicas are cut and healed at random; afterwards
/// every link heals, the replicas converge and <see cref="Audit"/> checks the four promises.
/// A purchase is a transaction on the buyer's replica, or with <see cref="ExchangeOptions.Functions"/>
/// a call of the stored function on the buyer's site's server (<see cref="Storefronts"/>).</summary>
internal sealed class AnimalExchange : IAsyncDisposable
{
    /// <summary>The demo owner's key file in the run's folder, with functions.</summary>
    public const string OwnerKeyFile = "owner.key";

    private static readonly TimeSpan LinkWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConvergenceWait = TimeSpan.FromSeconds(30);

    private readonly ExchangeOptions _options;
    private readonly Market _market;
    private readonly Network _network;
    private readonly Stopwatch _clock;
    private readonly Tally _tally = new();
    private readonly Watch _watch = new();
    private readonly PrincipalKey? _owner;
    private Storefronts? _storefronts;

    private AnimalExchange(ExchangeOptions options, Market market, Network network, Stopwatch clock, PrincipalKey? owner)
    {
        _options = options;
        _market = market;
        _network = network;
        _clock = clock;
        _owner = owner;
    }

    public IReadOnlyList<Site> Sites => _market.Sites;

    /// <summary>With functions, what the call-only keys were refused at setup.</summary>
    public CallOnlyCheck? CallOnly { get; private set; }

    private ICheckout Checkout => _storefronts ?? (ICheckout)TransactionCheckout.Instance;

    /// <summary>Opens the replicas, links each pair, creates the players and lists their animals, and
    /// waits until all three replicas hold all of it; says each step to <paramref name="say"/>.</summary>
    public static async Task<AnimalExchange> OpenAsync(ExchangeOptions options, Action<string> say, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var owner = options.Functions ? CreateOwner(options.Folder) : null;
        Market market;
        try { market = await Market.OpenAsync(options.Folder, new Random(options.Seed), owner, cancellation); }
        catch
        {
            owner?.Dispose();
            throw;
        }
        var exchange = new AnimalExchange(options, market, new Network(market.Sites), clock, owner);
        try
        {
            await exchange.SetUpAsync(say, cancellation);
            return exchange;
        }
        catch
        {
            await exchange.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new owner key, saved in <paramref name="folder"/> for the servers to load.</summary>
    private static PrincipalKey CreateOwner(string folder)
    {
        Directory.CreateDirectory(folder);
        var owner = PrincipalKey.Create();
        owner.Save(Path.Combine(folder, OwnerKeyFile));
        return owner;
    }

    private async Task SetUpAsync(Action<string> say, CancellationToken cancellation)
    {
        say($"Opened replicas {string.Join(", ", Sites.Select(s => s.Name))} on RocksDB in {_options.Folder}; the schema set on A reached B and C.");
        await _network.WaitLiveAsync(LinkWait, cancellation);
        if (_owner is not null) await OpenStorefrontsAsync(_owner, say, cancellation);
        await _market.RegisterPlayersAsync(cancellation);
        say($"{string.Join(", ", Sites.Select(s => $"{s.Player.Name} on {s.Name}"))}: {Market.StartingCredits} credits each, the rights to spend them held by their own replica.");
        if (_storefronts is not null)
        {
            CallOnly = await _storefronts.CheckCallOnlyAsync(cancellation);
            say(CallOnly.Line);
            if (!CallOnly.Refused) return;
        }
        await _market.CreateItemsAsync(cancellation);
        await _network.ConvergeAsync(ConvergenceWait, cancellation);
        await _market.PrimeCountersAsync(cancellation);
        await _market.ListItemsAsync(cancellation);
        foreach (var item in _market.Items) _tally.Listed(item);
        say($"Listed {string.Join(", ", _market.Items.Select(i => $"{i.Name} ({i.FirstOwner.Name}, {i.FirstPrice})"))}, each by its owner's replica; "
            + "B and C waited for A, the schema's home, to transfer the right to raise 'available'.");
        await _network.ConvergeAsync(ConvergenceWait, cancellation);
    }

    /// <summary>A defines <c>purchase</c>; each site serves its replica and its player gets a call-only key.</summary>
    private async Task OpenStorefrontsAsync(PrincipalKey owner, Action<string> say, CancellationToken cancellation)
    {
        say($"The database is owned by the demo owner key {Path.Combine(_options.Folder, OwnerKeyFile)} on every replica; each replica holds a delegation from it of every command on '{ExchangeSchema.Database}'.");
        var role = PurchaseFunction.Definition.Role;
        await Sites[0].Db.DefineFunctionAsync(PurchaseFunction.Definition, cancellation);
        _storefronts = await Storefronts.OpenAsync(Sites, owner, Path.Combine(_options.Folder, OwnerKeyFile), _options.Folder, cancellation);
        say($"A defined the stored function '{PurchaseFunction.Name}' (role: {string.Join(", ", role.Select(g => $"{g.Command} on {string.Join(", ", g.Collections ?? [])}"))}); "
            + $"servers on loopback: {string.Join(", ", _storefronts.Urls.Select(u => $"{u.Site.Name} {u.Url}"))}; "
            + $"each player holds their own key with a delegation of /fn/call on '{PurchaseFunction.Name}' only.");
    }

    /// <summary>Plays every round, telling <paramref name="log"/> after each.</summary>
    public async Task PlayAsync(IRoundLog log, CancellationToken cancellation)
    {
        var planner = new RoundPlanner(_options.Seed);
        for (int round = 1; round <= _options.Rounds; round++)
            await PlayAsync(planner.Next(round, _network, Sites), log, cancellation);
    }

    /// <summary>Heals every link, waits for the replicas to converge, and checks the promises.</summary>
    public async Task<ExchangeResult> FinishAsync(CancellationToken cancellation)
    {
        // A transfer still in flight can land after the heads matched: read again until they match in the snapshots too.
        bool converged = false;
        var snapshots = new List<Snapshot>();
        for (int attempt = 0; attempt < 5 && !(converged && snapshots.Select(s => s.Heads).Distinct().Count() == 1); attempt++)
        {
            converged = await _network.ConvergeAsync(ConvergenceWait, cancellation);
            snapshots.Clear();
            foreach (var site in Sites) snapshots.Add(await Snapshot.TakeAsync(site, cancellation));
        }
        return new ExchangeResult(_options, _tally, _watch, Audit.Check(_market, _tally, _watch, converged, snapshots),
            Sites.Sum(s => s.Db.Reservations.Asked), Sites.Sum(s => s.Db.Reservations.Granted), _clock.Elapsed, _storefronts?.CountCalls(snapshots));
    }

    /// <summary>One round: change the links as planned, run the purchases at once, let owners relist
    /// some of what they hold that is not for sale (each on their own replica, as it sees the market),
    /// and read every balance and item on every replica.</summary>
    private async Task PlayAsync(RoundPlan plan, IRoundLog log, CancellationToken cancellation)
    {
        if (plan.Heal is { } heal) _network.Heal(heal);
        if (plan.Cut is { } cut) await _network.CutAsync(cut);
        await _network.WaitLiveAsync(LinkWait, cancellation);
        bool whole = _network.Partitioned.Count == 0;
        _tally.Round(cut: plan.Cut is not null, healed: plan.Heal is not null, whole);

        var choices = new Random(plan.ChoiceSeed);
        var orders = await OrderPicker.PickAsync(plan, _market, choices, cancellation);
        var receipts = await Task.WhenAll(orders.Select(o => Purchase.MakeAsync(o, Checkout, cancellation)));
        foreach (var receipt in receipts) _tally.Count(receipt, whole);

        var relisted = await RelistSomeAsync(choices, cancellation);
        await _watch.ObserveAsync(_market, plan.Round, cancellation);
        log.Round(plan, receipts, relisted, _tally);
    }

    /// <summary>Each owner, on their own replica, relists about half of what they see they own and is not for sale.</summary>
    private async Task<IReadOnlyList<string>> RelistSomeAsync(Random choices, CancellationToken cancellation)
    {
        var relisted = new List<string>();
        foreach (var site in Sites)
            foreach (var item in await _market.ItemsOnAsync(site, cancellation))
            {
                if (item.Owner != site.Player.Id || item.ForSale || choices.Next(2) != 0) continue;
                long price = Math.Clamp(item.Price + choices.Next(-5, 11), 5, 60);
                bool done = await Purchase.RelistAsync(site, item.Item, price, cancellation);
                _tally.Relist(item.Item, done);
                relisted.Add(done ? $"{site.Player.Name} relists {item.Item.Name} at {price}" : $"{site.Player.Name} could not relist {item.Item.Name}");
            }
        return relisted;
    }

    public async ValueTask DisposeAsync()
    {
        await _network.DisposeAsync();
        if (_storefronts is not null) await _storefronts.DisposeAsync();
        await _market.DisposeAsync();
        _owner?.Dispose();
    }
}

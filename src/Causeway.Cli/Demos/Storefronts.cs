using Causeway.Authority;
using Causeway.Client;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Server;
using Causeway.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Causeway.Cli.Demos;

/// <summary>What the call-only keys were refused at setup, and the line that says so.</summary>
internal sealed record CallOnlyCheck(bool Refused, string Line);

/// <summary>One replica's call records (<c>_calls</c>) at the end of a run, and how many of them name
/// as caller the key of the buyer of the purchase with their id.</summary>
internal sealed record CallCount(string Site, int Records, int ByBuyer);

/// <summary>Each site's replica served over HTTP on loopback, in process, with the demo owner's key as
/// the owner of its databases; and each player's client of their own site's server, signed with the
/// player's own key and a call-only delegation from the owner (<c>/fn/call</c> on
/// <c>purchase</c>). A purchase is a call of the stored function with the order's id as its
/// idempotency key; the server runs it on the site's replica, which commits under its own chain.</summary>
internal sealed class Storefronts : ICheckout, IAsyncDisposable
{
    /// <summary>A function the call-only keys must not call (it need not exist: the refusal comes first).</summary>
    private const string OtherFunction = "payout";

    private readonly List<WebApplication> _servers = [];
    private readonly Dictionary<Site, Storefront> _fronts = [];

    private sealed record Storefront(Site Site, Uri Url, PrincipalKey Key, CausewayClient Client, IDocumentDatabase Db);

    private Storefronts()
    {
    }

    /// <summary>Where each site's server answers, in site order.</summary>
    public IEnumerable<(Site Site, Uri Url)> Urls => _fronts.Values.Select(f => (f.Site, f.Url));

    /// <summary>Starts a server on each site's replica (its folder as the server's, for its tokens) and
    /// gives each player a key and a call-only delegation from <paramref name="owner"/>.</summary>
    public static async Task<Storefronts> OpenAsync(IReadOnlyList<Site> sites, PrincipalKey owner, string ownerKeyFile, string folder, CancellationToken cancellation)
    {
        var fronts = new Storefronts();
        try
        {
            foreach (var site in sites)
            {
                var options = new ServerOptions { DataDirectory = Path.Combine(folder, site.Name), Urls = "http://127.0.0.1:0", OwnerKeyFile = ownerKeyFile };
                // The demo speaks for itself on stdout; the servers' request logs would only interleave with it.
                var app = CausewayServer.Build(site.Replica, options, b => b.Logging.ClearProviders());
                fronts._servers.Add(app);
                await app.StartAsync(cancellation);
                var url = new Uri(app.Urls.First());
                var key = PrincipalKey.Create();
                var grant = Delegation.Create(owner, key.Did, owner.Did, Authority.Commands.FnCall, Scope.Function(ExchangeSchema.Database, PurchaseFunction.Name));
                var client = new CausewayClient(url, new Credential(key, [grant]));
                fronts._fronts[site] = new Storefront(site, url, key, client, client.Database(ExchangeSchema.Database));
            }
            return fronts;
        }
        catch
        {
            await fronts.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls <c>purchase</c> as the buyer, on their own site's server.</summary>
    public async Task<Receipt> TryAsync(Order order, CancellationToken cancellation)
    {
        var argument = Value.Map(
        [
            new("order", Value.String(order.Id)), new("item", Value.String(order.Item.Id)), new("buyer", Value.String(order.Buyer.Id)),
        ]);
        try
        {
            var call = await _fronts[order.Site].Db.CallAsync(PurchaseFunction.Name, argument, new CallOptions(order.Id), cancellation);
            return await Purchase.BoughtAsync(order, call.Result.Get("seller")!.AsString(), call.Result.Get("price")!.AsInt(), call.Position, cancellation);
        }
        catch (FunctionAbortedException e) when (PurchaseFunction.RefusalOf(e.Reason) is { } refusal)
        {
            return new Receipt(order, refusal);
        }
        catch (CausewayException e)
        {
            return Purchase.Refused(order, e);
        }
    }

    /// <summary>Has each player's key try, on their own site's server, what a call-only key must not do:
    /// raise their own balance directly, and call another function. Each must be refused with 403.</summary>
    public async Task<CallOnlyCheck> CheckCallOnlyAsync(CancellationToken cancellation)
    {
        var accepted = new List<string>();
        foreach (var front in _fronts.Values)
        {
            var player = front.Site.Player;
            var patch = await RefusalAsync(() => front.Db.PatchAsync(ExchangeSchema.Players, player.Id, [Documents.FieldOp.Increment("credits", 1000)], cancellation));
            if (patch is not null) accepted.Add($"{player.Name}'s PATCH of their own balance {patch}");
            var call = await RefusalAsync(() => front.Db.CallAsync(OtherFunction, Value.Map([new("player", Value.String(player.Id))]), cancellation: cancellation));
            if (call is not null) accepted.Add($"{player.Name}'s call of '{OtherFunction}' {call}");
        }
        return accepted.Count == 0
            ? new(true, $"Call-only keys: each player's key (/fn/call on '{PurchaseFunction.Name}' only) was refused on their own site's server a PATCH of their own balance "
                + $"and a call of '{OtherFunction}': {2 * _fronts.Count} × 403 {ErrorCodes.Forbidden}.")
            : new(false, $"Call-only keys were not refused: {string.Join("; ", accepted)}.");
    }

    /// <summary>Null when <paramref name="attempt"/> is refused with 403 forbidden; otherwise how it ended.</summary>
    private static async Task<string?> RefusalAsync(Func<Task> attempt)
    {
        try
        {
            await attempt();
            return "was accepted";
        }
        catch (CausewayException e)
        {
            return e.Code == ErrorCodes.Forbidden ? null : $"answered {ErrorCodes.HttpStatus(e.Code)} {e.Code}";
        }
    }

    /// <summary>Counts each replica's call records in <paramref name="snapshots"/>, and those whose caller
    /// is the key of the buyer of the purchase the call made.</summary>
    public IReadOnlyList<CallCount> CountCalls(IReadOnlyList<Snapshot> snapshots)
    {
        var didOf = _fronts.Values.ToDictionary(f => f.Site.Player.Id, f => f.Key.Did);
        return [.. snapshots.Select(s =>
        {
            var buyers = s[ExchangeSchema.Purchases].ToDictionary(p => p.Id, p => p["buyer"]!.AsString());
            int byBuyer = s.Calls.Count(c => buyers.TryGetValue(c.Id, out var buyer) && didOf.GetValueOrDefault(buyer) == c["caller"]?.AsString());
            return new CallCount(s.Site.Name, s.Calls.Count, byBuyer);
        })];
    }

    public async ValueTask DisposeAsync()
    {
        // Each server closes its replica as it stops; the market's own close after it does nothing more.
        foreach (var app in _servers)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        foreach (var front in _fronts.Values)
        {
            front.Client.Dispose();
            front.Key.Dispose();
        }
    }
}

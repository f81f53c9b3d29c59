namespace Causeway.Cli.Demos;

/// <summary>Turns a round's shoppers into orders: each buys, as their own replica sees the market, an
/// item for sale that is not theirs; racing shoppers all go for the first racer's item.</summary>
internal static class OrderPicker
{
    public static async Task<IReadOnlyList<Order>> PickAsync(RoundPlan plan, Market market, Random choices, CancellationToken cancellation)
    {
        var orders = new List<Order>();
        Item? contested = null;
        foreach (var shopper in plan.Shoppers)
        {
            var seen = await market.ItemsOnAsync(shopper.Site, cancellation);
            var notMine = seen.Where(i => i.Owner != shopper.Site.Player.Id).ToList();
            var forSale = notMine.Where(i => i.ForSale).ToList();
            var pool = forSale.Count > 0 ? forSale : notMine.Count > 0 ? notMine : [.. seen];
            var item = shopper.Racing && contested is not null && notMine.Any(i => i.Item == contested) ? contested : pool[choices.Next(pool.Count)].Item;
            if (shopper.Racing) contested ??= item;
            orders.Add(new Order($"r{plan.Round:0000}-{orders.Count}", shopper.Site, item, shopper.Patient));
        }
        return orders;
    }
}

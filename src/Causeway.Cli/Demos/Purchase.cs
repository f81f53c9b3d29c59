using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Cli.Demos;

/// <summary>A player's attempt to buy an item on their own replica. A patient buyer, refused for want
/// of rights, tries again for up to <see cref="Purchase.RightsWait"/> while the transfer the engine
/// asked for arrives from a connected peer; an impatient one takes the first refusal.</summary>
internal sealed record Order(string Id, Site Site, Item Item, bool Patient)
{
    public Player Buyer => Site.Player;
}

internal enum Outcome
{
    Bought,
    NotForSale,
    OwnItem,
    TooPoor,
    /// <summary>The engine refused it (insufficient_rights): the buyer did not wait.</summary>
    NoRights,
    /// <summary>The engine refused every attempt (insufficient_rights) while the buyer waited for a transfer.</summary>
    RightsWaitTimedOut,
    /// <summary>The engine refused it for another reason (its code is in the receipt).</summary>
    Refused,
}

/// <summary>How an order ended; for a purchase, whom it paid and how much.</summary>
internal sealed record Receipt(Order Order, Outcome Outcome, string? Seller = null, long Price = 0, string? Code = null)
{
    /// <summary>How long the attempt took, waits for rights included.</summary>
    public TimeSpan Took { get; init; }

    /// <summary>A purchase whose commit landed on a state where the item had changed hands since the
    /// transaction read it (a commit from a peer applied in between): the seller it paid was no longer the owner.</summary>
    public bool Stale { get; init; }

    public bool Bought => Outcome == Outcome.Bought;
    public bool RefusedForRights => Outcome is Outcome.NoRights or Outcome.RightsWaitTimedOut;
}

/// <summary>Where an order is tried, once: in a transaction on the buyer's replica
/// (<see cref="TransactionCheckout"/>), or as a call of the stored function <c>purchase</c> on the
/// buyer's site's server (<see cref="Storefronts"/>).</summary>
internal interface ICheckout
{
    Task<Receipt> TryAsync(Order order, CancellationToken cancellation);
}

/// <summary>A purchase moves the item to the buyer (its <c>available</c> goes from 1 to 0 and its
/// owner becomes the buyer), the buyer pays, the seller is paid and a purchase document records it,
/// all or nothing, in one commit on the buyer's replica. The checks are the market's rules (the item
/// is for sale, not the buyer's own, affordable, as this replica sees it); what keeps the guarantees
/// under concurrency and partitions is the engine's bounded counters.</summary>
/// <remarks>A patient buyer does not wait inside <see cref="Database.WaitingForRights"/>: there a wait
/// can outlast its timeout (up to the engine's relay timeout, 2 s, when two replicas ask for the same
/// rights at once), and the retried commit reuses what the body read before the wait. Instead each
/// refusal (which asks the peers for a transfer) is followed by a fresh attempt, until the wait
/// is over: bounded, and every attempt reads the item as it is now.</remarks>
internal static class Purchase
{
    public static readonly TimeSpan RightsWait = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    public static async Task<Receipt> MakeAsync(Order order, ICheckout checkout, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var receipt = await checkout.TryAsync(order, cancellation);
            bool waitOver = !order.Patient || clock.Elapsed + RetryPause >= RightsWait;
            if (!receipt.RefusedForRights || waitOver)
                return receipt with { Took = clock.Elapsed, Outcome = receipt.RefusedForRights && order.Patient ? Outcome.RightsWaitTimedOut : receipt.Outcome };
            await Task.Delay(RetryPause, cancellation);
        }
    }

    /// <summary>The receipt of a purchase committed at <paramref name="position"/> of the buyer's
    /// replica, stale when the item had another owner just before that commit than the one paid.</summary>
    public static async Task<Receipt> BoughtAsync(Order order, string seller, long price, long position, CancellationToken cancellation)
    {
        var before = await order.Site.Db.GetAsync(ExchangeSchema.Items, order.Item.Id, ReadPoint.AtPosition(position - 1), cancellation);
        return new Receipt(order, Outcome.Bought, seller, price) { Stale = before!["owner"]!.AsString() != seller };
    }

    /// <summary>The receipt of an attempt the engine refused: for want of rights, or for <paramref name="e"/>'s code.</summary>
    public static Receipt Refused(Order order, CausewayException e)
        => new(order, e is InsufficientRightsException ? Outcome.NoRights : Outcome.Refused, Code: e.Code);

    /// <summary>The owner puts the item up for sale again, on their own replica: raising
    /// <c>available</c> back to 1 spends the upper right their purchase gave that replica (a replica
    /// that has not yet seen a later sale holds none, and the engine refuses).</summary>
    public static async Task<bool> RelistAsync(Site site, Item item, long price, CancellationToken cancellation)
    {
        try
        {
            await site.Db.PatchAsync(ExchangeSchema.Items, item.Id, [FieldOp.Increment("available", 1), FieldOp.Set("price", Value.Int(price))], cancellation);
            return true;
        }
        catch (InsufficientRightsException)
        {
            return false;
        }
    }
}

/// <summary>A purchase as one transaction on the buyer's replica, the market's rules checked in C#.</summary>
internal sealed class TransactionCheckout : ICheckout
{
    public static readonly TransactionCheckout Instance = new();

    public async Task<Receipt> TryAsync(Order order, CancellationToken cancellation)
    {
        try
        {
            var (deal, written) = await order.Site.Db.TransactAsync(async tx =>
            {
                var item = await tx.GetAsync(ExchangeSchema.Items, order.Item.Id);
                if (item is null || item["available"]!.AsInt() != 1) throw new Refusal(Outcome.NotForSale);
                string seller = item["owner"]!.AsString();
                if (seller == order.Buyer.Id) throw new Refusal(Outcome.OwnItem);
                long price = item["price"]!.AsInt();
                var buyer = await tx.GetAsync(ExchangeSchema.Players, order.Buyer.Id);
                if (buyer!["credits"]!.AsInt() < price) throw new Refusal(Outcome.TooPoor);

                tx.Patch(ExchangeSchema.Items, order.Item.Id, FieldOp.Increment("available", -1), FieldOp.Set("owner", Value.String(order.Buyer.Id)));
                tx.Patch(ExchangeSchema.Players, order.Buyer.Id, FieldOp.Increment("credits", -price));
                tx.Patch(ExchangeSchema.Players, seller, FieldOp.Increment("credits", price));
                tx.Put(ExchangeSchema.Purchases, order.Id, Value.Map(
                [
                    new("item", Value.String(order.Item.Id)), new("buyer", Value.String(order.Buyer.Id)),
                    new("seller", Value.String(seller)), new("price", Value.Int(price)),
                ]));
                return (Seller: seller, Price: price);
            }, cancellation);
            return await Purchase.BoughtAsync(order, deal.Seller, deal.Price, written.Position, cancellation);
        }
        catch (Refusal refusal)
        {
            return new Receipt(order, refusal.Outcome);
        }
        catch (CausewayException e)
        {
            return Purchase.Refused(order, e);
        }
    }

    /// <summary>The market's own refusal, thrown out of the transaction's body so that nothing is written.</summary>
    private sealed class Refusal(Outcome outcome) : Exception($"refused: {outcome}")
    {
        public Outcome Outcome { get; } = outcome;
    }
}

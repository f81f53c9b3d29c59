using Causeway.Functions;

namespace Causeway.Cli.Demos;

/// <summary>The stored function <c>purchase</c>: the market's rules of <see cref="TransactionCheckout"/>
/// in JavaScript, which the engine runs as one commit on the replica it is called on. Its role reaches
/// the exchange's three collections and nothing else, so a key that may only call it can buy and do
/// nothing more.</summary>
internal static class PurchaseFunction
{
    public const string Name = "purchase";

    /// <summary>What <c>abort</c> names when the market refuses, and the outcome each is.</summary>
    private static readonly Dictionary<string, Outcome> Refusals = new()
    {
        ["not_for_sale"] = Outcome.NotForSale,
        ["own_item"] = Outcome.OwnItem,
        ["too_poor"] = Outcome.TooPoor,
    };

    private const string Source = """
        function (arg) {
          const item = db.get('items', arg.item);
          if (item === null || item.available !== 1) abort('not_for_sale', arg.item + ' is not for sale.');
          if (item.owner === arg.buyer) abort('own_item', arg.item + ' is already ' + arg.buyer + "'s.");
          const buyer = db.get('players', arg.buyer);
          if (buyer.credits < item.price) abort('too_poor', arg.buyer + ' has ' + buyer.credits + ' credits; ' + arg.item + ' costs ' + item.price + '.');
          db.patch('items', arg.item, [{ op: 'increment', path: 'available', by: -1 }, { op: 'set', path: 'owner', value: arg.buyer }]);
          db.patch('players', arg.buyer, [{ op: 'increment', path: 'credits', by: -item.price }]);
          db.patch('players', item.owner, [{ op: 'increment', path: 'credits', by: item.price }]);
          db.put('purchases', arg.order, { item: arg.item, buyer: arg.buyer, seller: item.owner, price: item.price });
          return { seller: item.owner, price: item.price };
        }
        """;

    public static FunctionDefinition Definition { get; } = new(Name, Source,
        [new FunctionGrant(Authority.Commands.DocRead, ExchangeSchema.Collections), new FunctionGrant(Authority.Commands.DocWrite, ExchangeSchema.Collections)],
        new ArgumentShape(new Dictionary<string, string> { ["order"] = "string", ["item"] = "string", ["buyer"] = "string" }));

    /// <summary>The market's refusal an abort stands for; null for any other reason.</summary>
    public static Outcome? RefusalOf(string reason) => Refusals.TryGetValue(reason, out var outcome) ? outcome : null;
}

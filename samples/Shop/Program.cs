// A shop on the typed API, embedded, in two replicas: the till (where sales happen) and the office
// (which restocks and edits the catalogue), each in its own folder, syncing with each other.
// Run it with `dotnet run --project samples/Shop [folder]`; it keeps its data in the folder
// (./shop-data by default) and starts afresh each run. docs/typed-api.md walks through it.
using Causeway;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Samples.Shop;

string folder = args.Length > 0 ? args[0] : "shop-data";
if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);

await using var tillReplica = await Replica.OpenAsync(Path.Combine(folder, "till"));
await using var officeReplica = await Replica.OpenAsync(Path.Combine(folder, "office"));
var till = await tillReplica.CreateDatabaseAsync("shop");
var office = await officeReplica.CreateDatabaseAsync("shop");

// The model is the classes; its schema (kinds, bounds, the unique name, the reference) goes to the database.
var model = DocumentModel.Of(typeof(Product), typeof(Order));
await model.ApplyAsync(till);

// --- The catalogue: objects stored in one commit.
var session = till.OpenSession(model);
session.Store(new Product { Id = "mug", Name = "Mug", Price = 8.5, Stock = new BoundedCounter(12), Tags = new(["ceramic"]), Origin = new Origin { Country = "NO", Maker = "Figgjo" } });
session.Store(new Product { Id = "teapot", Name = "Teapot", Price = 34, Stock = new BoundedCounter(3), Tags = new(["ceramic"]) });
session.Store(new Product { Id = "kettle", Name = "Kettle", Price = 49, Stock = new BoundedCounter(5), Tags = new(["steel"]) });
await session.SaveChangesAsync();
Console.WriteLine($"catalogue: {await till.OpenSession(model).Query<Product>().CountAsync()} products");

// --- Input: a JSON body from a form, cast with the properties it may set. Anything else is ignored.
string body = """{ "name": "Espresso cup", "price": "6.5", "stock": 20, "tags": ["ceramic", "small"], "sold": 1000 }""";
var newCup = Changeset.For(new Product { Id = "cup" }, model)
    .Cast(body, "name", "price", "stock", "tags")
    .ValidateLength(p => p.Name, min: 2, max: 40);
var saved = await till.OpenSession(model).SaveChangesAsync(newCup);
Console.WriteLine($"cup: saved {saved.Saved}, ignored [{string.Join(", ", newCup.Ignored)}]");

// The same name again: the database refuses it, and the refusal comes back on the Name property.
var secondMug = Changeset.For(new Product { Id = "mug2" }, model).Cast("""{ "name": "Mug", "price": 5 }""", "name", "price");
var refusedSave = await till.OpenSession(model).SaveChangesAsync(secondMug);
Console.WriteLine($"mug2: saved {refusedSave.Saved}, {string.Join("; ", secondMug.ErrorsFor(p => p.Name).Select(e => $"{e.Property} {e.Message}"))}");

// --- Sales: the order and the stock it takes are one commit, all or nothing. A refused sale took
// an order number before it failed, and leaves a gap, as a sequence does in SQL.
async Task SellAsync(Database db, string productId, long quantity)
{
    var sale = db.OpenSession(model);
    var product = (await sale.LoadAsync<Product>(productId))!;
    long inStock = product.Stock.Value;
    product.Stock.Decrement(quantity);
    product.Sold.Increment(quantity);
    var order = new Order { Product = productId, Quantity = quantity };
    sale.Store(order);
    try
    {
        await sale.SaveChangesAsync();
        Console.WriteLine($"order {order.Id}: {quantity} x {product.Name}, {product.Stock.Value} left");
    }
    catch (ConstraintViolationException)
    {
        Console.WriteLine($"refused: {quantity} x {product.Name}, only {inStock} in stock");
    }
}
await SellAsync(till, "mug", 2);
await SellAsync(till, "teapot", 4);

// --- Queries: LINQ translated to the query AST, run by the database's planner.
var shelf = till.OpenSession(model);
double under = 40;
var cheapest = await shelf.Query<Product>().Where(p => p.Price < under).OrderBy(p => p.Price).Take(2).ToListAsync();
Console.WriteLine($"under {under}: {string.Join(", ", cheapest.Select(p => $"{p.Name} {p.Price:0.00}"))}");
var ceramic = await shelf.Query<Product>().Where(p => p.Tags.Contains("ceramic")).OrderByDescending(p => p.Stock.Value).ToListAsync();
Console.WriteLine($"ceramic, most stock first: {string.Join(", ", ceramic.Select(p => $"{p.Name} {p.Stock.Value}"))}");
var startingWithT = await shelf.Query<Product>().Where(p => p.Name.StartsWith("T") || p.Name.StartsWith("K")).OrderBy(p => p.Name).ToListAsync();
Console.WriteLine($"names starting with T or K: {string.Join(", ", startingWithT.Select(p => p.Name))}");
var mugOrders = await shelf.Query<Order>().Where(o => o.Product!.Id == "mug").ToListAsync();
Console.WriteLine($"orders of mug: {string.Join(", ", mugOrders.Select(o => $"{o.Id} ({o.Quantity})"))}");

// --- A live query: the products running low, then one change per commit that moves the result.
// The deadline ends the walk if an expected change never comes.
var writes = new Queue<Func<Task>>([
    () => SellAsync(till, "kettle", 2),        // kettle: 5 → 3, enters
    () => RestockAsync(till, "teapot", 10),    // teapot: 3 → 13, leaves
    () => RepriceAsync(till, "kettle", 45),    // kettle: still low, changed
]);
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var lowStock = till.OpenSession(model).Query<Product>().Where(p => p.Stock.Value < 5).OrderBy(p => p.Name);
try
{
    await foreach (var change in lowStock.LiveAsync(cancellation: deadline.Token))
    {
        string kind = change.Kind == LiveQueryEventKind.Snapshot ? "low stock" : "low stock change";
        var parts = change.Entered.Select(p => $"+{p.Name} {p.Stock.Value}")
            .Concat(change.Changed.Select(p => $"~{p.Name} {p.Stock.Value} at {p.Price:0.00}"))
            .Concat(change.Left.Select(id => $"-{id}"));
        Console.WriteLine($"{kind}: {string.Join(", ", parts)}");
        if (!writes.TryDequeue(out var next)) break;
        await next();
    }
}
catch (OperationCanceledException)
{
    Console.WriteLine("live query: no change within 30 s");
    return 1;
}

// --- Two replicas: the office gets everything, then both change the mug while apart.
await till.SyncWithAsync(office, SyncDirection.Both);

var atTill = till.OpenSession(model);
var mugAtTill = (await atTill.LoadAsync<Product>("mug"))!;
mugAtTill.Price = 9;                                 // the till reprices
mugAtTill.Stock.Decrement(1);                        // and sells one
mugAtTill.Sold.Increment(1);
await atTill.SaveChangesAsync();

var atOffice = office.OpenSession(model);
var mugAtOffice = (await atOffice.LoadAsync<Product>("mug"))!;
mugAtOffice.Origin!.Maker = "Figgjo AS";             // the office corrects the maker
mugAtOffice.Stock.Increment(6);                      // restocks 6
mugAtOffice.Stock.Decrement(3);                      // and sells 3 of them (a replica may spend what it added)
mugAtOffice.Sold.Increment(3);
mugAtOffice.Tags.Add("gift");
await atOffice.SaveChangesAsync();

await PrintMugAsync("apart");
await till.SyncWithAsync(office, SyncDirection.Both);
await PrintMugAsync("synced");   // both replicas: both edits, the sum of the stock moves and of the sales
return 0;

async Task PrintMugAsync(string when)
{
    foreach (var (name, db) in new[] { ("till", till), ("office", office) })
    {
        var mug = (await db.OpenSession(model).LoadNoTrackingAsync<Product>("mug"))!;
        Console.WriteLine($"{when}, {name}: {mug.Name} {mug.Price:0.00}, {mug.Stock.Value} in stock, {mug.Sold.Value} sold, by {mug.Origin?.Maker}, tags [{string.Join(", ", mug.Tags.Order(StringComparer.Ordinal))}]");
    }
}

async Task RestockAsync(Database db, string productId, long quantity)
{
    var restock = db.OpenSession(model);
    (await restock.LoadAsync<Product>(productId))!.Stock.Increment(quantity);
    await restock.SaveChangesAsync();
}

async Task RepriceAsync(Database db, string productId, double price)
{
    var reprice = db.OpenSession(model);
    (await reprice.LoadAsync<Product>(productId))!.Price = price;
    await reprice.SaveChangesAsync();
}

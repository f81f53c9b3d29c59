// A shop on the typed API, embedded: a model, its schema, a session that stores and edits products,
// and a LINQ query. Run it with `dotnet run --project samples/Shop [folder]`; it keeps its data in
// the folder (./shop-data by default) and starts afresh each run.
using Causeway;
using Causeway.Documents;
using Causeway.Models;
using Causeway.Samples.Shop;

string folder = args.Length > 0 ? args[0] : "shop-data";
if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);

await using var replica = await Replica.OpenAsync(folder);
var db = await replica.CreateDatabaseAsync("shop");
var model = DocumentModel.Of(typeof(Product));
await model.ApplyAsync(db);

var session = db.OpenSession(model);
session.Store(new Product { Id = "mug", Name = "Mug", Price = 8.5, Stock = new BoundedCounter(12), Origin = new Origin { Country = "NO", Maker = "Figgjo" } });
session.Store(new Product { Id = "teapot", Name = "Teapot", Price = 34, Stock = new BoundedCounter(3) });
session.Store(new Product { Id = "kettle", Name = "Kettle", Price = 49, Stock = new BoundedCounter(5) });
await session.SaveChangesAsync();

// A sale: the edit writes only what changed (stock decremented by 2, one tag added), as one commit.
var edit = db.OpenSession(model);
var mug = await edit.LoadAsync<Product>("mug");
mug!.Stock.Decrement(2);
mug.Tags.Add("bestseller");
Console.WriteLine($"sale writes: {string.Join(", ", edit.ChangesOf(mug).Select(op => $"{FieldOp.WireName(op.Kind)} {op.Path} {(op.Kind == FieldOpKind.Increment ? op.By : op.Value)}"))}");
await edit.SaveChangesAsync();

// Selling more than the stock is refused by the bound, and nothing is written.
var greedy = db.OpenSession(model);
var teapot = await greedy.LoadAsync<Product>("teapot");
teapot!.Stock.Decrement(4);
try
{
    await greedy.SaveChangesAsync();
    Console.WriteLine("oversold teapot");
}
catch (Causeway.Errors.ConstraintViolationException)
{
    Console.WriteLine("refused: teapot stock would go below 0");
}

var reader = db.OpenSession(model);
double under = 40;
foreach (var product in await reader.Query<Product>().Where(p => p.Price < under).OrderBy(p => p.Price).ToListAsync())
    Console.WriteLine($"{product.Name}: {product.Price:0.00}, {product.Stock.Value} in stock, tags [{string.Join(", ", product.Tags)}]{(product.Origin?.Country is { } c ? $", from {c}" : "")}");

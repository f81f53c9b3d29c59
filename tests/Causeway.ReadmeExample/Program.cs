using Causeway;
using Causeway.Documents;
using Causeway.Values;

await using var replica = await Replica.OpenAsync("./data");        // RocksDB + identity.key
var shop = replica.TryGetDatabase("shop") ?? await replica.CreateDatabaseAsync("shop");

var put = await shop.PutJsonAsync("orders", "o-1", """{"total": 12, "status": "new"}""");
await shop.PatchAsync("orders", "o-1", FieldOp.Set("status", Value.String("paid")), FieldOp.Increment("version", 1));

await shop.TransactAsync(async tx =>                                // one commit, all or nothing
{
    var order = await tx.GetAsync("orders", "o-1");                 // snapshot + own writes
    tx.Put("invoices", "i-1", Value.Map([new("order", Value.String("o-1"))]));
});

var then = await shop.GetAsync("orders", "o-1", ReadPoint.AtPosition(put.Position));
var history = await shop.HistoryAsync("orders", "o-1");
var report = await shop.VerifyAsync();                              // every hash and signature
await foreach (var change in shop.ChangesAsync(since: 0))           // follow: true keeps waiting for new ones
    Console.WriteLine($"{change.Position}: {change.Documents.Count} document(s) by {change.Origin}");

using System.Diagnostics;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>The typed API beside the raw document API for the same work, on the embedded engine with
/// RocksDB on disk: a write round trip (one object per durable commit, and 100 in one commit so the
/// mapping cost shows apart from the fsync), a read by id, and a query of 100 results. The target is
/// typed ≥ 80% of raw.</summary>
internal static class TypedRoundTripBenchmarks
{
    private const double Target = 0.8;
    private const int Batch = 100;
    private const int QueryResults = 100;

    [Collection("orders")]
    public sealed class BenchOrder
    {
        public string? Id { get; set; }
        public string Customer { get; set; } = "";
        public double Total { get; set; }
        public long Quantity { get; set; }
        public BenchShipping? Ship { get; set; }
        public Counter Views { get; set; } = new();
        public AwSet<string> Tags { get; set; } = new();
    }

    public sealed class BenchShipping
    {
        public string? City { get; set; }
        public string? Zip { get; set; }
    }

    private static readonly DocumentModel Model = DocumentModel.Of(typeof(BenchOrder));

    public static async Task RunAsync(bool smoke, Table table)
    {
        var root = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        try
        {
            await using var replica = await Replica.OpenAsync(root);
            var db = await replica.CreateDatabaseAsync("typed");
            await Model.ApplyAsync(db);
            // Typed and raw alternate in rounds, so a neighbour's load on a shared machine falls on both.
            int rounds = smoke ? 1 : 12;
            var slot = TimeSpan.FromSeconds(smoke ? 0.04 : 0.25);
            long next = 0;
            string NewId() => "o" + Interlocked.Increment(ref next).ToString("D9");

            await CheckSameDocumentAsync(db);

            await CompareAsync(table, "write, 1 object per save (durable commit)", "db.PutAsync", rounds, slot, 1,
                async () =>
                {
                    var session = db.OpenSession(Model);
                    session.Store(NewOrder(NewId(), next));
                    await session.SaveChangesAsync();
                },
                () => db.PutAsync("orders", NewId(), RawOrder(next)));

            await CompareAsync(table, $"write, {Batch} objects per save (one commit)", $"TransactAsync of {Batch} puts", rounds, slot, Batch,
                async () =>
                {
                    var session = db.OpenSession(Model);
                    for (int i = 0; i < Batch; i++) session.Store(NewOrder(NewId(), next));
                    await session.SaveChangesAsync();
                },
                () => db.TransactAsync(tx =>
                {
                    for (int i = 0; i < Batch; i++) tx.Put("orders", NewId(), RawOrder(next));
                }));

            // The writes above leave RocksDB flushing and compacting for seconds; reads measured beside
            // that would measure it (the row first after the writes ran 5-10 points below the same row later).
            await SettleAsync((Storage.RocksDbStore)replica.Store);
            long stored = Interlocked.Read(ref next);
            var random = new Random(7);
            string SomeId() => "o" + random.NextInt64(1, stored + 1).ToString("D9");
            long sink = 0;
            await CompareAsync(table, "read by id, LoadAsync (new session)", "db.GetAsync + fields", rounds, slot, 1,
                async () => sink += Read(await db.OpenSession(Model).LoadAsync<BenchOrder>(SomeId())),
                async () => sink += Read(await db.GetAsync("orders", SomeId())));
            var reader = db.OpenSession(Model);
            await CompareAsync(table, "read by id, LoadNoTrackingAsync", "db.GetAsync + fields", rounds, slot, 1,
                async () => sink += Read(await reader.LoadNoTrackingAsync<BenchOrder>(SomeId())),
                async () => sink += Read(await db.GetAsync("orders", SomeId())));

            // Quantity runs 0..999 over the stored orders: the range matches nearly all of them, and the order
            // walks the quantity index, so a page reads its 100 documents and no more (the usual paged query).
            long low = 1;
            await CompareAsync(table, $"query of {QueryResults}, ToListAsync (new session)", "db.QueryAsync + fields", rounds, slot, 1,
                async () =>
                {
                    var page = await db.OpenSession(Model).Query<BenchOrder>().Where(x => x.Quantity >= low).OrderBy(x => x.Quantity).Take(QueryResults).ToListAsync();
                    sink += Results(page);
                },
                async () => sink += Results(await db.QueryAsync(Query.In("orders").Where(Pred.Gte("quantity", Value.Int(low))).OrderBy("quantity").Take(QueryResults))));
            await CompareAsync(table, $"query of {QueryResults}, AsNoTracking().ToListAsync", "db.QueryAsync + fields", rounds, slot, 1,
                async () =>
                {
                    var page = await reader.Query<BenchOrder>().Where(x => x.Quantity >= low).OrderBy(x => x.Quantity).Take(QueryResults).AsNoTracking().ToListAsync();
                    sink += Results(page);
                },
                async () => sink += Results(await db.QueryAsync(Query.In("orders").Where(Pred.Gte("quantity", Value.Int(low))).OrderBy("quantity").Take(QueryResults))));
            if (sink == 0) throw new InvalidOperationException("the reads read nothing");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static BenchOrder NewOrder(string id, long n)
    {
        var order = new BenchOrder
        {
            Id = id, Customer = "customer" + (n % 97), Total = n % 500 + 0.25, Quantity = n % 1000,
            Ship = new BenchShipping { City = "Oslo", Zip = "0150" },
            Views = new Counter(3),
        };
        order.Tags.Add("new");
        order.Tags.Add(n % 2 == 0 ? "even" : "odd");
        return order;
    }

    /// <summary>The document <see cref="NewOrder"/> stores, as a plain value: with the model's schema
    /// in force a number written to the counter is its increment and an array written to the set its adds.</summary>
    private static Value RawOrder(long n) => Value.Map(
    [
        new("customer", Value.String("customer" + (n % 97))),
        new("total", Value.Double(n % 500 + 0.25)),
        new("quantity", Value.Int(n % 1000)),
        new("ship", Value.Map([new("city", Value.String("Oslo")), new("zip", Value.String("0150"))])),
        new("views", Value.Int(3)),
        new("tags", Value.Array([Value.String("new"), Value.String(n % 2 == 0 ? "even" : "odd")])),
    ]);

    /// <summary>Both sides must store the same document, or the ratio compares different work.</summary>
    private static async Task CheckSameDocumentAsync(Database db)
    {
        var session = db.OpenSession(Model);
        session.Store(NewOrder("check-typed", 4));
        await session.SaveChangesAsync();
        await db.PutAsync("orders", "check-raw", RawOrder(4));
        string typed = (await db.GetAsync("orders", "check-typed"))!.Fields.ToString() ?? "";
        string raw = (await db.GetAsync("orders", "check-raw"))!.Fields.ToString() ?? "";
        if (typed != raw) throw new InvalidOperationException($"the typed and raw writes store different documents: {typed} beside {raw}");
        await db.DeleteAsync("orders", "check-typed");
        await db.DeleteAsync("orders", "check-raw");
    }

    private static long Read(BenchOrder? order) =>
        order is null ? throw new InvalidOperationException("an order is missing")
            : order.Customer.Length + (long)order.Total + order.Quantity + (order.Ship?.City?.Length ?? 0) + order.Views.Value + order.Tags.Count;

    /// <summary>What a caller of the raw API does to get the same fields out.</summary>
    private static long Read(Document? document)
    {
        if (document is null) throw new InvalidOperationException("an order is missing");
        var fields = document.Fields;
        var ship = fields.Get("ship");
        return fields.Get("customer")!.AsString().Length + (long)fields.Get("total")!.AsDouble() + fields.Get("quantity")!.AsInt()
            + (ship?.Get("city")?.AsString().Length ?? 0) + fields.Get("views")!.AsInt() + fields.Get("tags")!.AsArray().Count;
    }

    private static long Results(List<BenchOrder> page)
    {
        if (page.Count != QueryResults) throw new InvalidOperationException($"the query found {page.Count} orders, not {QueryResults}");
        long sum = 0;
        foreach (var order in page) sum += Read(order);
        return sum;
    }

    private static long Results(QueryResult page)
    {
        if (page.Documents.Count != QueryResults) throw new InvalidOperationException($"the query found {page.Documents.Count} orders, not {QueryResults}");
        long sum = 0;
        foreach (var document in page.Documents) sum += Read(document);
        return sum;
    }

    /// <summary>Warms both sides up, then runs them in alternating slots and adds a row: typed ops/s and
    /// µs per op, raw beside it, and typed as a share of raw against the target. <paramref name="objects"/>
    /// counts the objects one call handles, so the batch rows are per object.</summary>
    private static async Task CompareAsync(Table table, string name, string rawName, int rounds, TimeSpan slot, int objects, Func<Task> typed, Func<Task> raw)
    {
        // Both sides warm up in turns until the just-in-time compiler has settled on their code too
        // (its optimizing tier compiles in the background after a delay).
        for (int warm = 0; warm < 2; warm++)
        {
            await RunForAsync(typed, slot / 2);
            await RunForAsync(raw, slot / 2);
        }
        long typedCalls = 0, rawCalls = 0;
        TimeSpan typedTime = TimeSpan.Zero, rawTime = TimeSpan.Zero;
        // Each round pairs a typed slot with the raw slot right after it. The ratio is the median of the
        // rounds' ratios: a neighbour's burst, or the garbage collector resizing its heaps, slows one
        // slot and moves one round, not the row. The ratio of all rounds together is printed beside it.
        var ratios = new List<double>(rounds);
        for (int round = 0; round < rounds; round++)
        {
            var (calls, time) = await RunForAsync(typed, slot);
            typedCalls += calls; typedTime += time;
            double typedRound = calls / time.TotalSeconds;
            (calls, time) = await RunForAsync(raw, slot);
            rawCalls += calls; rawTime += time;
            ratios.Add(typedRound / (calls / time.TotalSeconds));
        }
        double median = Rounds.Median(ratios);
        double typedRate = typedCalls * objects / typedTime.TotalSeconds, rawRate = rawCalls * objects / rawTime.TotalSeconds;
        string unit = objects == 1 ? "ops/s" : "objects/s";
        table.Add($"typed {name}, {unit}", $"{Table.Rate(typedRate)} ({1e6 / typedRate:N1} µs)",
            $"raw {rawName} {Table.Rate(rawRate)} ({1e6 / rawRate:N1} µs); all rounds {typedRate / rawRate * 100:N0}%; target typed ≥ {Target * 100:N0}% of raw (median of {rounds} paired rounds)",
            $"{median * 100:N0}%");
    }

    /// <summary>Waits (at most a minute) until the store has no flush or compaction running or queued.</summary>
    private static async Task SettleAsync(Storage.RocksDbStore store)
    {
        var clock = Stopwatch.StartNew();
        while (store.Busy && clock.Elapsed < TimeSpan.FromMinutes(1)) await Task.Delay(50);
    }

    private static async Task<(long Calls, TimeSpan Time)> RunForAsync(Func<Task> call, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long calls = 0;
        // At least a few calls, so a slot shorter than one durable commit still measures something.
        while (calls < 3 || clock.Elapsed < duration)
        {
            await call();
            calls++;
        }
        return (calls, clock.Elapsed);
    }
}

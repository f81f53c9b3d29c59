using System.Diagnostics;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>The engine-core figures of issue 3, each beside its peer or target.</summary>
internal static class CoreBenchmarks
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static bool Smoke;

    public static async Task<int> RunAsync(bool smoke)
    {
        Smoke = smoke;
        var root = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"Causeway engine benchmarks ({(smoke ? "smoke: tiny sizes, figures meaningless" : "full")}), {Environment.ProcessorCount} cores");
            var table = Table.Figures();
            string document = DocumentJson();

            PeakMemory.Reset();
            int single = smoke ? 30 : 2_000;
            int perWriter = smoke ? 3 : 600;
            double sqlite1 = await SqliteBaseline.CommitsPerSecondAsync(Path.Combine(root, "sqlite1"), 1, single, document);
            double causeway1 = await CausewayCommitsPerSecondAsync(Path.Combine(root, "cw1"), 1, single, document);
            table.Add("durable commits/s, 1 writer", Table.Rate(causeway1), $"SQLite {Table.Rate(sqlite1)}", $"{causeway1 / sqlite1:N1}x");
            double sqlite64 = await SqliteBaseline.CommitsPerSecondAsync(Path.Combine(root, "sqlite64"), 64, perWriter, document);
            string cw64Folder = Path.Combine(root, "cw64");
            double causeway64 = await CausewayCommitsPerSecondAsync(cw64Folder, 64, perWriter, document);
            table.Add("durable commits/s, 64 writers", Table.Rate(causeway64), $"SQLite {Table.Rate(sqlite64)}; target ≥ 20,000 and ≥ 10x", $"{causeway64 / sqlite64:N1}x");

            var (reads, verify, verifyCores) = await ReadAndVerifyAsync(cw64Folder, smoke ? 2_000 : 1_000_000);
            table.Add("warm point reads/s", Table.Rate(reads), "target ≥ 300,000", $"{reads / 300_000:N2}x");
            table.Add($"commits verified/s ({verifyCores} cores)", Table.Rate(verify), "target ≥ 20,000 per core", $"{verify / verifyCores / 20_000:N2}x per core");

            double crdt = CrdtOpsPerSecond(smoke ? 20_000 : 5_000_000);
            table.Add("CRDT ops applied/s in memory", Table.Rate(crdt), "target ≥ 2,000,000", $"{crdt / 2_000_000:N2}x");
            table.Add("peak working set: commits, reads, verification, CRDT ops", PeakMemory.Describe(), "bounded (memory does not grow with the run)", "");

            await PeakMemory.MeasureAsync("HTTP", table, () => HttpBenchmarks.RunAsync(smoke, table));
            await PeakMemory.MeasureAsync("sync", table, () => SyncBenchmarks.RunAsync(smoke, table));
            await PeakMemory.MeasureAsync("authority", table, () => AuthorityBenchmarks.RunAsync(smoke, table));
            await PeakMemory.MeasureAsync("invariants", table, () => InvariantBenchmarks.RunAsync(smoke, table));
            // The query benchmarks load a million documents in a full run: they have modes of their own
            // (query, query-http), and run here in smoke mode only.
            if (smoke)
            {
                await QueryBenchmarks.RunAsync(smoke, QueryBenchmarks.SmokeDocs, QueryBenchmarks.DefaultSeconds, table);
                await QueryBenchmarks.RunHttpAsync(smoke, QueryBenchmarks.SmokeDocs, QueryBenchmarks.DefaultSeconds, table);
            }
            await PeakMemory.MeasureAsync("live queries", table, () => LiveQueryBenchmarks.RunAsync(smoke, table));
            await PeakMemory.MeasureAsync("functions", table, () => FunctionBenchmarks.RunAsync(smoke, smoke ? FunctionBenchmarks.SmokeCalls : FunctionBenchmarks.DefaultCalls, table));
            await TypedLinqBenchmarks.RunAsync(smoke, table);
            await PeakMemory.MeasureAsync("typed API", table, () => TypedRoundTripBenchmarks.RunAsync(smoke, table));

            table.Print(Console.Out);
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    public static async Task<int> CommitsOnlyAsync(int writers, int perWriter)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        try
        {
            double rate = await CausewayCommitsPerSecondAsync(folder, writers, perWriter, DocumentJson());
            var l = _lastLatencies;
            Console.WriteLine($"{writers} writers × {perWriter}: {Table.Rate(rate)} durable commits/s; latency p50 {l[l.Length / 2]:N1} ms, p99 {l[(int)(l.Length * 0.99)]:N1} ms, max {l[^1]:N1} ms");
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A document of about 250 bytes, the size both sides write.</summary>
    internal static string DocumentJson() =>
        """{"customer": "c-1042", "status": "paid", "total": 129.95, "currency": "EUR", "items": [{"sku": "A-77", "qty": 2}, {"sku": "B-12", "qty": 1}], "note": "leave at the door, ring twice", "ship": {"city": "Lisbon", "zip": "1100-148"}}""";

    /// <summary>Latencies (ms) of the last commits run, for the commits mode's percentiles.</summary>
    private static double[] _lastLatencies = [];

    private static async Task<double> CausewayCommitsPerSecondAsync(string folder, int writers, int commitsPerWriter, string json)
    {
        var document = ValueJson.Parse(json);
        await using var replica = await Replica.OpenAsync(folder);
        var db = await replica.CreateDatabaseAsync("bench");
        // Warm up as a running server would be: the JIT's optimized tiers and RocksDB's files.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 300 || (!Smoke && warm.Elapsed < WarmUp); i++) await db.PutAsync("warmup", $"w{i}", document);
        var latencies = new double[writers * commitsPerWriter];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < commitsPerWriter; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await db.PutAsync("docs", $"w{w}-{i}", document);
                latencies[w * commitsPerWriter + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        double rate = writers * commitsPerWriter / clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        _lastLatencies = latencies;
        return rate;
    }

    private static async Task<(double Reads, double Verify, int Cores)> ReadAndVerifyAsync(string folder, int reads)
    {
        await using var replica = await Replica.OpenAsync(folder);
        var db = replica.GetDatabase("bench");
        var ids = new List<string>();
        await foreach (var change in db.ChangesAsync())
            foreach (var doc in change.Documents)
                if (doc.Collection == "docs") ids.Add(doc.Id);
        foreach (var id in ids) await db.GetAsync("docs", id); // warm
        int threads = Environment.ProcessorCount;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var random = new Random(t);
            for (int i = 0; i < reads / threads; i++)
                if (await db.GetAsync("docs", ids[random.Next(ids.Count)]) is null) throw new InvalidOperationException("a written document is missing");
        })));
        double readRate = reads / threads * threads / clock.Elapsed.TotalSeconds;

        clock.Restart();
        var report = await db.VerifyAsync();
        double verifyRate = report.Commits / clock.Elapsed.TotalSeconds;
        if (!report.Ok) throw new InvalidOperationException("verify found problems: " + string.Join("; ", report.Problems.Take(3)));
        return (readRate, verifyRate, Environment.ProcessorCount);
    }

    /// <summary>Effects of the common kinds applied to document states in memory: lww sets,
    /// counter increments, set adds, flag enables, across 1,000 documents.</summary>
    private static double CrdtOpsPerSecond(int operations)
    {
        var states = Enumerable.Range(0, 1000).Select(_ => new DocumentState()).ToArray();
        var ops = new CrdtOp[64];
        var replicas = new[] { "did:key:z6MkA", "did:key:z6MkB", "did:key:z6MkC" };
        for (int i = 0; i < ops.Length; i++)
        {
            var context = new EffectContext(replicas[i % 3], i + 1, HlcTimestamp.FromParts(1_000 + i, 0));
            string field = "f" + (i % 8);
            ops[i] = (i % 4) switch
            {
                0 => new MapOp([field], new LwwAssign<Value>(context.Stamp(0), Value.Int(i))),
                1 => new MapOp(["n", field], new CounterIncrement(context.Origin, 1)),
                2 => new MapOp(["tags"], new AwAdd<Value>(Value.Int(i % 10), context.Dot, default)),
                _ => new MapOp(["flag" + (i % 4)], new EwEnable(context.Dot, default)),
            };
        }
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < operations; i++) states[i % states.Length].Apply(ops[i & 63]);
        return operations / clock.Elapsed.TotalSeconds;
    }
}

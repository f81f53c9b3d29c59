using System.Diagnostics;
using System.Diagnostics.Metrics;
using Causeway.Security;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary><c>bench -- profile</c>: where a durable, signed commit's time goes. Writes the benchmark's
/// document with one writer and with 64, listening to the engine's own step timings
/// (<c>causeway.commit.phase.duration</c>), and prints each step's time per commit beside the whole
/// latency, the bytes allocated per commit, SQLite's time per commit for the same work, and this
/// machine's Ed25519 signing limit (the ceiling of a signed write).</summary>
internal static class CommitProfile
{
    /// <summary>Steps in pipeline order; the first four are timed per commit, the rest per group.</summary>
    private static readonly string[] Phases = ["prepare", "encode", "seal", "stage", "records", "fsync", "publish"];

    /// <summary><c>--write-buffer-mb</c>: the store's write buffer. Small (2 MB), the warm-up moves the store
    /// through several write-ahead logs, so the measured commits go to a reused one, as on a server that
    /// has run a while; the default 64 MB keeps the whole profile in the store's first log.</summary>
    public static long? WriteBufferBytes { get; set; }

    public static async Task<int> RunAsync(bool smoke, int commits)
    {
        string json = CoreBenchmarks.DocumentJson();
        var document = ValueJson.Parse(json);
        var root = Path.Combine(Path.GetTempPath(), "causeway-bench", "profile-" + Guid.NewGuid().ToString("n"));
        PeakMemory.Reset();
        try
        {
            var (one, many) = (await ProfileAsync(Path.Combine(root, "one"), document, writers: 1, commits, smoke),
                await ProfileAsync(Path.Combine(root, "many"), document, writers: 64, Math.Max(commits, 64), smoke));
            double sqlite = await SqliteBaseline.CommitsPerSecondAsync(Path.Combine(root, "sqlite"), 1, commits, json);
            var (signOne, signAll) = SigningLimit(smoke);

            Console.WriteLine($"Where a commit's time goes ({commits:N0} commits of a {json.Length}-byte document, RocksDB on disk, fsync per group)");
            var table = new Table("step", "1 writer µs/commit", "share", "64 writers µs/commit", "share");
            foreach (var phase in Phases)
                table.Add(phase, Micro(one.PerCommit(phase)), Share(one.PerCommit(phase), one.LatencyMicros),
                    Micro(many.PerCommit(phase)), Share(many.PerCommit(phase), many.WallMicrosPerCommit));
            double oneSteps = Phases.Sum(one.PerCommit), manySteps = Phases.Sum(many.PerCommit);
            table.Add("(of seal: sign)", Micro(one.Sign), Share(one.Sign, one.LatencyMicros), Micro(many.Sign), Share(many.Sign, many.WallMicrosPerCommit));
            table.Add("outside the steps", Micro(one.LatencyMicros - oneSteps), Share(one.LatencyMicros - oneSteps, one.LatencyMicros), "-", "-");
            table.Add("whole commit (latency / wall per commit)", Micro(one.LatencyMicros), "100%", Micro(many.WallMicrosPerCommit), "100%");
            table.Add("commits/s", Table.Rate(one.Rate), "", Table.Rate(many.Rate), "");
            table.Add("commits per group (mean)", one.GroupSize.ToString("N1"), "", many.GroupSize.ToString("N1"), "");
            table.Add("bytes allocated per commit", one.AllocatedPerCommit.ToString("N0"), "", many.AllocatedPerCommit.ToString("N0"), "");
            table.Print(Console.Out);
            Console.WriteLine();
            Console.WriteLine($"SQLite (WAL, synchronous=FULL, one insert per transaction), 1 writer: {Table.Rate(sqlite)} commits/s, {Micro(1e6 / sqlite)} µs/commit; "
                + $"Causeway 1 writer is {one.Rate / sqlite:0.00}x");
            Console.WriteLine();
            Console.WriteLine("What a lone writer's commit allocates, by type (the runtime's allocation samples, about one per 100 KB):");
            var types = new Table("type", "share of bytes", "bytes per commit");
            foreach (var (type, share) in one.Allocations) types.Add(type, $"{share:P0}", (share * one.AllocatedPerCommit).ToString("N0"));
            types.Print(Console.Out);
            Console.WriteLine();
            Console.WriteLine($"Peak working set of the profile: {PeakMemory.Describe()}");
            Console.WriteLine($"Ed25519 signing on this machine: {Table.Rate(signOne)}/s on one core, {Table.Rate(signAll)}/s on {Environment.ProcessorCount}; "
                + $"64 writers use {many.Rate / signAll:P0} of it");
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static string Micro(double micros) => micros.ToString(micros >= 100 ? "N0" : "N1");

    private static string Share(double part, double whole) => whole <= 0 ? "-" : $"{part / whole * 100:0}%";

    private sealed record Profile(IReadOnlyDictionary<string, double> Seconds, double Sign, int Commits, double WallSeconds, double LatencyMicros,
        double GroupSize, long Allocated, IReadOnlyList<(string Type, double Share)> Allocations)
    {
        public double PerCommit(string phase) => Seconds.GetValueOrDefault(phase) * 1e6 / Commits;
        public double Rate => Commits / WallSeconds;
        public double WallMicrosPerCommit => WallSeconds * 1e6 / Commits;
        public double AllocatedPerCommit => (double)Allocated / Commits;
    }

    private static async Task<Profile> ProfileAsync(string folder, Value document, int writers, int commits, bool smoke)
    {
        await using var replica = await Replica.OpenAsync(folder, WriteBufferBytes is { } bytes ? new ReplicaOptions { StoreWriteBufferBytes = bytes } : null);
        var db = await replica.CreateDatabaseAsync("bench");
        // Warm up as a running server would be: the JIT's optimized tiers and RocksDB's files.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 300 || (!smoke && warm.Elapsed < TimeSpan.FromSeconds(3)); i++) await db.PutAsync("warmup", $"w{i}", document);

        var seconds = new Dictionary<string, double>();
        double sign = 0, groupCommits = 0, groups = 0;
        var gate = new object();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Instruments.Name
                && instrument.Name is "causeway.commit.phase.duration" or "causeway.commit.sign.duration" or "causeway.commit.group_size")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            lock (gate)
            {
                if (instrument.Name == "causeway.commit.sign.duration") { sign += value; return; }
                foreach (var tag in tags)
                    if (tag.Key == "causeway.phase" && tag.Value is string phase) seconds[phase] = seconds.GetValueOrDefault(phase) + value;
            }
        });
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => { lock (gate) { groupCommits += value; groups++; } });
        listener.Start();

        int perWriter = Math.Max(1, commits / writers);
        long latencyTicks = 0;
        using var sampler = new AllocationSampler();
        sampler.Start();
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < perWriter; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await db.PutAsync("docs", $"w{w}-{i}", document);
                Interlocked.Add(ref latencyTicks, Stopwatch.GetTimestamp() - start);
            }
        })));
        double wall = clock.Elapsed.TotalSeconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        sampler.Stop();
        listener.Dispose();
        int made = perWriter * writers;
        lock (gate)
            return new Profile(new Dictionary<string, double>(seconds), sign * 1e6 / made, made, wall,
                latencyTicks * 1e6 / Stopwatch.Frequency / made, groups == 0 ? 0 : groupCommits / groups, allocated, sampler.Top(12));
    }

    /// <summary>Ed25519 signatures per second of a commit-sized message, on one core and on all of them.</summary>
    private static (double One, double All) SigningLimit(bool smoke)
    {
        using var identity = ReplicaIdentity.Create();
        var message = new byte[200];
        var duration = TimeSpan.FromSeconds(smoke ? 0.2 : 2);
        double Run(int threads)
        {
            long signed = 0;
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                var signature = new byte[64];
                long mine = 0;
                while (clock.Elapsed < duration) { identity.Sign(message, signature); mine++; }
                Interlocked.Add(ref signed, mine);
            });
            return signed / clock.Elapsed.TotalSeconds;
        }
        return (Run(1), Run(Environment.ProcessorCount));
    }
}

using System.Diagnostics;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>The invariant figures: how often a skewed bcounter workload over three replicas needs a
/// remote request for rights (with and without proactive rebalancing), and what a constrained write
/// costs locally against an unconstrained one.</summary>
internal static class InvariantBenchmarks
{
    public static async Task RunAsync(bool smoke, Table table)
    {
        var workload = smoke ? SkewedWorkload.Smoke : SkewedWorkload.Full;
        Console.WriteLine($"skewed workload: {workload.Describe()}, Zipf s = {workload.ZipfExponent} over the players, {workload.Writers} writers, at most {workload.TimeLimit.TotalSeconds:N0} s");
        var without = await SkewedSpending.RunAsync(workload, rebalanceInterval: null);
        Console.WriteLine("without rebalancing: " + without.Describe());
        var interval = new ReplicaOptions().RebalanceInterval!.Value;
        var with = await SkewedSpending.RunAsync(workload, interval);
        Console.WriteLine($"rebalancing every {interval.TotalMilliseconds:N0} ms: " + with.Describe());
        const string what = "bcounter decrements needing a remote request";
        table.Add($"{what}, rebalancing every {interval.TotalMilliseconds:N0} ms", with.Figure(), "target < 5%", $"{5 / Math.Max(with.ShortPercent, 0.01):N2}x");
        table.Add($"{what}, no rebalancing (asked only)", without.Figure(), "for comparison", "");

        var latency = await ConstrainedLatency.RunAsync(smoke);
        Console.WriteLine(latency.Describe());
        foreach (var kind in latency.Constrained)
            table.Add($"constrained write latency p50 / p99 (ms), {kind.Name}, {kind.Count:N0} writes",
                $"{kind.P50:N2} / {kind.P99:N2} = {kind.P50 / latency.Baseline.P50:N2}x / {kind.P99 / latency.Baseline.P99:N2}x",
                $"≤ 1.5x unconstrained {latency.Baseline.P50:N2} / {latency.Baseline.P99:N2}", $"{1.5 / (kind.P50 / latency.Baseline.P50):N2}x");
    }
}

/// <summary>One decrement of the skewed workload: on which replica, of which player, by how much.</summary>
internal readonly record struct Decrement(int Replica, int Player, long Amount);

/// <summary>The skewed spending workload: players created on replica A with a large balance, then
/// small decrements spread over the replicas by <see cref="ReplicaShares"/> (A, B, C) and over the
/// players by a Zipf law, issued by concurrent writers from one shared stream.</summary>
internal sealed record SkewedWorkload(int Players, long Balance, int Decrements, int MaxAmount, int Writers, double[] ReplicaShares, double ZipfExponent, int Seed, TimeSpan TimeLimit)
{
    public static readonly SkewedWorkload Full = new(Players: 20, Balance: 100_000, Decrements: 20_000, MaxAmount: 25, Writers: 12,
        ReplicaShares: [0.05, 0.70, 0.25], ZipfExponent: 1.0, Seed: 42, TimeLimit: TimeSpan.FromSeconds(60));
    public static readonly SkewedWorkload Smoke = Full with { Players = 4, Decrements = 300, Writers = 6, TimeLimit = TimeSpan.FromSeconds(2) };

    public string Describe() => $"{Decrements:N0} of 1–{MaxAmount} on {Players} players of {Balance:N0}, A/B/C {ReplicaShares[0] * 100:0}/{ReplicaShares[1] * 100:0}/{ReplicaShares[2] * 100:0}%";

    public Decrement[] Generate()
    {
        var random = new Random(Seed);
        var players = WeightedDraw.Zipf(Players, ZipfExponent);
        var replicas = new WeightedDraw(ReplicaShares);
        return [.. Enumerable.Range(0, Decrements).Select(_ => new Decrement(replicas.Next(random), players.Next(random), random.Next(1, MaxAmount + 1)))];
    }

    public static string PlayerId(int player) => $"p{player:D2}";
}

/// <summary>Draws an index with probability in proportion to its weight.</summary>
internal sealed class WeightedDraw
{
    private readonly double[] _cumulative;

    /// <summary>A Zipf law over <paramref name="count"/> indexes: index k weighs 1/(k+1)^s.</summary>
    public static WeightedDraw Zipf(int count, double exponent) => new([.. Enumerable.Range(1, count).Select(k => 1 / Math.Pow(k, exponent))]);

    public WeightedDraw(double[] weights)
    {
        _cumulative = new double[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++) _cumulative[i] = sum += weights[i];
    }

    public int Next(Random random)
    {
        int i = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
        return Math.Min(i < 0 ? ~i : i, _cumulative.Length - 1);
    }
}

/// <summary>Three in-memory replicas of one database in a mesh of continuous in-process links (A–B, A–C, B–C).</summary>
internal sealed class ReplicaMesh : IAsyncDisposable
{
    private static readonly (int From, int To)[] Pairs = [(0, 1), (0, 2), (1, 2)];
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly Replica[] _replicas;
    private readonly List<PeerLink> _links = [];

    private ReplicaMesh(Replica[] replicas, Database[] databases)
    {
        _replicas = replicas;
        Databases = databases;
    }

    public Database[] Databases { get; }

    public static async Task<ReplicaMesh> StartAsync(ReplicaOptions options, string database)
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Replica.OpenInMemory(options)).ToArray();
        var databases = new Database[3];
        for (int i = 0; i < 3; i++) databases[i] = await replicas[i].CreateDatabaseAsync(database);
        return new ReplicaMesh(replicas, databases);
    }

    /// <summary>Links every pair continuously and waits until every link is live and every commit is everywhere.</summary>
    public async Task LinkAsync()
    {
        foreach (var (from, to) in Pairs) _links.Add(Databases[from].Replicate(Databases[to]));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_links.All(l => l.Status.State == "live") || await HeadsAsync() is null)
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("The links did not come up within 30 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>How long the live links took to bring every replica to the same heads, which then stayed
    /// for a quiet while (no late rebalancing transfer on its way); null if not within <paramref name="limit"/>.</summary>
    public async Task<TimeSpan?> ConvergeLiveAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await HeadsAsync() is { } heads)
            {
                var at = clock.Elapsed;
                await Task.Delay(Quiet);
                if (await HeadsAsync() is { } later && later.SequenceEqual(heads)) return at;
            }
            else await Task.Delay(10);
        }
        return null;
    }

    /// <summary>Ends the live links (and whatever their sessions still had queued), then syncs each pair
    /// once, over fresh sessions, until the three hold the same heads and keep them for a quiet while.</summary>
    public async Task SyncToRestAsync()
    {
        foreach (var link in _links) await link.DisposeAsync();
        _links.Clear();
        for (int round = 0; round < 20; round++)
        {
            foreach (var (from, to) in Pairs) await Databases[from].SyncWithAsync(Databases[to]);
            if (await HeadsAsync() is not { } heads) continue;
            await Task.Delay(Quiet);
            if (await HeadsAsync() is { } later && later.SequenceEqual(heads)) return;
        }
        throw new InvalidOperationException("The replicas did not come to rest after 20 rounds of syncs.");
    }

    /// <summary>The heads the three databases share, or null while they differ.</summary>
    private async Task<IReadOnlyList<Cid>?> HeadsAsync()
    {
        var all = await Task.WhenAll(Databases.Select(async db => (await db.InfoAsync()).Heads));
        return all.All(h => h.SequenceEqual(all[0])) ? all[0] : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links) await link.DisposeAsync();
        foreach (var replica in _replicas) await replica.DisposeAsync();
    }
}

/// <summary>Runs the skewed workload once on a fresh mesh. Each decrement first tries without waiting;
/// one refused for insufficient rights "needed a remote request" (the refusal has sent the ask) and
/// is tried again inside <see cref="Database.WaitingForRights"/>. Writers stop issuing at the
/// workload's time limit, so a stalled exchange of rights shows as a shortfall, not a hang.</summary>
internal static class SkewedSpending
{
    private const string Schema = """{ "collections": { "players": { "fields": { "credits": { "kind": "bcounter", "min": 0 } } } } }""";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public static async Task<SpendingOutcome> RunAsync(SkewedWorkload workload, TimeSpan? rebalanceInterval)
    {
        await using var mesh = await ReplicaMesh.StartAsync(new ReplicaOptions { RebalanceInterval = rebalanceInterval }, "game");
        var dbs = mesh.Databases;
        await dbs[0].SetSchemaAsync(SchemaJson.Parse(Schema));
        for (int p = 0; p < workload.Players; p++)
            await dbs[0].PutAsync("players", SkewedWorkload.PlayerId(p), Value.Map([new("credits", Value.Int(workload.Balance))]));
        await mesh.LinkAsync();

        var stream = workload.Generate();
        var tally = new SpendingTally(workload.Players);
        long[] askedBefore = [.. dbs.Select(db => db.Reservations.Asked)];
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workload.Writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while (clock.Elapsed < workload.TimeLimit && (i = Interlocked.Increment(ref next)) < stream.Length)
                await DecrementAsync(dbs[stream[i].Replica], stream[i], tally);
        })));
        var elapsed = clock.Elapsed;
        long asked = dbs.Select((db, i) => db.Reservations.Asked - askedBefore[i]).Sum();
        var converged = await mesh.ConvergeLiveAsync(TimeSpan.FromSeconds(Math.Max(1, workload.TimeLimit.TotalSeconds / 4)));
        await mesh.SyncToRestAsync();
        var transfers = await ConsistencyCheck.RunAsync(dbs, workload, tally);
        return new SpendingOutcome(workload.Decrements, elapsed, converged, tally, asked,
            dbs.Sum(db => db.Reservations.Granted), dbs.Sum(db => db.Reservations.Rebalanced), transfers);
    }

    private static async Task DecrementAsync(Database db, Decrement decrement, SpendingTally tally)
    {
        var op = FieldOp.Increment("credits", -decrement.Amount);
        string id = SkewedWorkload.PlayerId(decrement.Player);
        long start = Stopwatch.GetTimestamp();
        tally.Issued();
        try
        {
            await db.PatchAsync("players", id, op);
        }
        catch (InsufficientRightsException)
        {
            tally.Short(decrement);
            try
            {
                using (Database.WaitingForRights(Wait)) await db.PatchAsync("players", id, op);
            }
            catch (InsufficientRightsException)
            {
                tally.Refused();
                return;
            }
            tally.Waited(Stopwatch.GetElapsedTime(start));
        }
        tally.Spent(decrement);
    }
}

/// <summary>What the writers of one run counted: decrements issued, rights spent per player, the
/// decrements whose first try was short of rights (per replica; "cold" when that replica had not yet
/// spent on that player, so no rights could have been moved there ahead of it), how long those that
/// then got their rights took in all, and those still short when the wait ran out.</summary>
internal sealed class SpendingTally(int players)
{
    private readonly long[] _spent = new long[players];
    private readonly bool[] _warm = new bool[3 * players];
    private readonly int[] _short = new int[3];
    private readonly List<double> _waits = [];
    private int _issued, _cold, _refused;

    public void Issued() => Interlocked.Increment(ref _issued);
    public void Refused() => Interlocked.Increment(ref _refused);
    public void Waited(TimeSpan took) { lock (_waits) _waits.Add(took.TotalMilliseconds); }

    public void Short(Decrement d)
    {
        Interlocked.Increment(ref _short[d.Replica]);
        if (!Volatile.Read(ref _warm[d.Replica * _spent.Length + d.Player])) Interlocked.Increment(ref _cold);
    }

    public void Spent(Decrement d)
    {
        Interlocked.Add(ref _spent[d.Player], d.Amount);
        Volatile.Write(ref _warm[d.Replica * _spent.Length + d.Player], true);
    }

    public int IssuedCount => _issued;
    public long SpentOn(int player) => _spent[player];
    public int ShortOn(int replica) => _short[replica];
    public int ShortCount => _short.Sum();
    public int ColdCount => _cold;
    public int RefusedCount => _refused;
    public double[] Waits() { lock (_waits) return [.. _waits.Order()]; }
}

/// <summary>Rights transfers found in the converged ledger: how many commits, moving how many rights.</summary>
internal readonly record struct Transfers(int Commits, long Rights);

/// <summary>After a run: every replica holds the same, non-negative balance for each player, equal to
/// the balance less what the writers spent; every replica's rights are ≥ 0 and add up to the balance.</summary>
internal static class ConsistencyCheck
{
    public static async Task<Transfers> RunAsync(Database[] dbs, SkewedWorkload workload, SpendingTally tally)
    {
        int commits = 0;
        long rights = 0;
        for (int p = 0; p < workload.Players; p++)
        {
            string id = SkewedWorkload.PlayerId(p);
            long expected = workload.Balance - tally.SpentOn(p);
            Int128 held = 0;
            foreach (var db in dbs)
            {
                long credits = (await db.GetAsync("players", id))!.Fields.Get("credits")!.AsInt();
                if (credits != expected || credits < 0)
                    throw new InvalidOperationException($"players/{id} holds {credits} on {db.Replica.Did}, not the {expected} left by the writers.");
                var (_, mine) = db.Reservations.RightsHeld(new Reservation(Reservation.Rights, "players", id, "credits", BoundSide.Lower, 1));
                if (mine < 0) throw new InvalidOperationException($"{db.Replica.Did} holds {mine} rights over players/{id}.");
                held += mine;
            }
            if (held != expected) throw new InvalidOperationException($"The rights over players/{id} add up to {held}, not its balance {expected}.");
            foreach (var version in await dbs[0].HistoryAsync("players", id))
                foreach (var change in version.Changes.Where(c => c.Op == "transfer"))
                {
                    commits++;
                    rights += change.Value!.Get("amount")!.AsInt();
                }
        }
        return new Transfers(commits, rights);
    }
}

/// <summary>The figures of one run of the skewed workload.</summary>
internal sealed record SpendingOutcome(int Planned, TimeSpan Elapsed, TimeSpan? LiveConvergence, SpendingTally Tally, long Asked, long Granted, long Rebalanced, Transfers Transfers)
{
    public int Issued => Tally.IssuedCount;
    public double ShortPercent => 100.0 * Tally.ShortCount / Math.Max(1, Issued);

    public string Figure() => $"{ShortPercent:N2}% ({Tally.ShortCount:N0} of {Issued:N0}; asks {100.0 * Asked / Math.Max(1, Issued):N2}%)"
        + (Issued < Planned ? $"; STALLED: {Planned - Issued:N0} never issued" : "");

    public string Describe()
    {
        var waits = Tally.Waits();
        string waited = waits.Length == 0 ? "none waited" : $"those took p50 {Percentile.Of(waits, 0.5):N1} ms, p99 {Percentile.Of(waits, 0.99):N1} ms, max {waits[^1]:N0} ms";
        string converged = LiveConvergence is { } c ? $"the live links converged {c.TotalMilliseconds:N0} ms after the last write" : "the live links did NOT converge (synced once over fresh sessions instead)";
        string stalled = Issued < Planned ? $" (STALLED: the time limit stopped the writers {Planned - Issued:N0} short)" : "";
        return $"{Issued:N0} decrements{stalled} in {Elapsed.TotalSeconds:N1} s ({Table.Rate(Issued / Elapsed.TotalSeconds)}/s); "
            + $"first try short {Tally.ShortCount:N0} = {ShortPercent:N2}% (A {Tally.ShortOn(0)}, B {Tally.ShortOn(1)}, C {Tally.ShortOn(2)}; cold {Tally.ColdCount}), {waited}; still short after the {SkewedSpending.Wait.TotalSeconds:N0} s wait {Tally.RefusedCount}; "
            + $"asks sent {Asked:N0} ({100.0 * Asked / Math.Max(1, Issued):N2}%), granted {Granted:N0}; rights moved by rebalancing {Rebalanced:N0}; "
            + $"transfer commits {Transfers.Commits:N0} moving {Transfers.Rights:N0} rights; {converged}; balances ≥ 0 and equal everywhere, rights add up";
    }
}

internal static class Percentile
{
    /// <summary>The <paramref name="fraction"/> percentile of sorted values.</summary>
    public static double Of(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * fraction))];
}

/// <summary>One kind of write of the latency figure: a PATCH that sets <c>price</c> and increments
/// <see cref="Counter"/> (a plain counter, or a bcounter that is decremented) on documents of <see cref="Collection"/>.</summary>
internal sealed record WriteKind(string Name, string Collection, string Counter, long By, string SeedJson)
{
    public Task WriteAsync(Database db, int round, int documents)
        => db.PatchAsync(Collection, $"d{round % documents}", FieldOp.Set("price", Value.Int(20 + round % 50)), FieldOp.Increment(Counter, By));
}

/// <summary>Sequential writes from one task on one RocksDB replica (each commit waits for its own
/// fsync): an unconstrained PATCH against the same PATCH under a check, a bcounter decrement with
/// local rights, an add-wins reference (the commit touches the parent too), and all three at once.
/// The kinds take turns, so machine noise falls on all of them alike.</summary>
internal static class ConstrainedLatency
{
    private const string Schema = """
        { "collections": {
            "customers": { "fields": { "name": { "type": "string" } } },
            "checked":   { "fields": { "price": { "type": "number" }, "discounted_price": { "type": "number" } },
                           "checks": [ { "name": "discount_below_price", "expr": "price > discounted_price" } ] },
            "wallets":   { "fields": { "credits": { "kind": "bcounter", "min": 0 } } },
            "orders":    { "fields": { "customer": { "references": "customers", "policy": "add-wins" } } },
            "combined":  { "fields": { "price": { "type": "number" }, "discounted_price": { "type": "number" },
                                       "credits": { "kind": "bcounter", "min": 0 },
                                       "customer": { "references": "customers", "policy": "add-wins" } },
                           "checks": [ { "name": "discount_below_price", "expr": "price > discounted_price" } ] } } }
        """;

    private static readonly WriteKind Baseline = new("unconstrained", "plain", "n", 1, """{"price": 20, "discounted_price": 10}""");

    private static readonly WriteKind[] Constrained =
    [
        new("check", "checked", "n", 1, """{"price": 20, "discounted_price": 10}"""),
        new("bcounter", "wallets", "credits", -1, """{"price": 20, "credits": 1000000}"""),
        new("reference", "orders", "n", 1, """{"price": 20, "customer": "c{0}"}"""),
        new("all three", "combined", "credits", -1, """{"price": 20, "discounted_price": 10, "credits": 1000000, "customer": "c{0}"}"""),
    ];

    private const int Documents = 100;

    public static async Task<LatencyOutcome> RunAsync(bool smoke)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        try
        {
            await using var replica = await Replica.OpenAsync(folder);
            var db = await replica.CreateDatabaseAsync("bench");
            await db.SetSchemaAsync(SchemaJson.Parse(Schema));
            WriteKind[] kinds = [Baseline, .. Constrained];
            for (int i = 0; i < Documents; i++)
                await db.TransactAsync(tx =>
                {
                    tx.Put("customers", $"c{i}", Value.Map([new("name", Value.String($"customer {i}"))]));
                    foreach (var kind in kinds) tx.Put(kind.Collection, $"d{i}", ValueJson.Parse(kind.SeedJson.Replace("{0}", i.ToString())));
                });

            // Warm up as a running server would be: the JIT's optimized tiers and RocksDB's files.
            var warm = Stopwatch.StartNew();
            for (int round = 0; round < 20 || (!smoke && warm.Elapsed < TimeSpan.FromSeconds(2)); round++)
                foreach (var kind in kinds) await kind.WriteAsync(db, round, Documents);

            int rounds = smoke ? 50 : 4_000;
            var latencies = kinds.Select(_ => new double[rounds]).ToArray();
            for (int round = 0; round < rounds; round++)
                for (int k = 0; k < kinds.Length; k++)
                {
                    int turn = (round + k) % kinds.Length;   // each kind follows each other in turn
                    long start = Stopwatch.GetTimestamp();
                    await kinds[turn].WriteAsync(db, round, Documents);
                    latencies[turn][round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            var figures = kinds.Select((kind, k) => LatencyFigure.Of(kind.Name, latencies[k])).ToArray();
            return new LatencyOutcome(figures[0], figures[1..]);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>The latencies (ms) of one kind of write.</summary>
internal sealed record LatencyFigure(string Name, int Count, double P50, double P99, double Mean)
{
    public static LatencyFigure Of(string name, double[] latencies)
    {
        var sorted = latencies.Order().ToArray();
        return new(name, sorted.Length, Percentile.Of(sorted, 0.5), Percentile.Of(sorted, 0.99), sorted.Average());
    }
}

internal sealed record LatencyOutcome(LatencyFigure Baseline, LatencyFigure[] Constrained)
{
    public string Describe() => "write latency (ms) p50 / p99 / mean: "
        + string.Join("; ", Constrained.Prepend(Baseline).Select(f => $"{f.Name} {f.P50:N3} / {f.P99:N3} / {f.Mean:N3}"));
}

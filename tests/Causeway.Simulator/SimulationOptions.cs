using Causeway.Replication;

namespace Causeway.Simulator;

/// <summary>Which pairs of replicas hold a sync session. In a star or a chain most replicas never
/// talk to each other, so commits reach them only relayed by replicas that did not author them.</summary>
public enum Topology { Mesh, Star, Chain, Ring }

/// <summary>Deliberate damage, so a test can prove the checks catch it. Never set outside such tests.</summary>
public enum Breakage
{
    None,

    /// <summary>One commit made at the end is stripped from every frame that carries it, forever.</summary>
    LoseOneCommit,

    /// <summary>Snapshot checks read each audit document at its own random position instead of one.</summary>
    TornReads,

    /// <summary>The constraint checks see each bounded counter as if the replica with the fewest rights
    /// had decremented it by one more than it holds: the state a replica spending without rights would
    /// leave (the engine refuses that spend, so the simulator forges it in what the checker reads).</summary>
    SpendWithoutRights,

    /// <summary>Before the schema reaches it, one replica writes a range that breaks the check and a
    /// child that names no parent: real commits, which the engine accepts since no schema guards them
    /// there, and which then replicate to every replica, schema or not.</summary>
    WritesWithoutSchema,

    /// <summary>In an owned run, honest replicas apply synced commits without checking their capability
    /// (the engine's authority stage is off for them), so the intruder's forged commits get in.</summary>
    SyncedCommitsUnchecked,
}

/// <summary>Everything one run depends on. <see cref="ForSeed"/> derives it all from the seed, so a
/// seed alone names a run.</summary>
public sealed record SimulationOptions
{
    public required int Seed { get; init; }
    public int Replicas { get; init; } = 3;
    public Topology Topology { get; init; } = Topology.Mesh;

    public const int DefaultWrites = 40;

    /// <summary>Writes the schemaless workload makes before the final phase (heal, quiesce, compare);
    /// writes to the schema's collections come on top (<see cref="ConstraintPercent"/>).</summary>
    public int Writes { get; init; } = DefaultWrites;

    /// <summary>Chance that a frame is lost, and that it arrives twice.</summary>
    public double DropRate { get; init; }
    public double DuplicateRate { get; init; }

    /// <summary>Base one-way latency of a link is drawn from [1, MaxLatency] ms; each frame adds up to Jitter ms,
    /// so frames overtake each other.</summary>
    public int MaxLatency { get; init; } = 20;
    public int Jitter { get; init; } = 20;

    /// <summary>Percent of steps that break or mend something: partition or heal a link, close or
    /// reopen a session pair, crash or restart a replica.</summary>
    public int FaultPercent { get; init; }

    /// <summary>Largest difference between a replica's physical clock and virtual time (ms).</summary>
    public int MaxClockSkew { get; init; } = 500;

    public int DocumentCacheCapacity { get; init; } = 1024;

    /// <summary>The upper bound of the schema's bounded counter (its lower one is always 0), on the seeds that have one.</summary>
    public long? CounterMax { get; init; }

    /// <summary>Percent of writes that go to the collections of the schema (once the writer holds it),
    /// on top of <see cref="Writes"/>.</summary>
    public int ConstraintPercent { get; init; } = 40;

    /// <summary>The interval of the replicas' rebalancing timer, in virtual time; null: rebalancing runs
    /// only as a step of the run. A timer also makes replicas off the home ask for the next block of
    /// sequence ids before they run out.</summary>
    public TimeSpan? RebalanceEvery { get; init; }
    public SyncOptions Sync { get; init; } = SyncOptions.Default;
    public Breakage Breakage { get; init; }

    /// <summary>An owned database with a malicious replica (docs/simulation.md, "Owned runs"): the
    /// schema's home owns it, every other honest replica writes with a delegation from the owner
    /// (its own id prefix in <c>docs</c>), and the last replica is an <see cref="Intruder"/> that signs
    /// commits outside its delegation and syncs them like any other. Needs 3 replicas or more.</summary>
    public bool Owned { get; init; }

    /// <summary>Receives a line per event (replay with --trace to see what a seed did).</summary>
    public Action<string>? Trace { get; init; }

    /// <summary>Sizes and fault rates drawn from the seed: 3 to 7 replicas (by seed, so every
    /// 5 consecutive seeds cover all counts), a random topology, calm or hostile networks.</summary>
    public static SimulationOptions ForSeed(int seed, int writes = DefaultWrites)
    {
        var random = new Random(unchecked(seed * 7919 + 17));
        int replicas = 3 + (int)((uint)seed % 5);
        bool calm = random.Next(4) == 0;
        return new SimulationOptions
        {
            Seed = seed,
            Replicas = replicas,
            Topology = (Topology)random.Next(4),
            Writes = writes,
            DropRate = calm ? 0 : random.NextDouble() * 0.15,
            DuplicateRate = calm ? 0 : random.NextDouble() * 0.1,
            MaxLatency = 1 + random.Next(50),
            Jitter = random.Next(100),
            FaultPercent = calm ? 0 : 1 + random.Next(8),
            MaxClockSkew = random.Next(2000),
            DocumentCacheCapacity = random.Next(2) == 0 ? 4 : 10_000,
            Sync = new SyncOptions
            {
                // Small batches and windows so flow control, the pending buffer and resends all get work.
                BatchCommits = 1 + random.Next(4),
                Window = 2 + random.Next(512),
                RetransmitAfter = TimeSpan.FromMilliseconds(200 + random.Next(2000)),
            },
            CounterMax = random.Next(3) == 0 ? 8 + random.Next(20) : null,
            // Drawn last, so the draws above (and what each seed ran before) stay as they were.
            RebalanceEvery = random.Next(2) == 0 ? TimeSpan.FromMilliseconds(100 + random.Next(2000)) : null,
        };
    }

    public override string ToString()
        => $"{Replicas} replicas{(Owned ? " (owned, one malicious)" : "")}, {Topology.ToString().ToLowerInvariant()}, {Writes} writes, drop {DropRate:P0}, dup {DuplicateRate:P0}, faults {FaultPercent}%"
           + (Breakage == Breakage.None ? "" : $", breakage {Breakage}");
}

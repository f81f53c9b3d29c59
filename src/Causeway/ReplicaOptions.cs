using Causeway.Clocks;

namespace Causeway;

public sealed class ReplicaOptions
{
    /// <summary>How far ahead of our clock a remote commit's time may be before it is refused.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recently used documents keep their newest version in memory (documents read, or
    /// written again; one a commit creates enters once it is read).</summary>
    public int DocumentCacheCapacity { get; init; } = 200_000;

    /// <summary>How many bytes of the store's blocks (documents, index, ledger) stay in memory,
    /// uncompressed, for reads: 64 MiB by default. A large database read at random (queries whose
    /// filters have thousands of candidates, say) gets faster with more.</summary>
    public long StoreCacheBytes
    {
        get => _storeCacheBytes;
        init => _storeCacheBytes = value >= 1 << 20 ? value : throw new ArgumentOutOfRangeException(nameof(StoreCacheBytes), "The store's cache is at least 1 MiB.");
    }

    private readonly long _storeCacheBytes = 64L << 20;

    /// <summary>How many bytes of writes the store gathers in memory (RocksDB's memtable) before it
    /// writes them out as a table and moves to another write-ahead log: 64 MiB by default. Smaller
    /// uses less memory and replays less after a crash, at the cost of more, smaller flushes.</summary>
    public long StoreWriteBufferBytes
    {
        get => _storeWriteBufferBytes;
        init => _storeWriteBufferBytes = value >= 64 << 10 ? value : throw new ArgumentOutOfRangeException(nameof(StoreWriteBufferBytes), "The store's write buffer is at least 64 KiB.");
    }

    private readonly long _storeWriteBufferBytes = 64L << 20;

    /// <summary>Whether the replica keeps the automatic path index of every database (docs/indexes.md).
    /// Off, queries scan their collection; turned on again, each database's index is rebuilt when the
    /// replica opens.</summary>
    public bool Indexes { get; init; } = true;

    /// <summary>How long one query may run before it stops with query_timeout.</summary>
    public TimeSpan QueryBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often, at most, a database moves rights over bounded counters toward the replicas
    /// that spend them (proactive rebalancing). Null turns the background rebalancing off; it can
    /// then be run step by step with <see cref="Invariants.Reservations.RebalanceAsync"/> (the simulator does).</summary>
    public TimeSpan? RebalanceInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether a replica asked for rights or a reservation it does not hold asks its own other
    /// peers on the asker's behalf (one hop) before answering. Off, it answers at once with what it
    /// has; the simulator turns it off, since a relay waits on real time.</summary>
    public bool RelayAsks { get; init; } = true;

    /// <summary>How many events a live query's subscriber may leave unread (docs/queries.md, Live queries);
    /// one more ends its subscription with subscriber_too_slow. 1,000 by default.</summary>
    public int LiveQueryBuffer { get; init; } = Queries.Live.LiveQueries.DefaultCapacity;

    /// <summary>Where the replica's time comes from: wall time (see <see cref="PhysicalClock"/>, and
    /// when a peer session started) and the elapsed time and delays of sync sessions, reconnecting
    /// links and waits for rights. The system clock by default: the one place the engine reads it.
    /// The simulator gives each replica its virtual time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the replica logs (sync links connecting, failing and coming back): the host's
    /// logger factory; nowhere by default.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory Logging { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    /// <summary>Where the replica's randomness comes from: session nonces, reconnect jitter, the
    /// random bits of UUIDv7 ids. The system's cryptographic generator by default: the one place the
    /// engine reads it. The simulator gives each replica a <see cref="RandomSource.Seeded"/> source.</summary>
    public RandomSource Random { get; init; } = RandomSource.System;

    /// <summary>Milliseconds since the Unix epoch: the physical part of the replica's hybrid logical
    /// clock and the time of its UUIDv7 ids. By default it reads <see cref="Time"/>; set it to replace
    /// that one reading (tests).</summary>
    public Func<long> PhysicalClock
    {
        get => _physicalClock ?? (() => Time.GetUtcNow().ToUnixTimeMilliseconds());
        init => _physicalClock = value;
    }

    private readonly Func<long>? _physicalClock;

    /// <summary>Test only, never set outside the tests and the simulator: the replica runs a modified
    /// program that skips the capability check of its own commits in owned databases (it signs commits
    /// its chain does not allow) and puts in each whatever this returns from the capability an honest
    /// replica would attach (its chain's proofs and the covering command); null leaves it out.</summary>
    internal Func<Ledger.CommitCapability, Ledger.CommitCapability?>? TestOnlyForgeCapability { get; init; }

    /// <summary>Test only, never set outside the tests and the simulator: synced commits of owned
    /// databases are applied without their capability being checked (the breakage the simulator's
    /// authority check must catch).</summary>
    internal bool TestOnlySkipSyncedCapabilityChecks { get; init; }

    /// <summary>Test only: how many spare rows a live query's window keeps beyond its limit (the
    /// limit or 32, whichever is more, when null); 0 makes every document that leaves a full window
    /// refill it, so the tests reach that path with a few documents.</summary>
    internal int? TestOnlyLiveQuerySpareRows { get; init; }
}

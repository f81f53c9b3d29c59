using System.Buffers.Binary;
using Causeway.Clocks;
using Causeway.Security;
using Causeway.Storage;

namespace Causeway.Simulator;

/// <summary>One replica of the run: a <see cref="Replica"/> over its own <see cref="MemoryStore"/>,
/// with a key drawn from the seed, a clock that is virtual time plus a fixed skew
/// (<see cref="SimulatedTime"/>) and a random source seeded from its key, so its nonces and ids replay.
/// A crash disposes the replica, and on a power loss also forgets what its store had not made
/// durable; a restart opens a new one over the same store object, so what was committed durably
/// survives and nothing else does.</summary>
public sealed class SimulatedReplica : IAsyncDisposable
{
    public const string DatabaseName = "sim";

    private readonly MemoryStore _store = new();
    private readonly byte[] _key;
    private readonly ReplicaOptions _options;
    private Replica? _replica;
    private Database? _database;

    private SimulatedReplica(int index, byte[] key, ReplicaOptions options)
    {
        Index = index;
        _key = key;
        _options = options;
        using var identity = ReplicaIdentity.FromSeed(key);
        Did = identity.Did;
    }

    public int Index { get; }
    public string Did { get; }
    public bool Up => _replica is not null;
    public int Crashes { get; private set; }

    /// <summary>Crashes that were power losses too.</summary>
    public int PowerLosses { get; private set; }

    public Database Database => _database ?? throw new InvalidOperationException($"replica {Index} is down");

    /// <summary>Starts with a cache of <paramref name="documentCache"/> entries: a tiny one makes reads
    /// go to the store, a big one serves them from memory; both must read the same.</summary>
    /// <param name="forge">Set for the intruder of an owned run: its program skips the local capability check.</param>
    /// <param name="uncheckedSync">The breakage <see cref="Breakage.SyncedCommitsUnchecked"/>.</param>
    /// <param name="rebalanceEvery">The rebalancing timer's interval in virtual time (null: rebalancing only as a step of the run).</param>
    public static async Task<SimulatedReplica> StartAsync(int index, Random random, Func<long> now, VirtualTimers timers, int maxSkew, int documentCache,
        TimeSpan? rebalanceEvery, Func<Ledger.CommitCapability, Ledger.CommitCapability?>? forge = null, bool uncheckedSync = false)
    {
        var key = new byte[32];
        random.NextBytes(key);
        long skew = random.Next(-maxSkew, maxSkew + 1);
        // Its timers (a relayed ask's timeout, the rebalancing interval) run on the run's virtual time.
        // Its randomness is seeded from its key rather than drawn from the run's random, so the draws
        // (and the runs of every seed) stay what they were; a restart goes on with the same source.
        var options = new ReplicaOptions
        {
            Time = new SimulatedTime(now, skew, timers, index),
            Random = RandomSource.Seeded(BinaryPrimitives.ReadInt32LittleEndian(key)),
            DocumentCacheCapacity = documentCache,
            RebalanceInterval = rebalanceEvery,
            RelayAsks = true,
            TestOnlyForgeCapability = forge,
            TestOnlySkipSyncedCapabilityChecks = uncheckedSync,
        };
        var replica = new SimulatedReplica(index, key, options);
        replica.Open();
        replica._database = await replica._replica!.CreateDatabaseAsync(DatabaseName);
        return replica;
    }

    /// <param name="powerLoss">The machine loses power too: what the store was told but had not made
    /// durable is gone when it comes back (<see cref="MemoryStore.PowerOff"/>).</param>
    public async Task CrashAsync(bool powerLoss)
    {
        var replica = _replica ?? throw new InvalidOperationException($"replica {Index} is already down");
        _replica = null;
        _database = null;
        Crashes++;
        if (powerLoss) PowerLosses++;
        if (powerLoss) _store.PowerOff();
        await replica.DisposeAsync();
        if (powerLoss) _store.PowerOn();
    }

    public void Restart()
    {
        if (_replica is not null) throw new InvalidOperationException($"replica {Index} is up");
        Open();
        _database = _replica!.GetDatabase(DatabaseName);
    }

    private void Open() => _replica = Replica.Open(_store, ReplicaIdentity.FromSeed(_key), _options);

    public async ValueTask DisposeAsync()
    {
        if (_replica is not null) await _replica.DisposeAsync();
        _replica = null;
        _database = null;
    }
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Security;
using Causeway.Storage;
using Causeway.Transactions;

namespace Causeway;

/// <summary>One Causeway replica: its own store, its own Ed25519 identity, and the databases in it.
/// Every read and write is local; nothing here waits on another machine.</summary>
/// <example><code>
/// await using var replica = await Replica.OpenAsync("./data");
/// var shop = await replica.CreateDatabaseAsync("shop");
/// await shop.PutJsonAsync("orders", "o-1", """{ "total": 12 }""");
/// </code></example>
public sealed class Replica : IAsyncDisposable
{
    public const string StoreFolder = Backup.ReplicaBackup.StoreFolder;

    private readonly IKeyValueStore _store;
    private readonly ReplicaIdentity _identity;
    private readonly CommitPipeline _pipeline;
    private readonly DocumentReader _reader;
    private readonly VersionCache _cache;
    private readonly ConcurrentDictionary<string, Database> _databases = new(StringComparer.Ordinal);
    private uint _nextDatabaseId;
    private int _disposed;

    private Replica(IKeyValueStore store, ReplicaIdentity identity, ReplicaOptions options, string? folder, Backup.RestoreFence? fence = null)
    {
        _store = store;
        Fence = fence ?? Backup.RestoreFence.None;
        _identity = identity;
        Options = options;
        Folder = folder;
        _cache = new VersionCache(options.DocumentCacheCapacity);
        _reader = new DocumentReader(store, _cache);

        var replicaRecord = store.Get(StoreLayout.ReplicaKey);
        _nextDatabaseId = replicaRecord is null ? 1 : BinaryPrimitives.ReadUInt32BigEndian(replicaRecord);
        var runtimes = new List<DatabaseRuntime>();
        var lastTime = HlcTimestamp.Zero;
        foreach (var (key, value) in store.ScanAll(StoreLayout.CatalogPrefix))
        {
            string name = System.Text.Encoding.UTF8.GetString(key.AsSpan(1));
            uint id = BinaryPrimitives.ReadUInt32BigEndian(value);
            var stateBytes = store.Get(StoreLayout.StateKey(id));
            var record = stateBytes is null ? DatabaseRecord.Empty : DatabaseRecord.Decode(stateBytes);
            if (record.LastTime > lastTime) lastTime = record.LastTime;
            runtimes.Add(new DatabaseRuntime(id, name, record));
        }
        Clock = new HybridLogicalClock(options.PhysicalClock, options.MaxClockSkew, lastTime);
        Authority = new Authority.AuthorityStore(store);
        CapabilityChecks = new Authority.CapabilityChecks(Authority, options.TestOnlyForgeCapability, options.TestOnlySkipSyncedCapabilityChecks,
            // A deleted function's last definition still holds calls made concurrently with its deletion.
            // (read from the history only then: a call's check reads the latest version, one seek).
            (runtime, name) => (_reader.Latest(runtime, Schemas.SystemCollections.Functions, name) is { State.Exists: true } latest ? latest
                : _reader.Versions(runtime, Schemas.SystemCollections.Functions, name, long.MaxValue).LastOrDefault(v => v.State.Exists))?.State.ToValue());
        var stages = CommitStages.Ledger(_cache);
        if (options.Indexes)
        {
            // A database whose index does not reach its position (written while indexes were off,
            // or before they existed) gets it built again from its documents before taking commits.
            foreach (var runtime in runtimes)
                if (!Queries.Indexes.PathIndex.Covers(store, runtime.Id, runtime.Record.Position))
                    Queries.Indexes.PathIndex.Rebuild(store, runtime.Id, runtime.Record.Position, SchemaOf(runtime));
            stages.Add(new Queries.Indexes.PathIndex(store));
        }
        _pipeline = new CommitPipeline(store, identity, Clock, _reader, stages
            .Add(Fence)
            .Add(CapabilityChecks)
            .Add(new Invariants.ConstraintChecks(store))
            .Add(new Quotas.QuotaStage()));
        foreach (var runtime in runtimes) _databases[runtime.Name] = new Database(this, runtime, _reader, _pipeline);
        _gauges = new ReplicaGauges(this);
        Telemetry.Instruments.Observe(_gauges);
    }

    private readonly ReplicaGauges _gauges;

    internal ReplicaOptions Options { get; }

    /// <summary>Whether the replica was restored from a backup and its local commits wait for each database to catch up with a peer.</summary>
    internal Backup.RestoreFence Fence { get; }

    /// <summary>A database's latest schema as stored.</summary>
    private Schemas.Schema SchemaOf(DatabaseRuntime runtime)
        => runtime.Schemas.Of(_reader.Latest(runtime, Schemas.SystemCollections.Schema, Schemas.SystemCollections.SchemaDocument)).Schema;

    /// <summary>The store under every database of the replica.</summary>
    internal IKeyValueStore Store => _store;

    /// <summary>The delegations this replica keeps, and each database's owner and own proofs.</summary>
    internal Authority.AuthorityStore Authority { get; }

    /// <summary>The pipeline stage that holds commits of owned databases to their capability.</summary>
    internal Authority.CapabilityChecks CapabilityChecks { get; }

    /// <summary>This replica's did:key: the name its commits are signed under.</summary>
    public string Did => _identity.Did;

    internal ReplicaIdentity Identity => _identity;

    /// <summary>This replica's key as a principal (<see cref="Did"/> names it): what a host signs with
    /// when the replica itself issues a capability (the server's delegations).</summary>
    public Authority.PrincipalKey Key => _identity.Key;

    /// <summary>The replica's folder, or null for an in-memory replica.</summary>
    public string? Folder { get; }

    internal HybridLogicalClock Clock { get; }

    /// <summary>This replica's tag, carried by the ids it generates.</summary>
    internal Schemas.ReplicaTag Tag => _tag ??= Schemas.ReplicaTag.Of(Did);
    private Schemas.ReplicaTag? _tag;

    /// <summary>Parsed stored-function scripts, shared by every database of the replica.</summary>
    internal Functions.ScriptCache Scripts { get; } = new();

    /// <summary>The newest versions of recently used documents, shared by the replica's databases.</summary>
    internal VersionCache DocumentCache => _cache;

    /// <summary>The UUIDv7 source of <c>"id": "uuid"</c> collections, on the replica's clock and randomness.</summary>
    internal Schemas.UuidIds Uuids => LazyInitializer.EnsureInitialized(ref _uuids, () => new Schemas.UuidIds(Did, Options.PhysicalClock, Options.Random.Fill));
    private Schemas.UuidIds? _uuids;

    /// <summary>Opens (or creates) a replica in <paramref name="folder"/>: its key in identity.key,
    /// its data in RocksDB under store/.</summary>
    public static Task<Replica> OpenAsync(string folder, ReplicaOptions? options = null)
    {
        Directory.CreateDirectory(folder);
        options ??= new();
        var identity = ReplicaIdentity.LoadOrCreate(folder);
        try
        {
            var fence = Backup.RestoreFence.Load(folder);
            var store = RocksDbStore.Open(Path.Combine(folder, StoreFolder), options.StoreCacheBytes, options.StoreWriteBufferBytes);
            return Task.FromResult(new Replica(store, identity, options, folder, fence));
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>Backs the whole replica up into <paramref name="folder"/> (new or empty) while it keeps
    /// serving: every database at one consistent point (one checkpoint of the store they share), its
    /// key, and every other file of its folder (docs/backup.md). A write acknowledged before the call
    /// is in the backup. Restore it with <see cref="RestoreAsync"/>.</summary>
    /// <exception cref="BackupFolderException"><see cref="ErrorCodes.FolderNotEmpty"/>: the folder holds something.</exception>
    public Task<BackupReport> BackupAsync(string folder, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        CheckOpen();
        if (Folder is null || _store is not RocksDbStore store)
            throw new InvalidInputException(ErrorCodes.InvalidOp, "A replica that lives only in memory has nothing on disk to back up.");
        return Backup.ReplicaBackup.WriteAsync(Did, store, Folder, folder, ListDatabases, Options.Time, cancellation);
    }

    /// <summary>Restores the backup in <paramref name="backup"/> into <paramref name="folder"/> (new or
    /// empty), to open with <see cref="OpenAsync"/>. The restored replica keeps its identity and
    /// refuses local commits to a database (<see cref="ErrorCodes.ReplicaRestored"/>) until the
    /// database has caught up with a peer, so it never signs a seq it may already have used after the
    /// backup. <paramref name="fence"/> false leaves that out: only when no peer can hold commits this
    /// replica signed after the backup (it never synced them, or it has no peers).</summary>
    /// <returns>The restored folder, the replica's DID and its databases, as the backup names them.</returns>
    /// <exception cref="BackupFolderException"><see cref="ErrorCodes.NotABackup"/> or <see cref="ErrorCodes.FolderNotEmpty"/>.</exception>
    public static Task<BackupReport> RestoreAsync(string backup, string folder, bool fence = true, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(backup);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return Backup.ReplicaBackup.RestoreAsync(backup, folder, fence, cancellation);
    }

    /// <summary>Whether local writes to <paramref name="database"/> are refused until it syncs with a
    /// peer, this replica having been restored from a backup (<see cref="RestoreAsync"/>).</summary>
    public bool AwaitsCatchUp(string database) => Fence.Fences(database);

    /// <summary>A replica that lives only in memory, with a fresh identity (tests, simulation, caches).</summary>
    public static Replica OpenInMemory(ReplicaOptions? options = null, ReplicaIdentity? identity = null)
        => new(new MemoryStore(), identity ?? ReplicaIdentity.CreateEphemeral(), options ?? new(), null);

    /// <summary>Opens a replica over any store (the simulator uses this).</summary>
    internal static Replica Open(IKeyValueStore store, ReplicaIdentity identity, ReplicaOptions? options = null)
        => new(store, identity, options ?? new(), null);

    /// <summary>Creates a database. A dotted name (acme.shop) needs its parent (acme) to exist.</summary>
    public Task<Database> CreateDatabaseAsync(string name, CancellationToken cancellation = default)
        => CreateDatabaseAsync(name, Replication.Subscription.Everything, cancellation);

    /// <summary>Creates a database that holds only what <paramref name="holds"/> selects: a partial
    /// replica, filled by sync with projections of commits (docs/sync-protocol.md).</summary>
    public async Task<Database> CreateDatabaseAsync(string name, Replication.Subscription holds, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(holds);
        Names.Database(name);
        CheckOpen();
        Database? created = null;
        await _pipeline.RunCatalogAsync(stage =>
        {
            if (_databases.ContainsKey(name) || stage.IsBeingCreated(name)) throw new AlreadyExistsException($"Database '{name}' already exists.");
            if (Names.ParentDatabase(name) is { } parent && !_databases.ContainsKey(parent) && !stage.IsBeingCreated(parent))
                throw new NotFoundException($"Database '{name}' needs its parent '{parent}' to exist first.");
            uint id = _nextDatabaseId++;
            var idBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(idBytes, id);
            var next = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(next, _nextDatabaseId);
            stage.Batch.Put(StoreLayout.CatalogKey(name), idBytes).Put(StoreLayout.ReplicaKey, next);
            var record = DatabaseRecord.Empty with { Holds = holds };
            if (!holds.IsEverything) stage.Batch.Put(StoreLayout.StateKey(id), record.Encode(new Encoding.DagCborWriter()));
            var runtime = new DatabaseRuntime(id, name, record);
            created = new Database(this, runtime, _reader, _pipeline);
            stage.Creating(name);
            return () => _databases[name] = created;
        }, cancellation).ConfigureAwait(false);
        return created!;
    }

    public Database GetDatabase(string name)
        => TryGetDatabase(name) ?? throw new NotFoundException($"Database '{Names.Clip(name)}' does not exist.");

    public Database? TryGetDatabase(string name)
    {
        Names.Database(name);
        CheckOpen();
        return _databases.GetValueOrDefault(name);
    }

    /// <summary>The names of every database, sorted.</summary>
    public IReadOnlyList<string> ListDatabases()
    {
        CheckOpen();
        return [.. _databases.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Drops a database and every database below it (acme drops acme.shop too), with all their data.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellation = default)
    {
        Names.Database(name);
        CheckOpen();
        await _pipeline.RunCatalogAsync(stage =>
        {
            if (!_databases.ContainsKey(name)) throw new NotFoundException($"Database '{name}' does not exist.");
            var doomed = _databases.Values.Where(d => d.Name == name || d.Name.StartsWith(name + ".", StringComparison.Ordinal)).ToList();
            foreach (var db in doomed)
            {
                stage.Batch.Delete(StoreLayout.CatalogKey(db.Name));
                stage.Batch.DeleteRange(StoreLayout.DatabasePrefix(db.Runtime.Id), StoreLayout.DatabaseEnd(db.Runtime.Id));
                stage.MarkDropped(db.Runtime);
            }
            return () =>
            {
                foreach (var db in doomed)
                {
                    _databases.TryRemove(db.Name, out _);
                    db.Runtime.MarkDropped();
                    _ = db.Peers.StopAllAsync();
                    _cache.RemoveDatabase(db.Runtime.Id);
                }
            };
        }, cancellation).ConfigureAwait(false);
    }

    /// <summary>Bytes the store takes on disk: the sum of its files (0 for a replica in memory).</summary>
    public long StoreBytes()
    {
        if (Folder is null) return 0;
        var store = new DirectoryInfo(Path.Combine(Folder, StoreFolder));
        if (!store.Exists) return 0;
        long total = 0;
        // RocksDB replaces files as it compacts; one that vanishes between listing and sizing counts as 0.
        foreach (var file in store.EnumerateFiles("*", SearchOption.AllDirectories))
            try { total += file.Length; } catch (FileNotFoundException) { }
        return total;
    }

    /// <summary>Writes a marker durably to the store and reads it back: whether the store takes
    /// writes and answers reads now (what a health check asks). Throws what the store threw.</summary>
    public void ProbeStore()
    {
        CheckOpen();
        var marker = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(marker, Options.Time.GetUtcNow().UtcTicks);
        _store.Write(new StoreBatch().Put(StoreLayout.ProbeKey, marker), durable: true);
        var back = _store.Get(StoreLayout.ProbeKey);
        if (back is null || !back.AsSpan().SequenceEqual(marker))
            throw new UnavailableException("The store did not read back what it had just written.");
    }

    internal void CheckOpen()
    {
        if (Volatile.Read(ref _disposed) != 0) throw new UnavailableException("The replica is closed.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Telemetry.Instruments.Forget(_gauges);
        foreach (var db in _databases.Values)
        {
            await db.Peers.StopAllAsync().ConfigureAwait(false);
            await db.Reservations.StopAsync().ConfigureAwait(false);
            await db.StopLiveQueriesAsync().ConfigureAwait(false);
        }
        await _pipeline.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        _identity.Dispose();
    }
}

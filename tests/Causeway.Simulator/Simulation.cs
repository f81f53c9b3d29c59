using Causeway.Authority;
using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Ledger;
using Causeway.Replication;
using Causeway.Values;

namespace Causeway.Simulator;

/// <summary>What a run did; equal for two runs of one seed.</summary>
public sealed record SimulationResult(int Seed, int Replicas, Topology Topology, long Steps, int Writes, long Commits, int Transactions,
    long FramesSent, long FramesDropped, int Crashes, long VirtualMillis, string Fingerprint, ConstraintCounts Constraints, IntruderCounts? Intruder = null, int PowerLosses = 0);

/// <summary>What the constraints did in a run: asks for rights sent (one per peer asked), answers
/// that granted or refused, writes refused for rights (decrements, and increments past a max),
/// and writes refused for breaking a check, a reference or a declared type.</summary>
public sealed record ConstraintCounts(int Writes, long Asks, long Grants, long AskRefusals, long Relays, long Expired, int DecrementsRefused, int IncrementsRefused,
    int ConstraintRefusals, int SchemaRefusals, int TicketsGiven, int WritesThatWaited, long RebalanceTransfers)
{
    public static ConstraintCounts operator +(ConstraintCounts a, ConstraintCounts b) => new(a.Writes + b.Writes, a.Asks + b.Asks, a.Grants + b.Grants,
        a.AskRefusals + b.AskRefusals, a.Relays + b.Relays, a.Expired + b.Expired, a.DecrementsRefused + b.DecrementsRefused, a.IncrementsRefused + b.IncrementsRefused,
        a.ConstraintRefusals + b.ConstraintRefusals, a.SchemaRefusals + b.SchemaRefusals, a.TicketsGiven + b.TicketsGiven, a.WritesThatWaited + b.WritesThatWaited,
        a.RebalanceTransfers + b.RebalanceTransfers);

    public static readonly ConstraintCounts None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public override string ToString() => $"{Writes} constrained writes; {Asks} asks sent, answered {Grants} granted, {AskRefusals} refused; "
        + $"{Relays} answers relayed, {Expired} given up after {Reservations.RelayTimeout.TotalSeconds:0} s; "
        + $"{DecrementsRefused} decrements and {IncrementsRefused} increments refused for rights; {ConstraintRefusals} constraint and {SchemaRefusals} schema refusals; "
        + $"{TicketsGiven} sequence ids given, none twice; {WritesThatWaited} writes asked another replica and waited; {RebalanceTransfers} transfers by rebalancing";
}

/// <summary>One seeded run: replicas syncing one database over a simulated network, driven by one
/// event loop on one logical thread in virtual time. Each step draws the next event from the seeded
/// random (deliver a frame whose time has come, pump a session, write, advance time, check a read
/// snapshot, break or mend something) and awaits it fully before the next, so a seed replays
/// exactly. Then everything is healed, the run settles until nothing moves, and the replicas must
/// agree. Any failed check is a <see cref="SimulationFailure"/> naming the seed.</summary>
public sealed partial class Simulation : IAsyncDisposable
{
    /// <summary>Virtual time starts at 2026-01-01 (ms since the Unix epoch).</summary>
    private const long Epoch = 1_767_225_600_000;

    /// <summary>Rounds (deliver everything due, pump every session, advance time) the final phase may take.</summary>
    private const int MaxSettleRounds = 5_000;

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly AuditTrail _trail = new();
    private readonly Workload _workload;
    private ConstraintSchema _schema = null!;
    private ConstraintWorkload _constraints = null!;
    private Cid _schemaCommit;
    private long _asks, _grants, _askRefusals;
    private readonly List<SimulatedReplica> _replicas = [];
    private readonly DagCborWriter _scratch = new(4096);
    private SimulatedNetwork _network = null!;
    private SessionPair?[] _sessions = [];
    private long _now = Epoch;
    private readonly VirtualTimers _timers;
    private long _step;
    private int _writes;
    private Cid? _lost;
    private Intruder? _intruder;

    /// <summary>Both ends of one link's sync: the initiator's session and the acceptor's.</summary>
    private sealed record SessionPair(SyncSession Initiator, SyncSession Acceptor)
    {
        public SyncSession Side(bool acceptor) => acceptor ? Acceptor : Initiator;
    }

    private Simulation(SimulationOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _timers = new VirtualTimers(() => _now);
        _workload = new Workload(_random, _trail, options.Trace, options.Owned ? Intruder.Prefix : null);
    }

    public static async Task<SimulationResult> RunAsync(SimulationOptions options)
    {
        var simulation = new Simulation(options);
        try
        {
            return await simulation.RunCoreAsync();
        }
        catch (CheckFailedException e)
        {
            throw new SimulationFailure(options, e.Kind, e.Message, simulation._step, e.InnerException);
        }
        catch (Exception e) when (e is not SimulationFailure)
        {
            throw new SimulationFailure(options, FailureKind.Unexpected, e.ToString(), simulation._step, e);
        }
        finally
        {
            await simulation.DisposeAsync();
        }
    }

    private async Task<SimulationResult> RunCoreAsync()
    {
        if (_options.Owned && _options.Replicas < 3) throw new CheckFailedException(FailureKind.Unexpected, "an owned run needs 3 replicas or more: an owner, a delegate and the intruder");
        bool uncheckedSync = _options.Owned && _options.Breakage == Breakage.SyncedCommitsUnchecked;
        for (int i = 0; i < _options.Replicas; i++)
        {
            bool malicious = _options.Owned && i == _options.Replicas - 1;
            _replicas.Add(await SimulatedReplica.StartAsync(i, _random, () => _now, _timers, _options.MaxClockSkew, _options.DocumentCacheCapacity, _options.RebalanceEvery,
                malicious ? cap => _intruder!.Capability(cap) : null, uncheckedSync));
        }
        if (_options.Owned)
        {
            _intruder = new Intruder(_replicas[^1].Index, _replicas[^1].Did, _random, _options.Trace);
            // The owner is honest: any replica but the intruder.
            var owner = _replicas[_random.Next(_replicas.Count - 1)];
            Own(owner);
            await SetSchemaAsync(owner);
        }
        else await SetSchemaAsync(_replicas[_random.Next(_replicas.Count)]);
        _network = new SimulatedNetwork(_random, _options, _options.Owned
            ? SimulatedNetwork.WireWithIntruder(_options.Topology, _options.Replicas, _random, _options.MaxLatency)
            : SimulatedNetwork.Wire(_options.Topology, _options.Replicas, _random, _options.MaxLatency));
        _sessions = new SessionPair?[_network.Links.Count];
        foreach (var link in _network.Links) Open(link);

        while (_writes < _options.Writes)
        {
            _step++;
            if (_random.Next(100) < _options.FaultPercent)
            {
                await FaultAsync();
                continue;
            }
            int roll = _random.Next(100);
            if (roll < 40) { if (!await DeliverAsync()) AdvanceTime(); }
            else if (roll < 62) await PumpAsync(_network.Links[_random.Next(_network.Links.Count)], acceptorSide: _random.Next(2) == 0);
            else if (roll < 78) await WriteAsync();
            else if (roll < 92) AdvanceTime();
            else if (roll < 95) await RebalanceAsync();
            else await CheckSnapshotAsync();
            await FireTimersAsync();
        }
        await SettleAsync();

        var dbs = _replicas.Select(r => r.Database).ToList();
        foreach (var db in dbs) await InvariantChecks.CheckSnapshotAsync(db, _trail, _random);
        if (_intruder is { } intruder)
            foreach (var replica in Honest)
            {
                await intruder.CheckAsync(replica.Database, $"replica {replica.Index} (settled)");
                await CheckRevocationAsync(replica.Database, $"replica {replica.Index} (settled)");
            }
        await InvariantChecks.CheckConvergedAsync([.. Honest.Select(r => r.Database)], _trail);
        foreach (var replica in _replicas)
        {
            await CheckConstraintsAsync(replica, replica.Database.Position);
            await CheckConstraintsAsync(replica, _random.NextInt64(replica.Database.Position + 1));
        }
        var info = await dbs[0].InfoAsync();
        return new SimulationResult(_options.Seed, _options.Replicas, _options.Topology, _step, _writes, info.Commits, _trail.Transactions.Count,
            _network.Sent, _network.Dropped, _replicas.Sum(r => r.Crashes), _now - Epoch, await InvariantChecks.FingerprintAsync(dbs[0]), Counts(), _intruder?.Counts is { } counts ? counts with { RevocationRefusals = _revokedRefusals } : null, _replicas.Sum(r => r.PowerLosses));
    }

    /// <summary>The replicas that run the engine unmodified: all but the intruder of an owned run.</summary>
    private IEnumerable<SimulatedReplica> Honest => _replicas.Where(r => r.Index != _intruder?.Index);

    private bool IsIntruder(int replica) => replica == _intruder?.Index;

    private SimulatedReplica? _owner;
    private readonly Dictionary<int, Delegation> _delegations = [];
    private (int Replica, Delegation Grant, Cid? Commit) _revoked = (-1, null!, null);
    private long _revokedRefusals;

    /// <summary>Halfway through an owned run the owner revokes an honest delegate's delegation. Its writes
    /// made before it saw the revocation are concurrent with it and must stand everywhere (or honest
    /// sessions fail); once it has seen it, its own replica refuses its writes; and no honest ledger
    /// may hold a commit relying on the delegation with the revocation in its causal past
    /// (<see cref="CheckRevocationAsync"/>, judged from the ledger alone).</summary>
    private async Task RevokeAsync()
    {
        if (_owner is not { Up: true } owner || _revoked.Commit is not null || _writes < _options.Writes / 2) return;
        var delegate_ = Honest.Where(r => r != owner && _delegations.ContainsKey(r.Index)).OrderBy(r => r.Index).FirstOrDefault();
        if (delegate_ is null) return;
        var nonce = new byte[12];
        _random.NextBytes(nonce);   // from the seed, so the run replays
        var grant = _delegations[delegate_.Index];
        var result = await owner.Database.Capabilities.RevokeAsync(Revocation.Create(owner.Database.Replica.Identity.Key, owner.Did, [grant], nonce: nonce));
        _revoked = (delegate_.Index, grant, result.Commit);
        Trace($"the owner {owner.Index} revokes replica {delegate_.Index}'s delegation {grant.Cid} (commit {result.Commit})");
    }

    /// <summary>A write at the revoked delegate once it has seen the revocation: its own replica must refuse it.</summary>
    private async Task<bool> RevokedWriteAsync(SimulatedReplica replica)
    {
        if (replica.Index != _revoked.Replica || !replica.Database.Capabilities.IsRevoked(_revoked.Grant.Cid)) return false;
        try
        {
            await replica.Database.PutAsync(Intruder.ScopedCollection, Intruder.Prefix(replica.Index) + "revoked", Values.Value.Map([]));
        }
        catch (UcanException e) when (e.Error == UcanError.Revoked)
        {
            _revokedRefusals++;
            Trace($"write at {replica.Index} refused: its delegation was revoked");
            return true;
        }
        throw new CheckFailedException(FailureKind.Authority, $"replica {replica.Index} wrote with its delegation {_revoked.Grant.Cid} after it had applied its revocation {_revoked.Commit}.");
    }

    /// <summary>No commit in <paramref name="db"/> relies on the revoked delegation with the revocation in its
    /// causal past: positions follow causal order, so a commit has it in its past when it is the
    /// revocation or one of its parents has it.</summary>
    private async Task CheckRevocationAsync(Database db, string where)
    {
        if (_revoked.Commit is not { } revocation) return;
        var after = new HashSet<Cid>();
        await foreach (var change in db.ChangesAsync(0))
        {
            var commit = Commit.Decode(db.GetCommitBlock(change.Commit)!);
            if (change.Commit != revocation && !commit.Parents.Any(after.Contains)) continue;
            after.Add(change.Commit);
            if (commit.Capability is { } cap && cap.Proofs.Contains(_revoked.Grant.Cid))
                throw new CheckFailedException(FailureKind.Authority, $"{where} holds commit {change.Commit} (position {change.Position}) of {commit.Origin}, which relies on delegation {_revoked.Grant.Cid}, revoked in its causal past by {revocation}.");
        }
    }

    /// <summary>Makes the database owned by <paramref name="owner"/> on every replica before anything is
    /// written, and gives every other replica (the intruder too) a delegation from the owner: <c>/doc</c>
    /// under <see cref="Intruder.Policy"/> for its own prefix. The intruder also keeps a delegation it
    /// made up and another replica's, to forge with.</summary>
    private void Own(SimulatedReplica owner)
    {
        _owner = owner;
        var ownerKey = owner.Database.Replica.Identity.Key;
        // Not before the run starts, and a year long: the proofs are valid whenever a commit is made.
        var notBefore = DateTimeOffset.FromUnixTimeMilliseconds(Epoch).AddDays(-1);
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(Epoch).AddDays(365);
        var grants = new Dictionary<int, Delegation>();
        foreach (var replica in _replicas)
        {
            replica.Database.Capabilities.SetOwner(owner.Did);
            if (replica == owner) continue;
            var grant = Delegation.Create(ownerKey, replica.Did, owner.Did, "/doc", Intruder.Policy(Intruder.Prefix(replica.Index)), expires, notBefore, nonce: Nonce());
            replica.Database.Capabilities.UseProofs([grant]);
            grants[replica.Index] = grant;
            _delegations[replica.Index] = grant;
        }
        var intruder = _intruder!;
        var intruderReplica = _replicas[intruder.Index].Database.Replica;
        intruder.Grant = grants[intruder.Index];
        intruder.MadeUp = Delegation.Create(intruderReplica.Identity.Key, intruder.Did, owner.Did, "/", nonce: Nonce());
        intruder.Stolen = grants.Where(g => g.Key != intruder.Index).OrderBy(g => g.Key).First().Value;
        intruderReplica.Authority.Keep(intruder.MadeUp);
        intruderReplica.Authority.Keep(intruder.Stolen);
        Trace($"database owned by {owner.Index}; delegations to {string.Join(", ", grants.Keys.Order())}; the intruder is {intruder.Index}");

        byte[] Nonce()
        {
            var nonce = new byte[12];
            _random.NextBytes(nonce);
            return nonce;
        }
    }

    private ConstraintCounts Counts() => new(_constraints.Writes, _asks, _grants, _askRefusals, _relays + Live(r => r.Database.Reservations.Routing.Relayed), _timedOut + Live(r => r.Database.Reservations.Routing.TimedOut),
        _constraints.DecrementsRefused, _constraints.Count(WriteOutcome.InsufficientRights) - _constraints.DecrementsRefused,
        _constraints.Count(WriteOutcome.ConstraintViolation), _constraints.Count(WriteOutcome.SchemaViolation), _constraints.TicketsGiven, _constraints.WritesThatWaited, _rebalanceTransfers);

    /// <summary>One replica sets the schema before any session opens; the others get it by sync, and
    /// write to its collections only once they hold it.</summary>
    private async Task SetSchemaAsync(SimulatedReplica home)
    {
        _schema = new ConstraintSchema(_options.CounterMax, home.Did);
        _constraints = new ConstraintWorkload(_random, _schema, _options.Trace);
        var info = await home.Database.SetSchemaAsync(_schema.Schema);
        if (info.Schema.Home != home.Did) throw new CheckFailedException(FailureKind.Unexpected, $"the schema names {info.Schema.Home} its home, not replica {home.Index} that set it");
        _schemaCommit = info.Version.Commit ?? throw new CheckFailedException(FailureKind.Unexpected, "setting the schema made no commit");
        Trace($"schema set at {home.Index}{(_schema.Max is { } max ? $", counter max {max}" : "")}");
        // Handed out in advance: ranges of the unique names, dealt round-robin, and a block of
        // sequence ids to every replica, so replicas use them while partitioned.
        const string hex = "0123456789abcdef";
        foreach (var replica in _replicas.Where(r => r != home))
        {
            string shards = new([.. hex.Where((_, i) => i % _replicas.Count == replica.Index)]);
            if (shards.Length > 0) await home.Database.HandOutValueRangeAsync(ConstraintSchema.Handles, [ConstraintSchema.Name], shards, replica.Did);
        }
        foreach (var replica in _replicas)
            await home.Database.Stored.CommitSystemAsync(Schemas.SystemCollections.Sequences, ConstraintSchema.Tickets, new Documents.DocumentIntent.AllocateBlock(replica.Did, 5), CancellationToken.None);
        if (_options.Breakage == Breakage.WritesWithoutSchema)
        {
            // A replica the schema has not reached yet writes what it forbids.
            var rogue = _replicas[(home.Index + 1) % _replicas.Count].Database;
            await rogue.PutAsync(ConstraintSchema.Checked, ConstraintSchema.CheckedIds[0], Value.Map([new(ConstraintSchema.Lo, Value.Int(5)), new(ConstraintSchema.Hi, Value.Int(1))]));
            await rogue.PutAsync(ConstraintSchema.AddWinsChildren, ConstraintSchema.ChildIds[0], Value.Map([new(ConstraintSchema.Parent, Value.String("nobody"))]));
        }
    }

    /// <summary>The constraint checks on one replica at one position.</summary>
    private async Task CheckConstraintsAsync(SimulatedReplica replica, long position)
    {
        var db = replica.Database;
        string where = $"replica {replica.Index} at position {position}{(position == db.Position ? " (latest)" : $" of {db.Position}")}";
        await ConstraintChecks.CheckAsync(db, _schema, [.. _replicas.Select(r => r.Did)], position, where,
            _options.Breakage == Breakage.SpendWithoutRights ? SpendWithoutRights : null);
    }

    /// <summary>The breakage <see cref="Breakage.SpendWithoutRights"/>: the replica with the fewest rights spends one more than it holds.</summary>
    private BCounter SpendWithoutRights(BCounter counter)
    {
        var (did, held) = _replicas.Select(r => (r.Did, Held: _schema.Rights(counter, r.Did, BoundSide.Lower))).MinBy(r => r.Held);
        counter.Apply(new BCounterIncrement(did, -(long)(held + 1)));
        return counter;
    }

    /// <summary>Heals every partition, restarts every replica, reopens every session pair and stops
    /// faults; then rounds of delivering, pumping and advancing time until nothing moves.</summary>
    private async Task SettleAsync()
    {
        Trace("settle: heal everything");
        foreach (var replica in _replicas)
            if (!replica.Up) Restart(replica);
        foreach (var link in _network.Links)
        {
            link.Partitioned = false;
            if (_sessions[link.Index] is null) Open(link);
        }
        if (_options.Breakage == Breakage.LoseOneCommit)
        {
            // A commit nothing will depend on, which the network then loses forever.
            _lost = (await _replicas[0].Database.PutAsync("docs", "lost", Value.Map([new("lost", Value.True)]))).Commit;
        }
        if (_intruder is { } intruder)
        {
            // One more forgery, so every run sees every link of the intruder's refused.
            await intruder.WriteAsync(_replicas[intruder.Index].Database, _replicas.Count, forge: true, fresh: true);
            Trace($"intruder forged at settle: {intruder.Forged[^1]}");
        }
        for (int round = 0; !Quiescent(); round++)
        {
            _step++;
            if (round == MaxSettleRounds)
            {
                if (_intruder is not null)
                    foreach (var replica in Honest) await _intruder.CheckAsync(replica.Database, $"replica {replica.Index} (unsettled)");
                await InvariantChecks.CheckConvergedAsync([.. Honest.Select(r => r.Database)], _trail);
                throw new CheckFailedException(FailureKind.Quiescence, $"the replicas agree, but after {MaxSettleRounds} rounds {Unsettled()}");
            }
            while (await DeliverAsync()) { }
            var sides = _network.Links.SelectMany(l => new[] { (l, false), (l, true) }).ToArray();
            _random.Shuffle(sides);
            foreach (var (link, acceptor) in sides) await PumpAsync(link, acceptor);
            _now = Math.Max(_now + 1, _network.NextDueAt() ?? _now + Math.Max(1, (long)_options.Sync.RetransmitAfter.TotalMilliseconds / 2));
            await FireTimersAsync();
        }
        Trace($"settled at {_now - Epoch} ms");
    }

    /// <summary>Nothing on the wire, every session caught up and knowing its peer lacks nothing, every
    /// (honest) clock equal. In an owned run a session pair with the intruder may be closed instead (an
    /// honest replica ended it on a forged commit), and never settles while open: the intruder holds a
    /// forged commit its peer does not take.</summary>
    private bool Quiescent()
    {
        if (_network.InFlightCount > 0 || _constraints.Waiting.Count > 0) return false;
        foreach (var link in _network.Links)
        {
            var pair = _sessions[link.Index];
            if (pair is null && (IsIntruder(link.Initiator) || IsIntruder(link.Acceptor))) continue;
            if (pair is null || !Settled(pair.Initiator) || !Settled(pair.Acceptor)) return false;
        }
        var clock = _replicas[0].Database.Runtime.Record.Clock;
        return Honest.All(r => r.Database.Runtime.Record.Clock.Equals(clock));
    }

    private static bool Settled(SyncSession session) => session.CaughtUp && session.PeerLacks == 0 && session.Lacks == 0;

    private string Unsettled()
    {
        var stuck = _network.Links.Where(l => _sessions[l.Index] is not { } p || !Settled(p.Initiator) || !Settled(p.Acceptor))
            .Select(l => _sessions[l.Index] is { } p ? $"{l}: initiator {State(p.Initiator)}, acceptor {State(p.Acceptor)}" : $"{l}: closed");
        return $"{_network.InFlightCount} frames are in flight, and these sessions have not settled: {string.Join("; ", stuck)}";
        static string State(SyncSession s) => $"established {s.Established}, caught up {s.CaughtUp}, peer lacks {s.PeerLacks}, lacks {s.Lacks}";
    }

    // ---- events ----

    private async Task<bool> DeliverAsync()
    {
        if (!_network.TryTakeDue(_now, out var link, out var wire)) return false;
        if (_sessions[link.Index] is not { } pair || link.Partitioned)
        {
            Trace($"lost on {link}");
            return true;
        }
        var session = pair.Side(wire.ToAcceptor);
        int to = wire.ToAcceptor ? link.Acceptor : link.Initiator;
        int from = wire.ToAcceptor ? link.Initiator : link.Acceptor;
        long position = _replicas[to].Database.Position;
        SyncFrame? frame = null;
        try
        {
            frame = SyncFrameCodec.Decode(wire.Bytes);
            if (_lost is { } lost && frame is CommitsFrame commits)
                frame = new CommitsFrame([.. commits.Commits.Where(c => Commit.Decode(c.Block).Id != lost)]);
            Trace($"deliver {Describe(frame)} on {link} to {to}");
            var db = _replicas[to].Database;
            var receiving = session.ReceiveAsync(frame, _now);
            Send(link, !wire.ToAcceptor, await Finished(receiving, $"replica {to} receiving {Describe(frame)} on {link}"));
        }
        catch (CausewayException e) when (IsIntruder(from))
        {
            await RefuseIntruderAsync(link, pair, intruderSide: !wire.ToAcceptor, e, $"{(frame is null ? "a frame" : Describe(frame))} from the intruder", position);
        }
        catch (CausewayException e)
        {
            throw new CheckFailedException(FailureKind.Session, $"replica {to} refused {(frame is null ? "a frame" : Describe(frame))} on {link}: {e.Message}", e);
        }
        await QuietAsync();
        return true;
    }

    private async Task PumpAsync(SimulatedLink link, bool acceptorSide)
    {
        if (_sessions[link.Index] is not { } pair) return;
        IReadOnlyList<SyncFrame> frames;
        int peer = acceptorSide ? link.Initiator : link.Acceptor;
        long position = _replicas[acceptorSide ? link.Acceptor : link.Initiator].Database.Position;
        try { frames = await Finished(pair.Side(acceptorSide).PumpAsync(_now), $"replica {(acceptorSide ? link.Acceptor : link.Initiator)} pumping {link}"); }
        catch (CausewayException e) when (IsIntruder(peer))
        {
            // Pumping applies commits that waited for their parents: the intruder's among them.
            await RefuseIntruderAsync(link, pair, intruderSide: !acceptorSide, e, "the intruder's waiting commits", position);
            await QuietAsync();
            return;
        }
        catch (CausewayException e)
        {
            throw new CheckFailedException(FailureKind.Session, $"replica {(acceptorSide ? link.Acceptor : link.Initiator)} failed to pump {link}: {e.Message}", e);
        }
        if (frames.Count > 0) Trace($"pump {link} at {(acceptorSide ? link.Acceptor : link.Initiator)}: {string.Join(", ", frames.Select(Describe))}");
        Send(link, toAcceptor: !acceptorSide, frames);
        await QuietAsync();
    }

    /// <summary>A write on a random replica: to the schema's collections (not counted in
    /// <see cref="SimulationOptions.Writes"/>, so the schemaless workload keeps its size) or to the
    /// schemaless ones and the audit trail.</summary>
    private async Task WriteAsync()
    {
        await RevokeAsync();
        if (UpReplica() is not { } replica)
        {
            _writes++;
            return;
        }
        if (await RevokedWriteAsync(replica))
        {
            _writes++;
            return;
        }
        var db = replica.Database;
        if (_intruder is { } intruder && replica.Index == intruder.Index)
        {
            _writes++;
            var forged = await intruder.WriteAsync(db, _replicas.Count, forge: _random.Next(100) < Intruder.ForgePercent);
            Trace($"write at {replica.Index} (the intruder): {(forged is null ? "refused" : $"position {db.Position}")}");
            await QuietAsync();
            return;
        }
        bool constrained = db.HasCommit(_schemaCommit) && _random.Next(100) < _options.ConstraintPercent;
        if (!constrained) _writes++;
        var commit = constrained ? await _constraints.WriteAsync(db, replica.Index) : await _workload.WriteAsync(db, replica.Index);
        Trace($"write at {replica.Index}: {(commit is null ? "refused" : $"position {replica.Database.Position}")}");
        await QuietAsync();
    }

    private long _rebalanceTransfers;

    /// <summary>One round of proactive rebalancing on a random replica, as its timer would run it
    /// (the timer is off here: it runs on real time): rights move toward the replicas seen spending.</summary>
    private async Task RebalanceAsync()
    {
        if (UpReplica() is not { } replica) return;
        int transfers = await Finished(replica.Database.Reservations.RebalanceAsync(), $"rebalancing at replica {replica.Index}");
        _rebalanceTransfers += transfers;
        Trace($"rebalance at {replica.Index}: {transfers} transfers");
        await QuietAsync();
    }

    private async Task CheckSnapshotAsync()
    {
        if (UpReplica() is not { } replica) return;
        Trace($"check a snapshot at {replica.Index}");
        await InvariantChecks.CheckSnapshotAsync(replica.Database, _trail, _random, torn: _options.Breakage == Breakage.TornReads);
        if (_intruder is { } intruder && replica.Index != intruder.Index) await intruder.CheckAsync(replica.Database, $"replica {replica.Index} at step {_step}");
        long latest = replica.Database.Position;
        await CheckConstraintsAsync(replica, _random.Next(2) == 0 ? latest : _random.NextInt64(latest + 1));
    }

    /// <summary>An honest replica refused what the intruder sent on <paramref name="link"/>: it must be
    /// invalid_commit, and leave the honest replica where it was. Its driver then sends the error and
    /// ends the session, as <see cref="SyncConnection"/> does; the intruder's side takes the error
    /// and ends too.</summary>
    private async Task RefuseIntruderAsync(SimulatedLink link, SessionPair pair, bool intruderSide, CausewayException refusal, string what, long position)
    {
        var intruder = _intruder!;
        int honest = intruderSide ? link.Initiator : link.Acceptor;
        var db = _replicas[honest].Database;
        if (refusal is not InvalidCommitException)
            throw new CheckFailedException(FailureKind.Session, $"replica {honest} ended its session with the intruder on {link} over {what} with {refusal.Code}, not {ErrorCodes.InvalidCommit}: {refusal.Message}", refusal);
        if (db.Position != position)
            throw new CheckFailedException(FailureKind.Session, $"replica {honest} refused {what} on {link} but moved from position {position} to {db.Position}: {refusal.Message}", refusal);
        intruder.Refusals++;
        Trace($"replica {honest} refuses {what} on {link}: {refusal.Message}");
        try
        {
            await pair.Side(intruderSide).ReceiveAsync(new ErrorFrame(refusal.Code, refusal.Message), _now);
            throw new CheckFailedException(FailureKind.Session, $"the intruder's side of {link} took the error frame and went on");
        }
        catch (CausewayException ended) when (ended.Code == ErrorCodes.InvalidCommit) { }
        Close(link);
        await intruder.CheckAsync(db, $"replica {honest} after refusing {what}");
    }

    /// <summary>Fires the replicas' timers that virtual time has passed, one at a time, each followed by
    /// the engine work it started (a relay giving up, a rebalancing round), so the order replays.</summary>
    private async Task FireTimersAsync()
    {
        while (_timers.FireNext())
        {
            _firedTimers++;
            await QuietAsync();
        }
    }

    private long _firedTimers;

    private void AdvanceTime()
    {
        long? due = _network.NextDueAt();
        int roll = _random.Next(10);
        if (roll < 6 && due > _now) _now = due.Value;
        else if (roll < 9) _now += 1 + _random.Next(100);
        else _now += (long)_options.Sync.RetransmitAfter.TotalMilliseconds + _random.Next(100);
        Trace($"time {_now - Epoch}");
    }

    /// <summary>Toggles one thing: a link's partition, a session pair, or a replica (crash or restart).</summary>
    private async Task FaultAsync()
    {
        var link = _network.Links[_random.Next(_network.Links.Count)];
        switch (_random.Next(3))
        {
            case 0:
                link.Partitioned = !link.Partitioned;
                Trace($"{(link.Partitioned ? "partition" : "heal")} {link}");
                break;
            case 1:
                if (_sessions[link.Index] is not null) Close(link);
                else if (_replicas[link.Initiator].Up && _replicas[link.Acceptor].Up) Open(link);
                break;
            default:
                var replica = _replicas[_random.Next(_replicas.Count)];
                if (!replica.Up) Restart(replica);
                else
                {
                    await CrashAsync(replica);
                    if (_random.Next(3) == 0) Restart(replica);
                }
                break;
        }
        await QuietAsync();
    }

    // ---- sessions, replicas ----

    private void Open(SimulatedLink link)
    {
        var initiator = _replicas[link.Initiator].Database.OpenSession(SyncRole.Initiator, sends: true, wants: true, _options.Sync);
        var acceptor = _replicas[link.Acceptor].Database.OpenSession(SyncRole.Acceptor, sends: false, wants: false, _options.Sync, SyncPermission.All);
        _sessions[link.Index] = new SessionPair(initiator, acceptor);
        Trace($"open {link}");
        Send(link, toAcceptor: true, initiator.Open(_now));
    }

    /// <summary>Both sessions of the pair end: neither replica asks the other for anything any more.</summary>
    private void Close(SimulatedLink link)
    {
        if (_sessions[link.Index] is { } pair)
        {
            pair.Initiator.Close();
            pair.Acceptor.Close();
        }
        _sessions[link.Index] = null;
        _network.Clear(link);
        Trace($"close {link}");
    }

    /// <summary>Its session pairs go, with what they had on the wire; the replica is disposed and nothing more.</summary>
    private async Task CrashAsync(SimulatedReplica replica)
    {
        foreach (var link in _network.Links)
            if (link.Touches(replica.Index) && _sessions[link.Index] is not null) Close(link);
        // Closing its sessions ended the asks it relayed; let what they started finish before it goes.
        await QuietAsync();
        bool powerLoss = _random.Next(2) == 0;
        Trace($"crash {replica.Index}{(powerLoss ? " (power loss)" : "")}");
        Retire(replica);
        _constraints?.Abandon(replica.Index);
        await replica.CrashAsync(powerLoss);
    }

    /// <summary>A new replica over the same store; it reconnects to every peer that is up.</summary>
    private void Restart(SimulatedReplica replica)
    {
        replica.Restart();
        Trace($"restart {replica.Index} at position {replica.Database.Position}");
        foreach (var link in _network.Links)
            if (link.Touches(replica.Index) && _sessions[link.Index] is null && _replicas[link.Initiator].Up && _replicas[link.Acceptor].Up) Open(link);
    }

    private SimulatedReplica? UpReplica()
    {
        var up = _replicas.Where(r => r.Up).ToList();
        return up.Count == 0 ? null : up[_random.Next(up.Count)];
    }

    private void Send(SimulatedLink link, bool toAcceptor, IReadOnlyList<SyncFrame> frames)
    {
        foreach (var frame in frames)
        {
            if (frame is AskFrame) _asks++;
            if (frame is AnswerFrame { Granted: > 0 }) _grants++;
            else if (frame is AnswerFrame) _askRefusals++;
            _network.Send(link, toAcceptor, SyncFrameCodec.Encode(frame, _scratch), _now);
        }
    }

    private void Trace(string line) => _options.Trace?.Invoke($"[{_step}] {line}");

    private static string Describe(SyncFrame frame) => frame switch
    {
        CommitsFrame c => $"commits×{c.Commits.Count}",
        AckFrame a => $"ack {a.Clock.Entries.Sum(e => e.Value)}",
        ReadyFrame r => $"ready {r.Clock.Entries.Sum(e => e.Value)}",
        ErrorFrame e => $"error {e.Code}",
        HelloFrame h => $"hello {Convert.ToHexStringLower(h.Nonce)}",
        AskFrame a => $"ask #{a.Id} {a.What.Side.ToString().ToLowerInvariant()} {a.What.Amount} of {a.What.Collection}/{a.What.Id}",
        AnswerFrame a => a.Granted > 0 ? $"answer #{a.Id} granted {a.Granted}" : $"answer #{a.Id} refused ({a.Code})",
        _ => frame.GetType().Name.Replace("Frame", "").ToLowerInvariant(),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
    }
}

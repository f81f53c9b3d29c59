using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Causeway.Telemetry;

/// <summary>The engine's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// "Causeway", and every instrument on them (docs/operations.md lists each: name, unit, tags).
/// Nothing is measured or allocated while nobody listens: recording sites check
/// <see cref="Instrument.Enabled"/> before timing, tags go in a <see cref="TagList"/> (a struct),
/// and <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> answers null without a listener.</summary>
public static class Instruments
{
    /// <summary>The name of the meter and of the activity source: what an exporter subscribes to.</summary>
    public const string Name = "Causeway";

    public static readonly Meter Meter = new(Name, "1.0");

    public static readonly ActivitySource Source = new(Name, "1.0");

    internal static readonly Counter<long> Commits = Meter.CreateCounter<long>("causeway.commits", "{commit}",
        "Commits made durable, local and synced (one per commit, counted when its group is written).");

    internal static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>("causeway.commit.group_size", "{commit}",
        "Commits written together in one durable batch (one fsync).");

    internal static readonly Histogram<double> FsyncDuration = Meter.CreateHistogram<double>("causeway.commit.fsync.duration", "s",
        "Time to write one group's batch durably (the store's write with fsync).");

    internal static readonly Histogram<double> SignDuration = Meter.CreateHistogram<double>("causeway.commit.sign.duration", "s",
        "Time to sign one local commit (Ed25519).");

    internal static readonly Histogram<double> CommitPhaseDuration = Meter.CreateHistogram<double>("causeway.commit.phase.duration", "s",
        "Time a local commit spends in one step of the commit pipeline (tag causeway.phase: prepare, encode, seal, stage), "
        + "or a group in one of its steps (records, fsync, publish); see docs/benchmarks.md, \"Where a commit's time goes\".");

    /// <summary>The steps <see cref="CommitPhaseDuration"/> tells apart.</summary>
    internal static class Phase
    {
        public const string Prepare = "prepare", Encode = "encode", Seal = "seal", Stage = "stage", Records = "records", Fsync = "fsync", Publish = "publish";
    }

    internal static readonly Counter<long> Reads = Meter.CreateCounter<long>("causeway.reads", "{read}",
        "Documents read by id through the API (get, history).");

    internal static readonly Counter<long> Queries = Meter.CreateCounter<long>("causeway.queries", "{query}",
        "Queries run (one per page asked for).");

    internal static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>("causeway.query.duration", "s",
        "Time to run one query page.");

    internal static readonly Counter<long> SyncSessions = Meter.CreateCounter<long>("causeway.sync.sessions", "{session}",
        "Sync sessions established (tag causeway.sync.role: initiator or acceptor).");

    internal static readonly Histogram<double> SyncVerifyDuration = Meter.CreateHistogram<double>("causeway.sync.verify.duration", "s",
        "Time to check one frame of a peer's commits (operation hashes, signatures, on all cores), ahead of applying it or on arrival.");

    internal static readonly Histogram<double> SyncApplyDuration = Meter.CreateHistogram<double>("causeway.sync.apply.duration", "s",
        "Time to apply the commits one frame made ready (one durable write for all of them).");

    internal static readonly Counter<long> RightsAsks = Meter.CreateCounter<long>("causeway.rights.asks", "{ask}",
        "Asks this replica sent its peers for rights, reservations or blocks (tag causeway.outcome: granted or refused).");

    internal static readonly Counter<long> RightsGrants = Meter.CreateCounter<long>("causeway.rights.grants", "{answer}",
        "Peers' asks this replica answered (tag causeway.outcome: granted or refused).");

    private static readonly ConcurrentDictionary<IObservedReplica, byte> Observed = new();

    static Instruments()
    {
        Meter.CreateObservableGauge("causeway.store.size", () => Each(r => r.StoreBytes()), "By",
            "Bytes the replica's store takes on disk (its files; 0 in memory).");
        Meter.CreateObservableGauge("causeway.sync.lag.commits", () => Each(r => r.LagCommits()), "{commit}",
            "Per sync session: commits the peer has that this replica lacks (tags causeway.database, causeway.peer).");
        Meter.CreateObservableGauge("causeway.sync.lag.seconds", () => Each(r => r.LagSeconds()), "s",
            "Per sync session: seconds since this replica last held everything the peer had (0 while caught up).");
    }

    /// <summary>When a timed step starts, or 0 when nobody listens to <paramref name="duration"/> (then
    /// nothing is timed). Durations are the one reading of the system's clock the engine makes outside
    /// <see cref="ReplicaOptions.Time"/>: they are only reported, never decide anything, so a replayed
    /// run behaves the same whatever they measure.</summary>
    internal static long Start(Histogram<double> duration) => duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the seconds since <paramref name="start"/> (from <see cref="Start"/>), if it timed anything.</summary>
    internal static void RecordSince(Histogram<double> duration, long start)
    {
        if (start != 0) duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>When a commit pipeline step starts, or 0 when nobody listens (<see cref="Start"/>).</summary>
    internal static long StartPhase() => CommitPhaseDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the step <paramref name="phase"/> (a <see cref="Phase"/> constant) as ended now,
    /// and answers when the next one starts (0 while nobody listens).</summary>
    internal static long EndPhase(string phase, long start)
    {
        if (start == 0) return 0;
        long now = Stopwatch.GetTimestamp();
        CommitPhaseDuration.Record(Stopwatch.GetElapsedTime(start, now).TotalSeconds, new KeyValuePair<string, object?>("causeway.phase", phase));
        return now;
    }

    internal static TagList Outcome(bool granted) => new() { { "causeway.outcome", granted ? "granted" : "refused" } };

    /// <summary>An open replica whose gauges are read at each collection, until it closes.</summary>
    internal static void Observe(IObservedReplica replica) => Observed[replica] = 0;

    internal static void Forget(IObservedReplica replica) => Observed.TryRemove(replica, out _);

    private static IEnumerable<Measurement<T>> Each<T>(Func<IObservedReplica, IEnumerable<Measurement<T>>> read) where T : struct
    {
        var all = new List<Measurement<T>>();
        foreach (var replica in Observed.Keys)
        {
            // A replica closing while it is read says nothing this time.
            try { all.AddRange(read(replica)); }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or IOException or Errors.CausewayException) { }
        }
        return all;
    }
}

/// <summary>What an open replica reports to the observable gauges.</summary>
internal interface IObservedReplica
{
    IEnumerable<Measurement<long>> StoreBytes();
    IEnumerable<Measurement<long>> LagCommits();
    IEnumerable<Measurement<double>> LagSeconds();
}

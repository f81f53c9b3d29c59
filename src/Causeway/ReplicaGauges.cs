using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Causeway;

/// <summary>What one open replica reports to the observable gauges: its store's size and, per sync
/// session, how far behind its peer it is.</summary>
internal sealed class ReplicaGauges(Replica replica) : Telemetry.IObservedReplica
{
    public IEnumerable<Measurement<long>> StoreBytes()
        => [new(replica.StoreBytes(), new TagList { { "causeway.replica", replica.Did } })];

    public IEnumerable<Measurement<long>> LagCommits()
        => Sessions().Select(s => new Measurement<long>(s.Status.Behind, Tags(s.Database, s.Status)));

    public IEnumerable<Measurement<double>> LagSeconds()
        => Sessions().Select(s => new Measurement<double>(s.LagSeconds, Tags(s.Database, s.Status)));

    private List<(string Database, Replication.PeerStatus Status, double LagSeconds)> Sessions()
    {
        var all = new List<(string, Replication.PeerStatus, double)>();
        foreach (var name in replica.ListDatabases())
            if (replica.TryGetDatabase(name) is { } db)
                foreach (var (status, lag) in db.Peers.Lags()) all.Add((name, status, lag));
        return all;
    }

    private static TagList Tags(string database, Replication.PeerStatus status)
        => new() { { "causeway.database", database }, { "causeway.peer", status.PeerDid ?? status.Remote }, { "causeway.session", status.Id } };
}

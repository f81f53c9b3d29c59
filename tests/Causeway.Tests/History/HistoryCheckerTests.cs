using Causeway.Simulator.History;

namespace Causeway.Tests.History;

/// <summary>The history checker on small histories written by hand: a consistent one passes, and
/// each anomaly it looks for, planted alone, is found and named.</summary>
public sealed class HistoryCheckerTests
{
    private static SnapshotRead Read(int client, int replica, params (string Key, string[] Txns)[] sets)
        => new(client, replica, sets.ToDictionary(s => s.Key, s => (IReadOnlySet<string>)s.Txns.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal));

    private static Append Add(int client, int replica, string txn, WriteEnd end, params string[] keys) => new(client, replica, txn, keys, end);

    /// <summary>Client 0 on replica 0 writes t1 to a and b; client 1 on replica 1 reads it, then writes
    /// t2 to b (so t2 depends on t1); the final reads agree.</summary>
    private static RecordedHistory Consistent(Func<SnapshotRead, SnapshotRead>? spoilRead = null, Func<IReadOnlyList<SnapshotRead>, IReadOnlyList<SnapshotRead>>? spoilFinal = null)
    {
        var client0 = new List<Operation> { Add(0, 0, "t1", WriteEnd.Ok, "a", "b"), Read(0, 0, ("a", ["t1"]), ("b", ["t1"])) };
        var seen = Read(1, 1, ("a", ["t1"]), ("b", ["t1"]));
        var client1 = new List<Operation> { Read(1, 1, ("a", []), ("b", [])), spoilRead?.Invoke(seen) ?? seen, Add(1, 1, "t2", WriteEnd.Ok, "b"), Add(1, 1, "t3", WriteEnd.Failed, "a") };
        IReadOnlyList<SnapshotRead> final = [Read(-1, 0, ("a", ["t1"]), ("b", ["t1", "t2"])), Read(-1, 1, ("a", ["t1"]), ("b", ["t1", "t2"]))];
        return new RecordedHistory([client0, client1], spoilFinal?.Invoke(final) ?? final);
    }

    [Fact]
    public void A_consistent_history_has_no_anomaly() => Assert.Empty(HistoryChecker.Check(Consistent()));

    [Fact]
    public void A_snapshot_that_sees_a_transaction_on_one_key_only_is_a_fractured_read()
    {
        var anomalies = HistoryChecker.Check(Consistent(spoilRead: r => Read(1, 1, ("a", ["t1"]), ("b", []))));
        Assert.Contains(anomalies, a => a.Kind == "fractured read" && a.Detail.Contains("t1"));
    }

    [Fact]
    public void Seeing_a_refused_transaction_is_an_aborted_read()
    {
        var anomalies = HistoryChecker.Check(Consistent(spoilRead: r => Read(1, 1, ("a", ["t1", "t3"]), ("b", ["t1"]))));
        Assert.Contains(anomalies, a => a.Kind == "aborted read" && a.Detail.Contains("t3"));
    }

    [Fact]
    public void Seeing_an_id_nobody_wrote_is_a_phantom()
    {
        var anomalies = HistoryChecker.Check(Consistent(spoilRead: r => Read(1, 1, ("a", ["t1", "t9"]), ("b", ["t1"]))));
        Assert.Contains(anomalies, a => a.Kind == "phantom" && a.Detail.Contains("t9"));
    }

    [Fact]
    public void A_read_that_forgets_what_the_client_saw_before_breaks_monotonic_reads()
    {
        var history = Consistent();
        var client1 = history.Clients[1].ToList();
        client1.Insert(2, Read(1, 1, ("a", []), ("b", [])));   // after seeing t1, sees nothing again
        var anomalies = HistoryChecker.Check(history with { Clients = [history.Clients[0], client1] });
        Assert.Contains(anomalies, a => a.Kind == "monotonic reads" && a.Detail.Contains("t1"));
    }

    [Fact]
    public void A_read_without_the_clients_own_acknowledged_write_breaks_read_your_writes()
    {
        var history = Consistent();
        var client0 = new List<Operation> { Add(0, 0, "t1", WriteEnd.Ok, "a", "b"), Read(0, 0, ("a", []), ("b", [])) };
        var anomalies = HistoryChecker.Check(history with { Clients = [client0, history.Clients[1]] });
        Assert.Contains(anomalies, a => a.Kind == "read your writes" && a.Detail.Contains("t1"));
    }

    [Fact]
    public void Seeing_a_transaction_without_what_its_client_had_seen_breaks_causal_order()
    {
        // Replica 0's final read has t2 (made after client 1 saw t1) but not t1, on a key t1 wrote.
        var anomalies = HistoryChecker.Check(Consistent(spoilFinal: f => [Read(-1, 0, ("a", []), ("b", ["t2"])), f[1]]));
        Assert.Contains(anomalies, a => a.Kind == "causal order" && a.Detail.Contains("t2") && a.Detail.Contains("t1"));
    }

    [Fact]
    public void Final_reads_that_differ_or_lack_an_acknowledged_write_are_divergence_and_lost_writes()
    {
        var anomalies = HistoryChecker.Check(Consistent(spoilFinal: f => [f[0], Read(-1, 1, ("a", ["t1"]), ("b", ["t1"]))]));
        Assert.Contains(anomalies, a => a.Kind == "divergence");
        Assert.Contains(anomalies, a => a.Kind == "lost write" && a.Detail.Contains("t2"));
    }
}

namespace Causeway.Simulator.History;

/// <summary>Checks a recorded history of set-append transactions and snapshot reads for what
/// transactional causal consistency promises, in the manner of Elle's set and list-append models
/// (sets here: the order of adds is not observable, their presence is):
/// <list type="bullet">
/// <item><b>aborted read</b> (Elle G1a): a refused transaction is seen.</item>
/// <item><b>phantom</b>: an id that no transaction wrote is seen.</item>
/// <item><b>fractured read</b> (read atomicity): a snapshot sees a transaction on some of its keys and not others.</item>
/// <item><b>read your writes</b>: a client's read lacks its own acknowledged write.</item>
/// <item><b>monotonic reads</b>: a client's read lacks something its earlier read saw (sets only grow).</item>
/// <item><b>causal order</b> (writes follow reads, monotonic writes): a read sees a transaction but
/// not one its client had seen or written before making it.</item>
/// <item><b>lost write</b> and <b>divergence</b>: after settling, a replica lacks an acknowledged write,
/// or two replicas read differently.</item>
/// </list></summary>
public static class HistoryChecker
{
    public static IReadOnlyList<Anomaly> Check(RecordedHistory history)
    {
        var anomalies = new List<Anomaly>();
        var writes = new Dictionary<string, Append>(StringComparer.Ordinal);
        foreach (var client in history.Clients)
            foreach (var append in client.OfType<Append>())
                if (!writes.TryAdd(append.Txn, append)) anomalies.Add(new("duplicate id", $"transaction {append.Txn} was written twice (the workload must make ids unique)"));

        // What each transaction's client had seen or written (acknowledged) before making it.
        var causes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var client in history.Clients)
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            SnapshotRead? previous = null;
            foreach (var op in client)
            {
                switch (op)
                {
                    case Append append:
                        causes[append.Txn] = [.. known];
                        if (append.End == WriteEnd.Ok) known.Add(append.Txn);
                        break;
                    case SnapshotRead read:
                        CheckRead(read, writes, anomalies);
                        foreach (var mine in known.Where(t => writes.TryGetValue(t, out var w) && w.Client == op.Client))
                            foreach (var key in writes[mine].Keys)
                                if (read.Sets.TryGetValue(key, out var set) && !set.Contains(mine))
                                    anomalies.Add(new("read your writes", $"client {op.Client} on replica {op.Replica} read {key} without its own acknowledged {mine}"));
                        if (previous is not null)
                            foreach (var (key, before) in previous.Sets)
                                if (read.Sets.TryGetValue(key, out var now) && before.FirstOrDefault(t => !now.Contains(t)) is { } gone)
                                    anomalies.Add(new("monotonic reads", $"client {op.Client} on replica {op.Replica} saw {gone} in {key}, then read {key} without it"));
                        foreach (var set in read.Sets.Values) known.UnionWith(set);
                        previous = read;
                        break;
                }
            }
        }

        // Causal order: whatever shows a transaction shows what its client knew when making it.
        foreach (var read in history.Clients.SelectMany(c => c.OfType<SnapshotRead>()).Concat(history.Final))
        {
            var seen = read.Sets.Values.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
            foreach (var txn in seen)
            {
                if (!causes.TryGetValue(txn, out var before)) continue;
                foreach (var cause in before)
                    if (writes.TryGetValue(cause, out var w) && w.Keys.Any(read.Sets.ContainsKey) && !seen.Contains(cause))
                    {
                        anomalies.Add(new("causal order", $"{Who(read)} saw {txn} but not {cause}, which client {writes[txn].Client} had seen or written before making {txn}"));
                        break;
                    }
            }
        }

        foreach (var read in history.Final) CheckRead(read, writes, anomalies);
        for (int i = 1; i < history.Final.Count; i++)
            foreach (var (key, set) in history.Final[0].Sets)
                if (!history.Final[i].Sets.TryGetValue(key, out var other) || !other.SetEquals(set))
                    anomalies.Add(new("divergence", $"after settling, replicas {history.Final[0].Replica} and {history.Final[i].Replica} read {key} differently"));
        foreach (var read in history.Final)
            foreach (var append in writes.Values.Where(w => w.End == WriteEnd.Ok))
                foreach (var key in append.Keys)
                    if (!read.Sets.TryGetValue(key, out var set) || !set.Contains(append.Txn))
                        anomalies.Add(new("lost write", $"after settling, replica {read.Replica} lacks the acknowledged {append.Txn} in {key}"));
        return anomalies;
    }

    private static void CheckRead(SnapshotRead read, Dictionary<string, Append> writes, List<Anomaly> anomalies)
    {
        var seen = read.Sets.SelectMany(e => e.Value.Select(t => (Key: e.Key, Txn: t))).GroupBy(e => e.Txn, StringComparer.Ordinal);
        foreach (var group in seen)
        {
            if (!writes.TryGetValue(group.Key, out var write))
            {
                anomalies.Add(new("phantom", $"{Who(read)} saw {group.Key}, which no transaction wrote"));
                continue;
            }
            if (write.End == WriteEnd.Failed)
                anomalies.Add(new("aborted read", $"{Who(read)} saw {write.Txn}, which was refused"));
            var at = group.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            var missing = write.Keys.Where(k => read.Sets.ContainsKey(k) && !at.Contains(k)).ToList();
            if (missing.Count > 0)
                anomalies.Add(new("fractured read", $"{Who(read)} saw {write.Txn} in {string.Join(", ", at.Order())} but not in {string.Join(", ", missing)}"));
        }
    }

    private static string Who(SnapshotRead read) => read.Client < 0 ? $"the final read of replica {read.Replica}" : $"client {read.Client}'s read on replica {read.Replica}";
}

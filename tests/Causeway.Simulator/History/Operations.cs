namespace Causeway.Simulator.History;

/// <summary>How a client's write ended: acknowledged, refused (definitely not applied), or unknown (a
/// timeout or a dropped connection: it may or may not have been applied).</summary>
public enum WriteEnd { Ok, Failed, Unknown }

/// <summary>One client operation, as the client saw it. <see cref="Client"/> numbers the client; a
/// client's operations are in the order it made them, one at a time, always on <see cref="Replica"/>.</summary>
public abstract record Operation(int Client, int Replica);

/// <summary>A transaction that adds its id <see cref="Txn"/> to the set of every key in <see cref="Keys"/>.</summary>
public sealed record Append(int Client, int Replica, string Txn, IReadOnlyList<string> Keys, WriteEnd End) : Operation(Client, Replica);

/// <summary>A read of every key in one snapshot: for each key, the transaction ids its set held.</summary>
public sealed record SnapshotRead(int Client, int Replica, IReadOnlyDictionary<string, IReadOnlySet<string>> Sets) : Operation(Client, Replica);

/// <summary>A run's record: every client's operations in its own order, and each replica's read once
/// the run had settled (no more writes, every replica caught up).</summary>
public sealed record RecordedHistory(IReadOnlyList<IReadOnlyList<Operation>> Clients, IReadOnlyList<SnapshotRead> Final)
{
    public int Operations => Clients.Sum(c => c.Count);
}

/// <summary>One violation the checker found, named as Elle names it where it has a name.</summary>
public sealed record Anomaly(string Kind, string Detail)
{
    public override string ToString() => $"{Kind}: {Detail}";
}

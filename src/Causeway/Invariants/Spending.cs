using System.Collections.Concurrent;
using Causeway.Crdt;

using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>One change of a bounded counter seen by this replica (its own or a peer's): which
/// replica spent how many rights, on which side. Rebalancing moves rights toward where they are spent.</summary>
internal readonly record struct Spend(string Collection, string Id, string Path, BoundSide Side, string Replica, long Amount);

/// <summary>The bounded-counter spending a database has seen and not yet weighed: filled by the commit
/// pipeline (cheaply, while staging), drained by <see cref="Reservations.RebalanceAsync"/>.</summary>
internal sealed class SpendLog
{
    private const int Capacity = 65_536;

    /// <summary>The log of one database (kept with its runtime).</summary>
    public static SpendLog Of(DatabaseRuntime database) => database.Extension<SpendLog>();

    private readonly ConcurrentQueue<Spend> _queue = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when something was logged since the last <see cref="Drain"/>.</summary>
    public Task Logged => _signal.Task;

    /// <summary>Logs the spending among one operation's effects. Counting only, so a bounded queue may drop.</summary>
    public void Observe(string collection, string id, IReadOnlyList<CrdtOp> effects, string origin)
    {
        foreach (var effect in effects)
        {
            if (effect is not MapOp { Inner: BCounterIncrement { By: not 0 } increment } map) continue;
            if (_queue.Count >= Capacity) return;
            var side = increment.By < 0 ? BoundSide.Lower : BoundSide.Upper;
            _queue.Enqueue(new Spend(collection, id, string.Join('.', map.Path), side, origin, increment.By < 0 ? -increment.By : increment.By));
            _signal.TrySetResult();
        }
    }

    public List<Spend> Drain()
    {
        if (_signal.Task.IsCompleted) _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var spends = new List<Spend>();
        while (_queue.TryDequeue(out var spend)) spends.Add(spend);
        return spends;
    }
}

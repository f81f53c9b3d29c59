namespace Causeway.Bench;

/// <summary>What the process's garbage collector did since a point: bytes allocated, collections of
/// each generation, and the time it paused the program. Every server a benchmark hosts shares it.</summary>
internal sealed class CollectorWork
{
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: true);
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    private CollectorWork() { }

    public static CollectorWork Start() => new();

    public long AllocatedSince => GC.GetTotalAllocatedBytes(precise: true) - _allocated;

    /// <summary>"GCs gen0/1/2 a/b/c, paused N ms" since the start.</summary>
    public override string ToString()
        => $"GCs gen0/1/2 {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]}, "
            + $"paused {(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:N0} ms";
}

namespace Causeway.Schemas;

/// <summary>The allocating side of the <c>"sequence"</c> id scheme: hands out consecutive,
/// never-overlapping blocks of numbers starting at 1. Persist <see cref="NextBlockStart"/> and
/// resume from it, or blocks would be handed out twice. Thread-safe.</summary>
public sealed class SequenceAllocator
{
    private readonly Lock _lock = new();
    private long _nextBlockStart;

    public SequenceAllocator(long nextBlockStart = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextBlockStart, 1);
        _nextBlockStart = nextBlockStart;
    }

    /// <summary>Where the next block will start.</summary>
    public long NextBlockStart
    {
        get { lock (_lock) return _nextBlockStart; }
    }

    public (long Start, long Size) Allocate(long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        lock (_lock)
        {
            // Blocks end at long.MaxValue at most (exclusive), as SequenceBlocks.Grant requires.
            if (size > long.MaxValue - _nextBlockStart)
                throw new InvalidOperationException($"A block of {size} numbers from {_nextBlockStart} would pass the largest sequence number.");
            long start = _nextBlockStart;
            _nextBlockStart += size;
            return (start, size);
        }
    }
}

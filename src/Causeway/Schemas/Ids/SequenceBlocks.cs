namespace Causeway.Schemas;

/// <summary>The replica side of the <c>"sequence"</c> id scheme: dense integers handed out in
/// blocks by a <see cref="SequenceAllocator"/>. Holds the granted blocks and the highest number
/// used, and gives the smallest granted number above it, so numbers come out ascending and dense
/// within a block. A block granted below numbers already used is skipped up to them: ascending
/// wins over density. Pure bookkeeping; the owner persists grants and the documents. Thread-safe.</summary>
public sealed class SequenceBlocks
{
    private readonly List<(long Start, long End)> _blocks = []; // sorted, disjoint, not touching; End exclusive
    private readonly Lock _lock = new();
    private long _highestUsed; // 0: none, as numbers start at 1

    /// <summary>The highest number given or marked used; 0 when none.</summary>
    public long HighestUsed
    {
        get { lock (_lock) return _highestUsed; }
    }

    /// <summary>The granted numbers as blocks, ascending; overlapping and adjacent grants merged.</summary>
    public IReadOnlyList<(long Start, long Size)> Blocks
    {
        get { lock (_lock) return _blocks.Select(b => (b.Start, b.End - b.Start)).ToArray(); }
    }

    /// <summary>How many numbers <see cref="TryNext"/> can still give.</summary>
    public long Remaining
    {
        get
        {
            lock (_lock) return _blocks.Sum(b => b.End - FirstFree(b));
        }
    }

    /// <summary>Adds [start, start+size) to the granted numbers. Grants may arrive in any order and
    /// more than once: the granted set is their union, so a repeat changes nothing.</summary>
    public void Grant(long start, long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(start, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, long.MaxValue - start);
        long end = start + size;
        lock (_lock)
        {
            int i = 0;
            while (i < _blocks.Count && _blocks[i].End < start) i++;
            // Absorb every block the grant overlaps or touches, keeping the list disjoint.
            while (i < _blocks.Count && _blocks[i].Start <= end)
            {
                (start, end) = (Math.Min(start, _blocks[i].Start), Math.Max(end, _blocks[i].End));
                _blocks.RemoveAt(i);
            }
            _blocks.Insert(i, (start, end));
        }
    }

    /// <summary>The next unused granted number, or false when the blocks are spent (ask for more).</summary>
    public bool TryNext(out long value)
    {
        lock (_lock)
        {
            foreach (var block in _blocks)
            {
                long next = FirstFree(block);
                if (next < block.End)
                {
                    value = _highestUsed = next;
                    return true;
                }
            }
        }
        value = 0;
        return false;
    }

    /// <summary>Records that <paramref name="value"/> is taken, as when restoring from stored
    /// documents after a restart: it and every number below it count as used.</summary>
    public void MarkUsed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        lock (_lock) _highestUsed = Math.Max(_highestUsed, value);
    }

    /// <summary>The block's first number above the highest used, or its End when none is left.
    /// Compares before adding, so a highest used of long.MaxValue cannot overflow.</summary>
    private long FirstFree((long Start, long End) block) =>
        _highestUsed < block.End - 1 ? Math.Max(block.Start, _highestUsed + 1) : block.End;
}

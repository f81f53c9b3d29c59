namespace Causeway.Quotas;

/// <summary>A sliding window of one second over the writes a database admitted: the times of the last
/// N (N the quota), so a write is admitted only while fewer than N were admitted in the second
/// before it. Times are the replica's <see cref="TimeProvider"/> timestamps (monotonic), never the
/// system clock's.</summary>
internal sealed class WriteWindow
{
    private readonly Lock _lock = new();
    private long[] _times = [];
    private int _oldest, _count;

    /// <summary>Starts over with room for <paramref name="limit"/> writes a second (none: no limit).</summary>
    public void Resize(long? limit)
    {
        lock (_lock)
        {
            _times = limit is { } n ? new long[n] : [];
            _oldest = _count = 0;
        }
    }

    /// <summary>Admits a write now (null), or answers how long until one would be admitted.</summary>
    public TimeSpan? TryAdmit(TimeProvider time)
    {
        lock (_lock)
        {
            int capacity = _times.Length;
            if (capacity == 0) return null;
            long now = time.GetTimestamp(), second = time.TimestampFrequency;
            while (_count > 0 && now - _times[_oldest] >= second)
            {
                _oldest = (_oldest + 1) % capacity;
                _count--;
            }
            if (_count < capacity)
            {
                _times[(_oldest + _count) % capacity] = now;
                _count++;
                return null;
            }
            return TimeSpan.FromSeconds((double)(_times[_oldest] + second - now) / second);
        }
    }
}

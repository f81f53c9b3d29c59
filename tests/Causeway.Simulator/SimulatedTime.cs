namespace Causeway.Simulator;

/// <summary>A replica's time in the simulation: the run's virtual time plus the replica's fixed skew
/// as its wall clock, and virtual milliseconds as its elapsed time. Its timers are virtual too
/// (<see cref="VirtualTimers"/>): they fire when the run moves time past them, one at a time, so a
/// relay's timeout or the rebalancing interval replays with the seed.</summary>
public sealed class SimulatedTime(Func<long> now, long skew, VirtualTimers timers, int owner) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(now() + skew);

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => now();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => timers.Create(owner, callback, state, dueTime, period);
}

/// <summary>Every timer of a run's replicas, on virtual time. <see cref="FireNext"/> runs the earliest
/// one that is due (by due time, then replica, then the order they were made in), so firing never
/// depends on thread timing; the run waits for the work it started before firing the next.</summary>
public sealed class VirtualTimers(Func<long> now)
{
    private readonly Lock _lock = new();
    private readonly List<VirtualTimer> _armed = [];
    private long _made;

    public int Armed { get { lock (_lock) return _armed.Count; } }

    /// <summary>The virtual time of the earliest armed timer, if any.</summary>
    public long? NextDue
    {
        get { lock (_lock) return _armed.Count == 0 ? null : _armed.Min(t => t.Due); }
    }

    internal ITimer Create(int owner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            var timer = new VirtualTimer(this, owner, ++_made, callback, state);
            Arm(timer, dueTime, period);
            return timer;
        }
    }

    /// <summary>Fires the earliest timer due at the current virtual time; false when none is.</summary>
    public bool FireNext()
    {
        VirtualTimer? due;
        lock (_lock)
        {
            long at = now();
            due = null;
            foreach (var t in _armed)
                if (t.Due <= at && (due is null || (t.Due, t.Owner, t.Made).CompareTo((due.Due, due.Owner, due.Made)) < 0)) due = t;
            if (due is null) return false;
            _armed.Remove(due);
            if (due.Period is { } period) { due.Due += Math.Max(1, (long)period.TotalMilliseconds); _armed.Add(due); }
        }
        due.Callback(due.State);
        return true;
    }

    private void Arm(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        _armed.Remove(timer);
        if (dueTime == Timeout.InfiniteTimeSpan) return;
        timer.Due = now() + Math.Max(0, (long)Math.Ceiling(dueTime.TotalMilliseconds));
        timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
        _armed.Add(timer);
    }

    private sealed class VirtualTimer(VirtualTimers timers, int owner, long made, TimerCallback callback, object? state) : ITimer
    {
        public int Owner { get; } = owner;
        public long Made { get; } = made;
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public long Due { get; set; }
        public TimeSpan? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (timers._lock) timers.Arm(this, dueTime, period);
            return true;
        }

        public void Dispose()
        {
            lock (timers._lock) timers._armed.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

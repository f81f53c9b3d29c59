namespace Causeway.Models;

/// <summary>A counter field (<c>counter</c>): increments from every replica add up. A session writes
/// what this instance was incremented by since it was loaded, never the total, so concurrent
/// increments elsewhere are kept.</summary>
public class Counter
{
    private long _loaded;
    private long _pending;

    public Counter() { }

    /// <summary>A counter of a new document that starts at <paramref name="initial"/> (written as an increment).</summary>
    public Counter(long initial) => _pending = initial;

    /// <summary>The value as loaded plus this instance's own increments.</summary>
    public long Value => _loaded + _pending;

    /// <summary>What this instance adds when the session saves.</summary>
    public long Pending => _pending;

    public void Increment(long by = 1) => _pending = checked(_pending + by);

    public void Decrement(long by = 1) => Increment(checked(-by));

    internal void Load(long value)
    {
        _loaded = value;
        _pending = 0;
    }

    internal void Accept()
    {
        _loaded += _pending;
        _pending = 0;
    }

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A bounded counter (<c>bcounter</c>): its <see cref="BoundsAttribute"/> hold on every replica,
/// under partitions too; a change past a bound is constraint_violation, one short of this replica's
/// rights insufficient_rights (docs/invariants.md, Bounded counters).</summary>
public sealed class BoundedCounter : Counter
{
    public BoundedCounter() { }

    public BoundedCounter(long initial) : base(initial) { }
}

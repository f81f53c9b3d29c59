using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>Per-replica counter totals (P = sum of increments, N = sum of decrements'
/// magnitudes): the part <see cref="PnCounter"/> and <see cref="BCounter"/> share. Zero totals
/// are never stored, so equal contents mean equal tables. Merge = pointwise max.
/// Mutable; not thread-safe.</summary>
internal sealed class ReplicaTotalsTable
{
    private struct Pn
    {
        public long P;
        public long N;
    }

    private readonly Dictionary<string, Pn> _map;

    public ReplicaTotalsTable() => _map = new(StringComparer.Ordinal);

    private ReplicaTotalsTable(Dictionary<string, Pn> map) => _map = map;

    public int Count => _map.Count;

    /// <summary>Σ(P − N), exact.</summary>
    public Int128 Sum
    {
        get
        {
            Int128 sum = 0;
            foreach (var (_, t) in _map) sum += (Int128)t.P - t.N;
            return sum;
        }
    }

    /// <summary>The totals of <paramref name="replica"/> (zero when it has none).</summary>
    public ReplicaTotals Get(string replica) =>
        _map.TryGetValue(replica, out var t) ? new(replica, t.P, t.N) : new(replica, 0, 0);

    /// <summary>Whether some replica's totals exceed its totals in <paramref name="floor"/>.</summary>
    public bool AnyAbove(ReplicaTotalsTable floor)
    {
        foreach (var (replica, t) in _map)
        {
            floor._map.TryGetValue(replica, out var f);
            if (t.P > f.P || t.N > f.N) return true;
        }
        return false;
    }

    /// <summary>Throws <see cref="InvalidInputException"/> (invalid_value) if adding
    /// <paramref name="by"/> to <paramref name="replica"/>'s totals, or to a counter whose value is
    /// <paramref name="value"/>, would leave the 64-bit range.</summary>
    public void CheckIncrement(string replica, long by, Int128 value)
    {
        ArgumentNullException.ThrowIfNull(replica);
        _map.TryGetValue(replica, out var t);
        var next = value + by;
        bool overflow = by == long.MinValue
            || next > long.MaxValue || next < long.MinValue
            || (by > 0 && t.P > long.MaxValue - by)
            || (by < 0 && t.N > long.MaxValue + by);
        if (overflow)
            throw new InvalidInputException(ErrorCodes.InvalidValue,
                $"Incrementing the counter (value {value}) by {by} overflows a 64-bit integer.");
    }

    /// <summary>Adds <paramref name="by"/> to <paramref name="replica"/>'s totals (P when
    /// positive, N when negative); throws before changing anything if they would overflow.</summary>
    public void Add(string replica, long by)
    {
        if (by == 0) return;
        if (by == long.MinValue) throw Overflow(replica);
        ref var t = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, replica, out _);
        if (by > 0)
        {
            long p = t.P + by;
            if (p < 0) throw Overflow(replica);
            t.P = p;
        }
        else
        {
            long n = t.N - by;
            if (n < 0) throw Overflow(replica);
            t.N = n;
        }
    }

    /// <summary>Raises <paramref name="t"/>'s replica to at least its totals.</summary>
    public void MaxInto(ReplicaTotals t)
    {
        ArgumentNullException.ThrowIfNull(t.Replica);
        if (t.P < 0 || t.N < 0) throw new ArgumentOutOfRangeException(nameof(t), "Counter totals are never negative.");
        if (t.P == 0 && t.N == 0) return; // zero totals are the same as none and are never stored
        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, t.Replica, out _);
        if (t.P > e.P) e.P = t.P;
        if (t.N > e.N) e.N = t.N;
    }

    public void Merge(ReplicaTotalsTable other)
    {
        foreach (var (replica, t) in other._map) MaxInto(new(replica, t.P, t.N));
    }

    /// <summary>Every replica's totals, sorted by replica.</summary>
    public ImmutableArray<ReplicaTotals> Sorted()
    {
        if (_map.Count == 0) return [];
        var result = new ReplicaTotals[_map.Count];
        int i = 0;
        foreach (var (replica, t) in _map) result[i++] = new(replica, t.P, t.N);
        Array.Sort(result, (a, b) => string.CompareOrdinal(a.Replica, b.Replica));
        return ImmutableArray.Create(result);
    }

    public ReplicaTotalsTable Clone() => new(new Dictionary<string, Pn>(_map, StringComparer.Ordinal));

    public bool SameAs(ReplicaTotalsTable other)
    {
        if (_map.Count != other._map.Count) return false;
        foreach (var (replica, t) in _map)
            if (!other._map.TryGetValue(replica, out var u) || u.P != t.P || u.N != t.N) return false;
        return true;
    }

    /// <summary><paramref name="value"/> clamped to the 64-bit range.</summary>
    public static long Clamp(Int128 value) =>
        value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;

    private static InvalidInputException Overflow(string replica) =>
        new(ErrorCodes.InvalidValue, $"Counter totals of replica '{replica}' overflow a 64-bit integer.");
}

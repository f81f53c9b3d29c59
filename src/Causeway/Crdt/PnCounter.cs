using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>A PN-counter with an observed-reset. State: per replica the totals (P = sum of its
/// increments, N = sum of its decrements' magnitudes), and per replica a reset base. A reset
/// raises the base to the totals its writer observed, so increments it had not seen survive.
/// Value = Σ(P − N) − Σ(baseP − baseN). Merge = pointwise max of both maps.
/// Mutable; not thread-safe.</summary>
public sealed class PnCounter : IEquatable<PnCounter>
{
    private struct Pn
    {
        public long P;
        public long N;
    }

    private readonly Dictionary<string, Pn> _totals;
    private readonly Dictionary<string, Pn> _base;

    public PnCounter() : this(new(StringComparer.Ordinal), new(StringComparer.Ordinal)) { }

    private PnCounter(Dictionary<string, Pn> totals, Dictionary<string, Pn> @base)
    {
        _totals = totals;
        _base = @base;
    }

    /// <summary>Rebuilds a state from its parts (for decoding); a repeated replica keeps the maximum.</summary>
    public static PnCounter FromParts(IEnumerable<ReplicaTotals> totals, IEnumerable<ReplicaTotals> resetBase)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(resetBase);
        var counter = new PnCounter();
        foreach (var t in totals) MaxInto(counter._totals, t);
        foreach (var t in resetBase) MaxInto(counter._base, t);
        return counter;
    }

    /// <summary>Every replica's totals, sorted by replica.</summary>
    public IReadOnlyList<ReplicaTotals> Totals => Sorted(_totals);

    /// <summary>Every replica's reset base, sorted by replica.</summary>
    public IReadOnlyList<ReplicaTotals> ResetBase => Sorted(_base);

    /// <summary>The exact value (it can leave the 64-bit range only through concurrent increments).</summary>
    public Int128 ExactValue
    {
        get
        {
            Int128 sum = 0;
            foreach (var (_, t) in _totals) sum += (Int128)t.P - t.N;
            foreach (var (_, b) in _base) sum -= (Int128)b.P - b.N;
            return sum;
        }
    }

    /// <summary>The value, clamped to the 64-bit range (see <see cref="ExactValue"/>).</summary>
    public long Value
    {
        get
        {
            var v = ExactValue;
            return v > long.MaxValue ? long.MaxValue : v < long.MinValue ? long.MinValue : (long)v;
        }
    }

    /// <summary>Whether some replica's totals exceed its reset base (false when never
    /// incremented or everything was reset).</summary>
    public bool IsPresent
    {
        get
        {
            foreach (var (replica, t) in _totals)
            {
                _base.TryGetValue(replica, out var b);
                if (t.P > b.P || t.N > b.N) return true;
            }
            return false;
        }
    }

    /// <summary>An increment by <paramref name="by"/> (negative = decrement) from
    /// <paramref name="replica"/> (the writer's replica). Throws <see cref="InvalidInputException"/>
    /// (invalid_value) if the replica's totals or the counter's value would overflow 64 bits.
    /// An increment by 0 changes nothing (it does not make an unset counter present).</summary>
    public CounterIncrement PrepareIncrement(string replica, long by)
    {
        ArgumentNullException.ThrowIfNull(replica);
        _totals.TryGetValue(replica, out var t);
        var value = ExactValue + by;
        bool overflow = by == long.MinValue
            || value > long.MaxValue || value < long.MinValue
            || (by > 0 && t.P > long.MaxValue - by)
            || (by < 0 && t.N > long.MaxValue + by);
        if (overflow)
            throw new InvalidInputException(ErrorCodes.InvalidValue,
                $"Incrementing the counter (value {ExactValue}) by {by} overflows a 64-bit integer.");
        return new(replica, by);
    }

    /// <summary>A reset (unset) of everything observed so far.</summary>
    public CounterReset PrepareReset() => new([.. Sorted(_totals)]);

    public void Apply(CounterIncrement op)
    {
        long by = op.By;
        if (by == 0) return;
        if (by == long.MinValue) throw Overflow(op.Replica);
        ref var t = ref CollectionsMarshal.GetValueRefOrAddDefault(_totals, op.Replica, out _);
        if (by > 0)
        {
            long p = t.P + by;
            if (p < 0) throw Overflow(op.Replica);
            t.P = p;
        }
        else
        {
            long n = t.N - by;
            if (n < 0) throw Overflow(op.Replica);
            t.N = n;
        }
    }

    public void Apply(CounterReset op)
    {
        foreach (var t in op.Observed.AsSpan()) MaxInto(_base, t);
    }

    public void Apply(CrdtOp op)
    {
        switch (op)
        {
            case CounterIncrement i: Apply(i); break;
            case CounterReset r: Apply(r); break;
            default: throw CrdtErrors.WrongOp("counter", op);
        }
    }

    /// <summary>Pointwise max of totals and of reset bases.</summary>
    public void Merge(PnCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        foreach (var (replica, t) in other._totals) MaxInto(_totals, new(replica, t.P, t.N));
        foreach (var (replica, b) in other._base) MaxInto(_base, new(replica, b.P, b.N));
    }

    public PnCounter Clone() => new(new(_totals, StringComparer.Ordinal), new(_base, StringComparer.Ordinal));

    public bool Equals(PnCounter? other) =>
        other is not null && SameMap(_totals, other._totals) && SameMap(_base, other._base);

    public override string ToString() => $"{ExactValue} (totals {string.Join(", ", Totals)}; base {string.Join(", ", ResetBase)})";

    private static InvalidInputException Overflow(string replica) =>
        new(ErrorCodes.InvalidValue, $"Counter totals of replica '{replica}' overflow a 64-bit integer.");

    private static void MaxInto(Dictionary<string, Pn> map, ReplicaTotals t)
    {
        ArgumentNullException.ThrowIfNull(t.Replica);
        if (t.P < 0 || t.N < 0) throw new ArgumentOutOfRangeException(nameof(t), "Counter totals are never negative.");
        if (t.P == 0 && t.N == 0) return; // zero totals are the same as none and are never stored
        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(map, t.Replica, out _);
        if (t.P > e.P) e.P = t.P;
        if (t.N > e.N) e.N = t.N;
    }

    private static ImmutableArray<ReplicaTotals> Sorted(Dictionary<string, Pn> map)
    {
        if (map.Count == 0) return [];
        var result = new ReplicaTotals[map.Count];
        int i = 0;
        foreach (var (replica, t) in map) result[i++] = new(replica, t.P, t.N);
        Array.Sort(result, (a, b) => string.CompareOrdinal(a.Replica, b.Replica));
        return ImmutableArray.Create(result);
    }

    private static bool SameMap(Dictionary<string, Pn> a, Dictionary<string, Pn> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (replica, t) in a)
            if (!b.TryGetValue(replica, out var u) || u.P != t.P || u.N != t.N) return false;
        return true;
    }
}

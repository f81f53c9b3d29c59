using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>A PN-counter with an observed-reset. State: per replica the totals (P = sum of its
/// increments, N = sum of its decrements' magnitudes), and per replica a reset base. A reset
/// raises the base to the totals its writer observed, so increments it had not seen survive.
/// Value = Σ(P − N) − Σ(baseP − baseN). Merge = pointwise max of both maps.
/// Mutable; not thread-safe.</summary>
public sealed class PnCounter : CrdtBase<PnCounter>, IApplies<CounterIncrement>, IApplies<CounterReset>
{
    private readonly ReplicaTotalsTable _totals;
    private readonly ReplicaTotalsTable _base;

    public PnCounter() : this(new(), new()) { }

    private PnCounter(ReplicaTotalsTable totals, ReplicaTotalsTable @base)
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
        foreach (var t in totals) counter._totals.MaxInto(t);
        foreach (var t in resetBase) counter._base.MaxInto(t);
        return counter;
    }

    /// <summary>Every replica's totals, sorted by replica.</summary>
    public IReadOnlyList<ReplicaTotals> Totals => _totals.Sorted();

    /// <summary>Every replica's reset base, sorted by replica.</summary>
    public IReadOnlyList<ReplicaTotals> ResetBase => _base.Sorted();

    /// <summary>The exact value (it can leave the 64-bit range only through concurrent increments).</summary>
    public Int128 ExactValue => _totals.Sum - _base.Sum;

    /// <summary>The value, clamped to the 64-bit range (see <see cref="ExactValue"/>).</summary>
    public long Value => ReplicaTotalsTable.Clamp(ExactValue);

    /// <summary>Whether some replica's totals exceed its reset base (false when never
    /// incremented or everything was reset).</summary>
    public override bool IsPresent => _totals.AnyAbove(_base);

    private protected override string Name => "counter";

    /// <summary>An increment by <paramref name="by"/> (negative = decrement) from
    /// <paramref name="replica"/> (the writer's replica). Throws <see cref="InvalidInputException"/>
    /// (invalid_value) if the replica's totals or the counter's value would overflow 64 bits.
    /// An increment by 0 changes nothing (it does not make an unset counter present).</summary>
    public CounterIncrement PrepareIncrement(string replica, long by)
    {
        _totals.CheckIncrement(replica, by, ExactValue);
        return new(replica, by);
    }

    /// <summary>A reset (unset) of everything observed so far.</summary>
    public CounterReset PrepareReset() => new(_totals.Sorted());

    public void Apply(CounterIncrement op) => _totals.Add(op.Replica, op.By);

    public void Apply(CounterReset op)
    {
        foreach (var t in op.Observed.AsSpan()) _base.MaxInto(t);
    }

    /// <summary>Pointwise max of totals and of reset bases.</summary>
    private protected override void Join(PnCounter other)
    {
        _totals.Merge(other._totals);
        _base.Merge(other._base);
    }

    public override PnCounter Clone() => new(_totals.Clone(), _base.Clone());

    public override bool Equals(PnCounter? other) =>
        other is not null && _totals.SameAs(other._totals) && _base.SameAs(other._base);

    public override string ToString() => $"{ExactValue} (totals {string.Join(", ", Totals)}; base {string.Join(", ", ResetBase)})";
}

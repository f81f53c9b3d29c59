using System.Collections.Immutable;

namespace Causeway.Crdt;

/// <summary>One replica's totals in a <see cref="PnCounter"/>: the sum of its positive
/// increments (<paramref name="P"/>) and of its decrements' magnitudes (<paramref name="N"/>).</summary>
public readonly record struct ReplicaTotals(string Replica, long P, long N);

/// <summary>Adds <paramref name="By"/> (negative = decrement, never <see cref="long.MinValue"/>)
/// to <paramref name="Replica"/>'s totals; <paramref name="Replica"/> is the writer's replica.</summary>
public sealed record CounterIncrement(string Replica, long By) : CrdtOp<CounterIncrement>
{
    public override FieldKind Kind => FieldKind.Counter;
}

/// <summary>Unsets a counter: raises the reset base to the totals the writer observed
/// (sorted by replica), so increments it had not seen survive.</summary>
public sealed record CounterReset(ImmutableArray<ReplicaTotals> Observed) : CrdtOp<CounterReset>
{
    public override FieldKind Kind => FieldKind.Counter;

    public bool Equals(CounterReset? other) =>
        other is not null && Observed.AsSpan().SequenceEqual(other.Observed.AsSpan());

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var t in Observed.AsSpan()) h.Add(t);
        return h.ToHashCode();
    }
}

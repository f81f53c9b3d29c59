using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>A bounded counter (Balegas et al., SRDS 2015). State, all grow-only: per replica the
/// totals (P = sum of its increments, N = sum of its decrements' magnitudes), and per
/// (from, to, side) the total amount of rights <c>from</c> has handed to <c>to</c>.
/// Value = Σ(P − N). Merge = pointwise max of both maps.
/// The counter does not know its bounds: <see cref="Rights"/> gives the movable part of each
/// replica's rights, to which the caller adds the initial slack (−min or max) of the replica that
/// holds it; a replica only spends rights it holds, which keeps the value within the bounds.
/// Mutable; not thread-safe.</summary>
public sealed class BCounter : CrdtBase<BCounter>, IApplies<BCounterIncrement>, IApplies<BCounterTransfer>
{
    private readonly ReplicaTotalsTable _totals;
    private readonly Dictionary<(string From, string To, BoundSide Side), long> _transfers;

    public BCounter() : this(new(), []) { }

    private BCounter(ReplicaTotalsTable totals, Dictionary<(string From, string To, BoundSide Side), long> transfers)
    {
        _totals = totals;
        _transfers = transfers;
    }

    /// <summary>Rebuilds a state from its parts (for decoding); a repeated replica or transfer
    /// row keeps the maximum. Negative amounts, an undefined side or a transfer to oneself throw
    /// <see cref="ArgumentException"/>.</summary>
    public static BCounter FromParts(IEnumerable<ReplicaTotals> totals, IEnumerable<RightsTransfer> transfers)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(transfers);
        var counter = new BCounter();
        foreach (var t in totals) counter._totals.MaxInto(t);
        foreach (var t in transfers)
        {
            ArgumentNullException.ThrowIfNull(t.From);
            ArgumentNullException.ThrowIfNull(t.To);
            CheckSide(t.Side);
            if (t.Amount < 0) throw new ArgumentOutOfRangeException(nameof(transfers), "Transferred rights are never negative.");
            if (t.From == t.To) throw new ArgumentException($"Replica '{t.From}' transfers rights to itself.", nameof(transfers));
            counter.MaxInto((t.From, t.To, t.Side), t.Amount);
        }
        return counter;
    }

    /// <summary>Every replica's totals, sorted by replica.</summary>
    public IReadOnlyList<ReplicaTotals> Totals => _totals.Sorted();

    /// <summary>Every transfer row, sorted by giving replica, then receiving replica, then side.</summary>
    public IReadOnlyList<RightsTransfer> Transfers
    {
        get
        {
            if (_transfers.Count == 0) return ImmutableArray<RightsTransfer>.Empty;
            var result = new RightsTransfer[_transfers.Count];
            int i = 0;
            foreach (var ((from, to, side), amount) in _transfers) result[i++] = new(from, to, side, amount);
            Array.Sort(result, static (a, b) =>
            {
                int c = string.CompareOrdinal(a.From, b.From);
                if (c == 0) c = string.CompareOrdinal(a.To, b.To);
                return c != 0 ? c : a.Side.CompareTo(b.Side);
            });
            return ImmutableArray.Create(result);
        }
    }

    /// <summary>The exact value Σ(P − N) (it can leave the 64-bit range only through concurrent increments).</summary>
    public Int128 ExactValue => _totals.Sum;

    /// <summary>The value, clamped to the 64-bit range (see <see cref="ExactValue"/>).</summary>
    public long Value => ReplicaTotalsTable.Clamp(ExactValue);

    /// <summary>Whether anything was ever counted or transferred (the state is not bottom).</summary>
    public override bool IsPresent => _totals.Count > 0 || _transfers.Count > 0;

    private protected override string Name => "bounded counter";

    /// <summary>The movable part of <paramref name="replica"/>'s rights on <paramref name="side"/>,
    /// exactly. Lower = P − N + received − given; Upper = N − P + received − given (received and
    /// given on that side). Summed over all replicas, Lower is the value and Upper its negation,
    /// since every transfer is received once and given once.</summary>
    public Int128 ExactRights(string replica, BoundSide side)
    {
        ArgumentNullException.ThrowIfNull(replica);
        CheckSide(side);
        var t = _totals.Get(replica);
        Int128 rights = side == BoundSide.Lower ? (Int128)t.P - t.N : (Int128)t.N - t.P;
        foreach (var ((from, to, s), amount) in _transfers)
        {
            if (s != side) continue;
            if (string.Equals(to, replica, StringComparison.Ordinal)) rights += amount;
            else if (string.Equals(from, replica, StringComparison.Ordinal)) rights -= amount;
        }
        return rights;
    }

    /// <summary><see cref="ExactRights"/> clamped to the 64-bit range. Clamping only ever
    /// understates a positive amount; a negative one clamps to <see cref="long.MinValue"/>, which
    /// with any slack up to <see cref="long.MaxValue"/> still allows nothing.</summary>
    public long Rights(string replica, BoundSide side) => ReplicaTotalsTable.Clamp(ExactRights(replica, side));

    /// <summary>An increment by <paramref name="by"/> (negative = decrement) from
    /// <paramref name="replica"/> (the writer's replica). Throws <see cref="InvalidInputException"/>
    /// (invalid_value) if the replica's totals or the value would overflow 64 bits. Does not check
    /// rights: the caller does, against the bounds.</summary>
    public BCounterIncrement PrepareIncrement(string replica, long by)
    {
        _totals.CheckIncrement(replica, by, ExactValue);
        return new(replica, by);
    }

    /// <summary>A transfer of <paramref name="amount"/> of <paramref name="from"/>'s
    /// <paramref name="side"/> rights to <paramref name="to"/>. Throws
    /// <see cref="InvalidInputException"/> (invalid_value) if the amount is not positive, the
    /// replicas are the same, the side is undefined, or the cumulative row would overflow 64 bits.
    /// Does not check rights: the caller does, against the bounds.</summary>
    public BCounterTransfer PrepareTransfer(string from, string to, BoundSide side, long amount)
    {
        var op = new BCounterTransfer(from, to, side, amount);
        CheckTransfer(op);
        return op;
    }

    public void Apply(BCounterIncrement op)
    {
        ArgumentNullException.ThrowIfNull(op);
        _totals.Add(op.Replica, op.By);
    }

    /// <summary>Adds the amount to the (From, To, Side) row. A malformed transfer throws
    /// <see cref="InvalidInputException"/> before anything changes.</summary>
    public void Apply(BCounterTransfer op)
    {
        CheckTransfer(op);
        _transfers[(op.From, op.To, op.Side)] = Row(op) + op.Amount;
    }

    /// <summary>Pointwise max of totals and of transfer rows.</summary>
    private protected override void Join(BCounter other)
    {
        _totals.Merge(other._totals);
        foreach (var (key, amount) in other._transfers) MaxInto(key, amount);
    }

    public override BCounter Clone() => new(_totals.Clone(), new(_transfers));

    public override bool Equals(BCounter? other)
    {
        if (other is null || !_totals.SameAs(other._totals) || _transfers.Count != other._transfers.Count) return false;
        foreach (var (key, amount) in _transfers)
            if (!other._transfers.TryGetValue(key, out var theirs) || theirs != amount) return false;
        return true;
    }

    public override string ToString() =>
        $"{ExactValue} (totals {string.Join(", ", Totals)}; transfers {string.Join(", ", Transfers.Select(t => $"{t.From}->{t.To} {t.Side} {t.Amount}"))})";

    private long Row(BCounterTransfer op) => _transfers.GetValueOrDefault((op.From, op.To, op.Side));

    private void CheckTransfer(BCounterTransfer op)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(op.From);
        ArgumentNullException.ThrowIfNull(op.To);
        string? why =
            op.Amount <= 0 ? $"the amount must be positive, not {op.Amount}"
            : op.From == op.To ? $"replica '{op.From}' cannot transfer rights to itself"
            : op.Side is not (BoundSide.Lower or BoundSide.Upper) ? $"side {(int)op.Side} is neither lower nor upper"
            : Row(op) > long.MaxValue - op.Amount ? $"the rights '{op.From}' transferred to '{op.To}' overflow a 64-bit integer"
            : null;
        if (why is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Invalid transfer of bounded-counter rights: {why}.");
    }

    private static void CheckSide(BoundSide side)
    {
        if (side is not (BoundSide.Lower or BoundSide.Upper))
            throw new ArgumentOutOfRangeException(nameof(side), side, "A bound side is lower or upper.");
    }

    private void MaxInto((string From, string To, BoundSide Side) key, long amount)
    {
        if (amount == 0) return; // zero rows are the same as none and are never stored
        ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(_transfers, key, out _);
        if (amount > row) row = amount;
    }
}

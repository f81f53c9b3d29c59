namespace Causeway.Crdt;

/// <summary>What the CRDT types share: <see cref="Apply(CrdtOp)"/> hands an op to the typed
/// <c>Apply</c> overload of its type (the op applies itself: <see cref="IApplies{TOp}"/>), and
/// <see cref="Merge"/> checks its argument and skips merging a CRDT into itself.</summary>
public abstract class CrdtBase<TSelf> : ICrdt<TSelf> where TSelf : CrdtBase<TSelf>
{
    private protected CrdtBase() { }

    public abstract bool IsPresent { get; }

    /// <summary>What <see cref="CrdtErrors.WrongOp"/> calls this CRDT ("awset", "counter", …).</summary>
    private protected abstract string Name { get; }

    /// <summary>Applies one of this CRDT's ops; any other op throws <see cref="Errors.InvalidInputException"/>
    /// (invalid_op) before anything changes.</summary>
    public void Apply(CrdtOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (!op.TryApplyTo(this)) throw CrdtErrors.WrongOp(Name, op);
    }

    /// <summary>Joins <paramref name="other"/> into this one.</summary>
    public void Merge(TSelf other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other, this)) Join(other);
    }

    /// <summary>The join itself, of another instance.</summary>
    private protected abstract void Join(TSelf other);

    public abstract TSelf Clone();

    public abstract bool Equals(TSelf? other);
}

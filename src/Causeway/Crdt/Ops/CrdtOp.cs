namespace Causeway.Crdt;

/// <summary>An effect op: what a writer's replica prepared against its own state and what every
/// replica applies (in causal order, each commit once). All fields are public data for encoding.
/// Ops of one commit share the commit's dot; an LWW op is told apart by its stamp's index.</summary>
public abstract record CrdtOp
{
    private protected CrdtOp() { }

    /// <summary>The kind of CRDT the op applies to.</summary>
    public abstract FieldKind Kind { get; }

    /// <summary>Applies the op to <paramref name="crdt"/> if that is a CRDT it applies to (one that
    /// is <see cref="IApplies{TOp}"/> of the op's type); false, having changed nothing, otherwise.</summary>
    internal abstract bool TryApplyTo(object crdt);
}

/// <summary>An op of type <typeparamref name="TSelf"/>: it applies itself to any CRDT that
/// <see cref="IApplies{TOp}">applies</see> it, so a CRDT needs no switch over its ops.</summary>
public abstract record CrdtOp<TSelf> : CrdtOp where TSelf : CrdtOp<TSelf>
{
    private protected CrdtOp() { }

    internal sealed override bool TryApplyTo(object crdt)
    {
        if (crdt is not IApplies<TSelf> target) return false;
        target.Apply((TSelf)this);
        return true;
    }
}

/// <summary>A CRDT that applies ops of type <typeparamref name="TOp"/>.</summary>
public interface IApplies<TOp> where TOp : CrdtOp<TOp>
{
    void Apply(TOp op);
}

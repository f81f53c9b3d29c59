namespace Causeway.Crdt;

/// <summary>An effect op: what a writer's replica prepared against its own state and what every
/// replica applies (in causal order, each commit once). All fields are public data for encoding.
/// Ops of one commit share the commit's dot; an LWW op is told apart by its stamp's index.</summary>
public abstract record CrdtOp
{
    private protected CrdtOp() { }

    /// <summary>The kind of CRDT the op applies to.</summary>
    public abstract FieldKind Kind { get; }
}

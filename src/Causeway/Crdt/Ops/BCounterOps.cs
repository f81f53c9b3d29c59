namespace Causeway.Crdt;

/// <summary>The cumulative amount of <paramref name="Side"/> rights that <paramref name="From"/>
/// has handed to <paramref name="To"/> in a <see cref="BCounter"/> (always &gt; 0 when stored).</summary>
public readonly record struct RightsTransfer(string From, string To, BoundSide Side, long Amount);

/// <summary>Adds <paramref name="By"/> (negative = decrement, never <see cref="long.MinValue"/>)
/// to <paramref name="Replica"/>'s totals of a bounded counter; <paramref name="Replica"/> is the
/// writer's replica (the commit's origin).</summary>
public sealed record BCounterIncrement(string Replica, long By) : CrdtOp<BCounterIncrement>
{
    public override FieldKind Kind => FieldKind.BCounter;
}

/// <summary>Hands <paramref name="Amount"/> (&gt; 0) of <paramref name="From"/>'s
/// <paramref name="Side"/> rights to <paramref name="To"/> (≠ From). <paramref name="From"/> is the
/// writer's replica (the commit's origin): a replica only gives away its own rights.</summary>
public sealed record BCounterTransfer(string From, string To, BoundSide Side, long Amount) : CrdtOp<BCounterTransfer>
{
    public override FieldKind Kind => FieldKind.BCounter;
}

using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>Replaces the values the writer observed (<paramref name="Observed"/>) with
/// (<paramref name="Dot"/>, <paramref name="Value"/>) in a multi-value register.</summary>
public sealed record MvAssign<T>(Dot Dot, T Value, DotSet Observed) : CrdtOp<MvAssign<T>>
{
    public override FieldKind Kind => FieldKind.MvReg;
}

/// <summary>Unsets a multi-value register: removes the observed values.</summary>
public sealed record MvClear(DotSet Observed) : CrdtOp<MvClear>
{
    public override FieldKind Kind => FieldKind.MvReg;
}

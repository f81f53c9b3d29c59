using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>Adds <paramref name="Element"/> to an add-wins set under <paramref name="Dot"/>,
/// replacing the element's dots the writer observed.</summary>
public sealed record AwAdd<T>(T Element, Dot Dot, DotSet Observed) : CrdtOp<AwAdd<T>>
{
    public override FieldKind Kind => FieldKind.AwSet;
}

/// <summary>Removes the element's observed dots; an add the writer had not seen survives.</summary>
public sealed record AwRemove<T>(T Element, DotSet Observed) : CrdtOp<AwRemove<T>>
{
    public override FieldKind Kind => FieldKind.AwSet;
}

/// <summary>Unsets an add-wins set: removes every observed dot of every element.</summary>
public sealed record AwClear(DotSet Observed) : CrdtOp<AwClear>
{
    public override FieldKind Kind => FieldKind.AwSet;
}

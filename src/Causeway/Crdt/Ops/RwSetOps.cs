using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>Adds <paramref name="Element"/> to a remove-wins set: drops the element's observed
/// add- and remove-dots and records an add-dot.</summary>
public sealed record RwAdd<T>(T Element, Dot Dot, DotSet ObservedAdds, DotSet ObservedRemoves) : CrdtOp<RwAdd<T>>
{
    public override FieldKind Kind => FieldKind.RwSet;
}

/// <summary>Removes <paramref name="Element"/> from a remove-wins set: drops the element's
/// observed add- and remove-dots and records a remove-dot (a tombstone that beats concurrent adds).</summary>
public sealed record RwRemove<T>(T Element, Dot Dot, DotSet ObservedAdds, DotSet ObservedRemoves) : CrdtOp<RwRemove<T>>
{
    public override FieldKind Kind => FieldKind.RwSet;
}

/// <summary>Unsets a remove-wins set: drops every observed dot (adds and tombstones) of every element.</summary>
public sealed record RwClear(DotSet Observed) : CrdtOp<RwClear>
{
    public override FieldKind Kind => FieldKind.RwSet;
}

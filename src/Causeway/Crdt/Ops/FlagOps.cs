using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>Enables an enable-wins flag: replaces the observed dots with <paramref name="Dot"/>.</summary>
public sealed record EwEnable(Dot Dot, DotSet Observed) : CrdtOp<EwEnable>
{
    public override FieldKind Kind => FieldKind.FlagEw;
}

/// <summary>Disables (and unsets) an enable-wins flag: removes the observed dots; a concurrent enable wins.</summary>
public sealed record EwDisable(DotSet Observed) : CrdtOp<EwDisable>
{
    public override FieldKind Kind => FieldKind.FlagEw;
}

/// <summary>Enables a disable-wins flag: drops the observed enable- and disable-dots, records an enable-dot.</summary>
public sealed record DwEnable(Dot Dot, DotSet ObservedEnables, DotSet ObservedDisables) : CrdtOp<DwEnable>
{
    public override FieldKind Kind => FieldKind.FlagDw;
}

/// <summary>Disables a disable-wins flag: drops the observed dots, records a disable-dot that beats concurrent enables.</summary>
public sealed record DwDisable(Dot Dot, DotSet ObservedEnables, DotSet ObservedDisables) : CrdtOp<DwDisable>
{
    public override FieldKind Kind => FieldKind.FlagDw;
}

/// <summary>Unsets a disable-wins flag: drops every observed dot of both sides.</summary>
public sealed record DwReset(DotSet Observed) : CrdtOp<DwReset>
{
    public override FieldKind Kind => FieldKind.FlagDw;
}

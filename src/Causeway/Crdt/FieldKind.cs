namespace Causeway.Crdt;

/// <summary>The CRDT kinds a document field can be (DESIGN.md, Data model). Wire names:
/// <see cref="FieldKinds.ToWireName"/>.</summary>
public enum FieldKind : byte
{
    Lww,
    MvReg,
    Counter,
    AwSet,
    RwSet,
    FlagEw,
    FlagDw,
    Map,
}

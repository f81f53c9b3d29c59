namespace Causeway.Crdt;

/// <summary>The CRDT kinds a document field can be (docs/data-model.md). Wire names:
/// <see cref="FieldKinds.ToWireName"/>. Stored document states encode a kind by its number, so a
/// new kind goes at the end.</summary>
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
    BCounter,
}

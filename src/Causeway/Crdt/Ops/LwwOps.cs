namespace Causeway.Crdt;

/// <summary>Writes <paramref name="Value"/> into an LWW register if <paramref name="Stamp"/> is the greatest seen.</summary>
public sealed record LwwAssign<T>(LwwStamp Stamp, T Value) : CrdtOp<LwwAssign<T>>
{
    public override FieldKind Kind => FieldKind.Lww;
}

/// <summary>Unsets an LWW register: an absent value that wins by stamp like any write.</summary>
public sealed record LwwClear(LwwStamp Stamp) : CrdtOp<LwwClear>
{
    public override FieldKind Kind => FieldKind.Lww;
}

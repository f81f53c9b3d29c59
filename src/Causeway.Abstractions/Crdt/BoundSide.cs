namespace Causeway.Crdt;

/// <summary>Which bound a right guards in a <see cref="BCounter"/>: <see cref="Lower"/> rights
/// allow decrements (they guard a minimum), <see cref="Upper"/> rights allow increments (they
/// guard a maximum). Encoded as 0 and 1.</summary>
public enum BoundSide : byte
{
    Lower,
    Upper,
}


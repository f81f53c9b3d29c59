namespace Causeway.Replication;

/// <summary>What one replica asks another for. <see cref="Kind"/> is "rights" (a counter's
/// <see cref="Path"/> and <see cref="Side"/>), "value" (the unique value whose reservation is the
/// document <see cref="Id"/> of _reservations, for the document named in <see cref="Path"/>), or
/// "block" (sequence numbers for <see cref="Collection"/>).</summary>
public sealed record Reservation(string Kind, string Collection, string Id, string Path, Crdt.BoundSide Side, long Amount)
{
    public const string Rights = "rights";
    public const string Value = "value";
    public const string Block = "block";

    public override string ToString() => Kind switch
    {
        Rights => $"{Amount} {(Side == Crdt.BoundSide.Lower ? "lower" : "upper")} rights over {Collection}/{Id}.{Path}",
        Block => $"a block of {Amount} ids of {Collection}",
        _ => $"the reservation {Collection}/{Id}",
    };
}


using Causeway.Models.Migrations;
using Causeway.Values;

namespace Causeway.Models;

internal enum TrackedState { New, Loaded, Deleted }

/// <summary>One object a session tracks: its class's map, what it held as loaded (the scalars' values
/// by slot; counters, sets and flags keep their own), its id and whether it is new, loaded or deleted.</summary>
internal sealed class TrackedEntry(EntityMap map, object entity, Value?[] snapshot)
{
    public EntityMap Map { get; } = map;
    public object Entity { get; } = entity;
    public Value?[] Snapshot { get; } = snapshot;
    public string? Id { get; set; }
    public TrackedState State { get; set; }

    /// <summary>What an upcast showed that the stored document does not hold yet.</summary>
    public List<CarriedField>? Carried { get; set; }
}

using Causeway.Models.Migrations;
using Causeway.Values;

namespace Causeway.Models;

internal enum TrackedState { New, Loaded, Deleted }

/// <summary>One object a session tracks: its class's map, what it held as loaded, its id and whether
/// it is new, loaded or deleted.</summary>
/// <param name="loaded">The document it was loaded from (as upcast); null for a new object.</param>
internal sealed class TrackedEntry(EntityMap map, object entity, Value? loaded)
{
    private Value? _loaded = loaded;
    private Value?[]? _snapshot;

    public EntityMap Map { get; } = map;
    public object Entity { get; } = entity;
    public string? Id { get; set; }
    public TrackedState State { get; set; }

    /// <summary>What an upcast showed that the stored document does not hold yet.</summary>
    public List<CarriedField>? Carried { get; set; }

    /// <summary>The object was read again (a refresh): <paramref name="loaded"/> is now what it was loaded from.</summary>
    public void Reloaded(Value loaded)
    {
        _loaded = loaded;
        _snapshot = null;
    }

    /// <summary>The scalars as loaded, by slot, to tell changes from (counters, sets and flags keep
    /// their own). Made from the document, which the load keeps anyway, when first compared: most
    /// tracked objects are read and never saved, and their loads copy nothing.</summary>
    public Value?[] Snapshot
    {
        get
        {
            if (_snapshot is not null) return _snapshot;
            _snapshot = new Value?[Map.Slots];
            if (_loaded is not null) Map.Root.Record(_loaded, _snapshot);
            _loaded = null;
            return _snapshot;
        }
    }
}

namespace Causeway.Crdt;

/// <summary>What every CRDT of a field kind has (docs/crdts.md: a pure value type with
/// <c>Apply(op)</c> and <c>Merge</c>), so a field kind can hold one without knowing which:
/// an empty instance is bottom; <see cref="Apply"/> throws on an op of another CRDT before
/// anything changes.</summary>
public interface ICrdt<TSelf> : IEquatable<TSelf> where TSelf : class, ICrdt<TSelf>
{
    /// <summary>Whether the CRDT holds a visible value (not bottom).</summary>
    bool IsPresent { get; }

    void Apply(CrdtOp op);

    /// <summary>Joins <paramref name="other"/> into this one.</summary>
    void Merge(TSelf other);

    /// <summary>A deep copy.</summary>
    TSelf Clone();
}

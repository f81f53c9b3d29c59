namespace Causeway.Clocks;

/// <summary>How one version vector relates to another (<see cref="VersionVector.Compare"/>).</summary>
public enum VectorOrdering
{
    /// <summary>Both have seen exactly the same commits.</summary>
    Equal,
    /// <summary>This has seen a strict subset of what the other has seen.</summary>
    Before,
    /// <summary>This has seen a strict superset of what the other has seen.</summary>
    After,
    /// <summary>Each has seen something the other has not.</summary>
    Concurrent,
}

using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>The mutable dots of one element of a set, or of a flag (<see cref="DotBag"/>,
/// <see cref="OnOffDots"/>): what <see cref="DotMap{T, TDots}"/> needs of them.</summary>
internal interface IDots<TSelf> : IEquatable<TSelf> where TSelf : class, IDots<TSelf>, new()
{
    bool IsEmpty { get; }

    /// <summary>Removes every dot of <paramref name="observed"/>; returns whether any was removed.</summary>
    bool RemoveAll(DotSet observed);

    /// <summary>The causal merge with <paramref name="other"/> (null = empty), this state having
    /// context <paramref name="thisContext"/> and the other <paramref name="otherContext"/>.</summary>
    void CausalMerge(TSelf? other, VersionVector thisContext, VersionVector otherContext);

    /// <summary>Adds every dot held to <paramref name="dots"/>.</summary>
    void AddTo(List<Dot> dots);

    TSelf Clone();
}

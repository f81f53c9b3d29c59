using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>The dots of a remove-wins element or a disable-wins flag: on-dots (adds, enables) and
/// off-dots (removes, disables, the tombstones). An op drops the dots its writer observed on both
/// sides and records its own dot on one side; it is on iff it has on-dots and no off-dots, so an
/// off concurrent with an on wins.</summary>
internal sealed class OnOffDots : IDots<OnOffDots>
{
    private readonly DotBag _on;
    private readonly DotBag _off;

    public OnOffDots() : this(new DotBag(), new DotBag()) { }

    public OnOffDots(DotBag on, DotBag off)
    {
        _on = on;
        _off = off;
    }

    public DotBag On => _on;
    public DotBag Off => _off;

    public bool IsEmpty => _on.IsEmpty && _off.IsEmpty;
    public bool IsOn => !_on.IsEmpty && _off.IsEmpty;

    /// <summary>Drops the observed dots of each side and records <paramref name="dot"/> on the
    /// on side (<paramref name="on"/>) or the off side.</summary>
    public void Record(Dot dot, DotSet observedOn, DotSet observedOff, bool on)
    {
        _on.RemoveAll(observedOn);
        _off.RemoveAll(observedOff);
        (on ? _on : _off).Add(dot);
    }

    public bool RemoveAll(DotSet observed) => _on.RemoveAll(observed) | _off.RemoveAll(observed);

    public void CausalMerge(OnOffDots? other, VersionVector thisContext, VersionVector otherContext)
    {
        _on.CausalMerge(other?._on, thisContext, otherContext);
        _off.CausalMerge(other?._off, thisContext, otherContext);
    }

    public void AddTo(List<Dot> dots)
    {
        _on.AddTo(dots);
        _off.AddTo(dots);
    }

    public OnOffDots Clone() => new(_on.Clone(), _off.Clone());

    public bool Equals(OnOffDots? other) => other is not null && _on.Equals(other._on) && _off.Equals(other._off);
    public override bool Equals(object? obj) => obj is OnOffDots d && Equals(d);
    public override int GetHashCode() => HashCode.Combine(_on, _off);
}

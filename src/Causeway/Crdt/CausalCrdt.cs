using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A CRDT of dots with a causal context (docs/crdts.md): the context holds every dot the
/// state has seen, applied or merged in, so a merge tells a dot the other side removed from one it
/// has not seen yet. An op advances the context by its own dot and the dots its writer observed.</summary>
public abstract class CausalCrdt<TSelf> : CrdtBase<TSelf> where TSelf : CausalCrdt<TSelf>
{
    private readonly VersionVector _context;

    private protected CausalCrdt(VersionVector context) => _context = context;

    /// <summary>The causal context. Read-only by contract: do not mutate.</summary>
    public VersionVector Context => _context;

    private protected void Observe(Dot dot) => _context.Advance(dot);

    private protected void Observe(DotSet dots)
    {
        foreach (var d in dots) _context.Advance(d);
    }

    /// <summary>Every dot held: what a clear or reset observes.</summary>
    private protected static DotSet AllDots<TDots>(TDots dots) where TDots : class, IDots<TDots>, new()
    {
        var all = new List<Dot>();
        dots.AddTo(all);
        return DotSet.Create(all);
    }

    /// <summary>Applies a remove (a clear, disable or reset) of the observed dots and observes them.</summary>
    private protected void Remove<TDots>(TDots dots, DotSet observed) where TDots : class, IDots<TDots>, new()
    {
        dots.RemoveAll(observed);
        Observe(observed);
    }

    /// <summary>Applies an on/off op (<see cref="OnOffDots.Record"/>) and observes its dots.</summary>
    private protected void Record(OnOffDots dots, Dot dot, DotSet observedOn, DotSet observedOff, bool on)
    {
        dots.Record(dot, observedOn, observedOff, on);
        Observe(dot);
        Observe(observedOn);
        Observe(observedOff);
    }

    /// <summary>Joins the dots (<see cref="JoinDots"/>, which decides against both contexts), then the contexts.</summary>
    private protected sealed override void Join(TSelf other)
    {
        JoinDots(other);
        _context.Merge(other.Context);
    }

    /// <summary>Causal merge of the dots: keep a dot both hold, or one holds that the other's context has not seen.</summary>
    private protected abstract void JoinDots(TSelf other);

    /// <summary>The same context and the same dots (<see cref="SameDots"/>).</summary>
    public sealed override bool Equals(TSelf? other) => other is not null && Context.Equals(other.Context) && SameDots(other);

    private protected abstract bool SameDots(TSelf other);

    /// <summary>For decoding: throws unless <paramref name="context"/> covers every dot.</summary>
    private protected static void RequireCovered(DotSet dots, VersionVector context)
    {
        foreach (var d in dots)
            if (!context.Contains(d)) throw new ArgumentException($"Dot {d} is not covered by the context.", nameof(context));
    }
}

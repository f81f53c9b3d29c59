using Causeway.Clocks;
using Causeway.Crdt;

namespace Causeway.Documents;

/// <summary>What every effect of a commit shares: its origin, sequence number and time.</summary>
public readonly record struct EffectContext(string Origin, long Seq, HlcTimestamp Time)
{
    public Dot Dot => new(Origin, Seq);
    public LwwStamp Stamp(int index) => new(Time, Origin, index);
}

using Causeway.Clocks;
using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>The receiver's clock after applying what it got: the sender's flow control and resume point.
/// <paramref name="Ready"/> is the latest ready mark the receiver got from the sender, if any: a ready
/// can be lost like any frame, and this is how its sender learns that it arrived.</summary>
public sealed record AckFrame(VersionVector Clock, VersionVector? Ready = null) : SyncFrame
{
    internal const string Tag = "ack";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, Ready is null ? 2 : 3);
        FrameItems.WriteClock(w, Clock);
        if (Ready is not null) FrameItems.WriteClock(w, Ready);
    }

    internal static AckFrame? Read(DagCborReader r, int length) => length switch
    {
        2 => new(FrameItems.ReadClock(r)),
        3 => new(FrameItems.ReadClock(r), FrameItems.ReadClock(r)),
        _ => null,
    };
}

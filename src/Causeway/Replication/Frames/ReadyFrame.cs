using Causeway.Clocks;
using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Everything the sender held when it reached the end of its backlog has been sent; its clock then.</summary>
public sealed record ReadyFrame(VersionVector Clock) : SyncFrame
{
    internal const string Tag = "ready";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 2);
        FrameItems.WriteClock(w, Clock);
    }

    internal static ReadyFrame? Read(DagCborReader r, int length) => length != 2 ? null : new(FrameItems.ReadClock(r));
}

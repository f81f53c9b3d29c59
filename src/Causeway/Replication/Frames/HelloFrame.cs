using Causeway.Clocks;
using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Opens a session: who I am, what I hold, whether I will send and whether I want to receive.</summary>
public sealed record HelloFrame(int Version, string Database, string Replica, byte[] Nonce, VersionVector Clock, bool Sends, bool Wants, Subscription Holds) : SyncFrame
{
    internal const string Tag = "hello";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 9);
        w.WriteInt64(Version);
        w.WriteText(Database);
        w.WriteText(Replica);
        w.WriteBytes(Nonce);
        FrameItems.WriteClock(w, Clock);
        w.WriteBoolean(Sends);
        w.WriteBoolean(Wants);
        Holds.Write(w);
    }

    internal static HelloFrame? Read(DagCborReader r, int length) => length != 9 ? null
        : new((int)r.ReadInt64(), r.ReadText(), r.ReadText(), r.ReadBytes(), FrameItems.ReadClock(r), r.ReadBoolean(), r.ReadBoolean(), Subscription.Read(r));
}

using Causeway.Clocks;
using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Opens a session: who I am, what I hold, whether I will send and whether I want to receive,
/// and, for an owned database, its owner (a tenth item, absent for an open database).</summary>
public sealed record HelloFrame(int Version, string Database, string Replica, byte[] Nonce, VersionVector Clock, bool Sends, bool Wants, Subscription Holds) : SyncFrame
{
    internal const string Tag = "hello";

    /// <summary>The database's owner as this side holds it, or null for an open database.</summary>
    public string? Owner { get; init; }

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, Owner is null ? 9 : 10);
        w.WriteInt64(Version);
        w.WriteText(Database);
        w.WriteText(Replica);
        w.WriteBytes(Nonce);
        FrameItems.WriteClock(w, Clock);
        w.WriteBoolean(Sends);
        w.WriteBoolean(Wants);
        Holds.Write(w);
        if (Owner is not null) w.WriteText(Owner);
    }

    internal static HelloFrame? Read(DagCborReader r, int length) => length is not (9 or 10) ? null
        : new HelloFrame((int)r.ReadInt64(), r.ReadText(), r.ReadText(), r.ReadBytes(), FrameItems.ReadClock(r), r.ReadBoolean(), r.ReadBoolean(), Subscription.Read(r))
        {
            Owner = length == 10 ? r.ReadText() : null,
        };
}

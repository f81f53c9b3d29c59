using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>Items that several frames carry: clocks, and items that may be null.</summary>
internal static class FrameItems
{
    /// <summary>A clock travels as [[did, seq]…], sorted by DID, each seq ≥ 1 (as a database record stores it).</summary>
    public static void WriteClock(DagCborWriter w, VersionVector clock) => VersionVectorCbor.Write(w, clock);

    public static VersionVector ReadClock(DagCborReader r)
    {
        int n = r.ReadStartArray();
        var clock = new VersionVector();
        string? previous = null;
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 2) throw Refusal.PeerSent("a clock entry is not [did, seq]");
            string did = r.ReadText();
            long seq = r.ReadInt64();
            r.ReadEndArray();
            if (seq < 1) throw Refusal.PeerSent("a clock entry has a seq below 1");
            if (previous is not null && string.CompareOrdinal(previous, did) >= 0) throw Refusal.PeerSent("clock entries are not sorted and distinct");
            clock.Set(did, seq);
            previous = did;
        }
        r.ReadEndArray();
        return clock;
    }

    /// <summary>Reads the next item if it is null and answers true; otherwise leaves it to read and answers false.</summary>
    public static bool ReadNull(DagCborReader r)
    {
        if (r.PeekKind() != DagCborKind.Null) return false;
        r.ReadNull();
        return true;
    }
}

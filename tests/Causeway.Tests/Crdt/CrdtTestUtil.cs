using Causeway.Clocks;
using Causeway.Crdt;

namespace Causeway.Tests.Crdt;

internal static class T
{
    public static Dot D(string replica, long seq) => new(replica, seq);

    public static LwwStamp S(long physical, string replica, int index = 0, int logical = 0) =>
        new(HlcTimestamp.FromParts(physical, logical), replica, index);
}

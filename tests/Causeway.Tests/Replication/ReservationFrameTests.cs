using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;

namespace Causeway.Tests.Replication;

/// <summary>The ask and answer frames of the reservation exchange: exact round trips, and refusal of
/// anything not shaped like one.</summary>
public sealed class ReservationFrameTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Asks_and_answers_round_trip(bool relayed)
    {
        var ask = new AskFrame(7, new Reservation(Reservation.Rights, "players", "p", "credits", BoundSide.Upper, 12), relayed);
        var decoded = Assert.IsType<AskFrame>(SyncFrameCodec.Decode(SyncFrameCodec.Encode(ask)));
        Assert.Equal(ask, decoded);

        var cid = Cid.ForDagCbor([0xa0]);
        foreach (var answer in new[] { new AnswerFrame(7, 12, cid, null, "granted 12"), new AnswerFrame(8, 0, null, ErrorCodes.InsufficientRights, "none to spare") })
            Assert.Equal(answer, Assert.IsType<AnswerFrame>(SyncFrameCodec.Decode(SyncFrameCodec.Encode(answer))));
    }

    [Fact]
    public void Malformed_asks_are_refused()
    {
        byte[] Frame(params object[] items)
        {
            var w = new DagCborWriter();
            w.WriteStartArray(items.Length);
            foreach (var item in items)
                switch (item)
                {
                    case string s: w.WriteText(s); break;
                    case long n: w.WriteInt64(n); break;
                    case int n: w.WriteInt64(n); break;
                    case bool b: w.WriteBoolean(b); break;
                }
            w.WriteEndArray();
            return w.Encode();
        }
        Assert.Throws<SyncRefusedException>(() => SyncFrameCodec.Decode(Frame("ask", 1, "gold", "c", "d", "p", 0, 1)));          // unknown kind
        Assert.Throws<SyncRefusedException>(() => SyncFrameCodec.Decode(Frame("ask", 1, "rights", "c", "d", "p", 2, 1)));        // side
        Assert.Throws<SyncRefusedException>(() => SyncFrameCodec.Decode(Frame("ask", 1, "rights", "c", "d", "p", 0, 0)));        // amount
        Assert.Throws<SyncRefusedException>(() => SyncFrameCodec.Decode(Frame("ask", 1, "rights", "c", "d", "p", 0, 1, false))); // relayed must be left out, not false
        Assert.Throws<SyncRefusedException>(() => SyncFrameCodec.Decode(Frame("answer", 1, 0)));
    }
}

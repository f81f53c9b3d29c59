using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Replication;

namespace Causeway.Tests.Replication;

/// <summary>The exact bytes of every kind of frame (and each optional item present and absent), as
/// docs/sync-protocol.md specifies them: a change to the codec that moves a byte on the wire fails
/// here, and every frame decodes back to itself.</summary>
public sealed class SyncFrameBytesTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["hello"] = "896568656c6c6f016473686f706d6469643a6b65793a7a364d6b4150000102030405060708090a0b0c0d0e0f82826d6469643a6b65793a7a364d6b4103826d6469643a6b65793a7a364d6b420cf5f4f6",
        ["hello-partial"] = "896568656c6c6f016473686f706d6469643a6b65793a7a364d6b41500000000000000000000000000000000080f4f58282666f72646572736365752d8267706c6179657273f6",
        ["proof"] = "826570726f6f6643010203",
        ["commits"] = "8267636f6d6d697473828242a101834102f64203048241a080",
        ["commits-empty"] = "8267636f6d6d69747380",
        ["ack"] = "826361636b82826d6469643a6b65793a7a364d6b4103826d6469643a6b65793a7a364d6b420c",
        ["ack-ready"] = "836361636b82826d6469643a6b65793a7a364d6b4103826d6469643a6b65793a7a364d6b420c81826d6469643a6b65793a7a364d6b4102",
        ["ready"] = "8265726561647982826d6469643a6b65793a7a364d6b4103826d6469643a6b65793a7a364d6b420c",
        ["error"] = "83656572726f726c73796e635f72656675736564626e6f",
        ["ask"] = "886361736b076672696768747367706c617965727361706763726564697473010c",
        ["ask-relayed"] = "896361736b086576616c756567706c617965727361706763726564697473000cf5",
        ["answer-granted"] = "8666616e73776572070cd82a58250001711220c19a797fa1fd590cd2e5b42d1cf5f246e29b91684e2f87404b81dc345c7a56a0f66a6772616e746564203132",
        ["answer-refused"] = "8666616e737765720800f673696e73756666696369656e745f7269676874736d6e6f6e6520746f207370617265",
    };

    private static Dictionary<string, SyncFrame> Frames()
    {
        var clock = new VersionVector();
        clock.Set("did:key:z6MkA", 3);
        clock.Set("did:key:z6MkB", 12);
        var ready = new VersionVector();
        ready.Set("did:key:z6MkA", 2);
        var what = new Reservation(Reservation.Rights, "players", "p", "credits", BoundSide.Upper, 12);
        return new()
        {
            ["hello"] = new HelloFrame(1, "shop", "did:key:z6MkA", [.. Enumerable.Range(0, 16).Select(i => (byte)i)], clock, true, false, Subscription.Everything),
            ["hello-partial"] = new HelloFrame(1, "shop", "did:key:z6MkA", new byte[16], new VersionVector(), false, true,
                Subscription.Of([new CollectionSelector("players"), new CollectionSelector("orders", "eu-")])),
            ["proof"] = new ProofFrame([1, 2, 3]),
            ["commits"] = new CommitsFrame([new ShippedCommit([0xa1, 0x01], [[0x02], null, [0x03, 0x04]]), new ShippedCommit([0xa0], [])]),
            ["commits-empty"] = new CommitsFrame([]),
            ["ack"] = new AckFrame(clock),
            ["ack-ready"] = new AckFrame(clock, ready),
            ["ready"] = new ReadyFrame(clock),
            ["error"] = new ErrorFrame("sync_refused", "no"),
            ["ask"] = new AskFrame(7, what),
            ["ask-relayed"] = new AskFrame(8, what with { Kind = Reservation.Value, Side = BoundSide.Lower }, true),
            ["answer-granted"] = new AnswerFrame(7, 12, Cid.ForDagCbor([0xa0]), null, "granted 12"),
            ["answer-refused"] = new AnswerFrame(8, 0, null, "insufficient_rights", "none to spare"),
        };
    }

    public static TheoryData<string> Names() => [.. Expected.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_frame_has_its_exact_bytes(string name)
    {
        var frame = Frames()[name];
        var bytes = SyncFrameCodec.Encode(frame);
        Assert.Equal(Expected[name], Convert.ToHexStringLower(bytes));
        // And back: the same frame, and the same bytes again.
        Assert.Equal(Expected[name], Convert.ToHexStringLower(SyncFrameCodec.Encode(SyncFrameCodec.Decode(bytes))));
    }
}

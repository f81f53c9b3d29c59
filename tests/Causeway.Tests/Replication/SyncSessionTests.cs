using Causeway.Replication;
using Causeway.Values;

namespace Causeway.Tests.Replication;

/// <summary>The sans-IO session frame by frame, over a network that loses and reorders: one test per
/// bug the simulator found (docs/simulation.md). Frames go through the codec, as on the wire.</summary>
public sealed class SyncSessionTests : IAsyncLifetime
{
    private const long Retransmit = 1_000;
    private static readonly SyncOptions Options = new() { RetransmitAfter = TimeSpan.FromMilliseconds(Retransmit), BatchCommits = 1, Window = 256 };
    private readonly List<Replica> _replicas = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
    }

    [Fact]
    public async Task A_proof_that_overtakes_its_hello_is_dropped_and_the_handshake_still_completes()
    {
        var (initiator, acceptor) = await PairAsync();
        var answer = await DeliverAsync(acceptor, initiator.Open(0), 0); // [hello, proof]
        Assert.Empty(await DeliverAsync(initiator, [answer[1]], 1));     // the proof first: dropped, not refused
        await DeliverAsync(acceptor, await DeliverAsync(initiator, [answer[0]], 2), 3);
        Assert.True(acceptor.Established);
        Assert.False(initiator.Established);

        // Not established, the initiator says hello again; the answer brings the proof again.
        var again = await initiator.PumpAsync(2 + Retransmit);
        await DeliverAsync(acceptor, await DeliverAsync(initiator, await DeliverAsync(acceptor, again, 2 + Retransmit), 2 + Retransmit), 2 + Retransmit);
        Assert.True(initiator.Established);
    }

    [Fact]
    public async Task Commits_before_a_lost_proof_are_dropped_and_the_acceptor_asks_for_the_proof_again()
    {
        var (initiator, acceptor) = await PairAsync();
        await WriteAsync(Db(initiator), 3);
        var answer = await DeliverAsync(acceptor, initiator.Open(0), 0);
        _ = await DeliverAsync(initiator, answer, 1); // the initiator's proof is lost
        Assert.True(initiator.Established);
        Assert.Empty(await DeliverAsync(acceptor, await initiator.PumpAsync(2), 3)); // dropped, not refused
        Assert.Equal(0, Db(acceptor).Position);

        var ask = await acceptor.PumpAsync(1 + Retransmit); // hello and proof again
        Assert.Equal([typeof(HelloFrame), typeof(ProofFrame)], ask.Select(f => f.GetType()));
        await DeliverAsync(acceptor, await DeliverAsync(initiator, ask, 1 + Retransmit), 1 + Retransmit);
        Assert.True(acceptor.Established);

        await SettleAsync(initiator, acceptor, from: 2 + Retransmit);
        Assert.Equal(3, Db(acceptor).Position);
    }

    [Fact]
    public async Task A_lost_ready_mark_is_resent_until_an_ack_shows_it_arrived()
    {
        var (initiator, acceptor) = await PairAsync();
        await WriteAsync(Db(initiator), 2);
        await HandshakeAsync(initiator, acceptor);
        var sent = await initiator.PumpAsync(10);
        Assert.IsType<ReadyFrame>(sent[^1]);
        await DeliverAsync(initiator, await DeliverAsync(acceptor, sent.SkipLast(1), 11), 12); // the ready is lost
        Assert.Equal(2, Db(acceptor).Position);
        await DeliverAsync(acceptor, await DeliverAsync(initiator, await acceptor.PumpAsync(13), 14), 15); // its own ready goes the other way
        Assert.False(acceptor.CaughtUp);
        Assert.False(initiator.CaughtUp); // the peer holds all it sent, but has not said it got the mark

        // The acceptor holds everything the mark says, yet without the mark it never knows: resent.
        var resent = await initiator.PumpAsync(13 + Retransmit);
        Assert.Contains(resent, f => f is ReadyFrame);
        await DeliverAsync(initiator, await DeliverAsync(acceptor, resent, 14 + Retransmit), 15 + Retransmit);
        Assert.True(acceptor.CaughtUp);
        Assert.True(initiator.CaughtUp);
        Assert.Empty(await initiator.PumpAsync(100 * Retransmit)); // acknowledged: no endless resending
    }

    [Fact]
    public async Task A_pending_commit_whose_parent_came_through_another_session_is_applied_on_pump()
    {
        var (b, c) = await PairAsync();
        var a = await DatabaseAsync();
        await WriteAsync(a, 1);
        await Db(b).SyncWithAsync(a);
        await WriteAsync(Db(b), 1); // its parent is a's commit
        await HandshakeAsync(b, c);
        var sent = await b.PumpAsync(10); // [a's commit], [b's commit], ready
        Assert.Equal(3, sent.Count);
        await DeliverAsync(c, sent.Skip(1), 11); // a's commit is lost: b's waits for its parent
        Assert.Equal(0, Db(c).Position);

        await Db(c).SyncWithAsync(a); // the parent comes another way; b's acks will not show c lacks anything
        var pumped = await c.PumpAsync(12);
        Assert.Equal(2, Db(c).Position);
        Assert.Contains(pumped, f => f is AckFrame);
    }

    [Fact]
    public async Task A_whole_window_behind_one_lost_frame_is_not_refused()
    {
        var (initiator, acceptor) = await PairAsync();
        await WriteAsync(Db(initiator), 100);
        await HandshakeAsync(initiator, acceptor);
        var sent = await initiator.PumpAsync(10); // 100 frames of one commit each, then ready
        Assert.Equal(101, sent.Count);
        await DeliverAsync(initiator, await DeliverAsync(acceptor, sent.Skip(1), 11), 12); // 99 frames wait for the first
        Assert.Equal(0, Db(acceptor).Position);

        await SettleAsync(initiator, acceptor, from: 13 + Retransmit);
        Assert.Equal(100, Db(acceptor).Position);
    }

    private async Task<Database> DatabaseAsync()
    {
        var replica = Replica.OpenInMemory();
        _replicas.Add(replica);
        return await replica.CreateDatabaseAsync("shop");
    }

    private readonly Dictionary<SyncSession, Database> _databases = [];

    private Database Db(SyncSession session) => _databases[session];

    private async Task<(SyncSession Initiator, SyncSession Acceptor)> PairAsync()
    {
        Database one = await DatabaseAsync(), other = await DatabaseAsync();
        var pair = (one.OpenSession(SyncRole.Initiator, sends: true, wants: true, Options), other.OpenSession(SyncRole.Acceptor, sends: false, wants: false, Options, SyncPermission.All));
        _databases[pair.Item1] = one;
        _databases[pair.Item2] = other;
        return pair;
    }

    private static async Task WriteAsync(Database db, int commits)
    {
        for (int i = 0; i < commits; i++) await db.PutAsync("docs", $"{db.Replica.Did[^4..]}-{i}", Value.Map([new("n", Value.Int(i))]));
    }

    private static async Task HandshakeAsync(SyncSession initiator, SyncSession acceptor)
    {
        await DeliverAsync(acceptor, await DeliverAsync(initiator, await DeliverAsync(acceptor, initiator.Open(0), 0), 0), 0);
        Assert.True(initiator.Established && acceptor.Established);
    }

    /// <summary>Both sides pump and answer each other, losing nothing, until neither has anything to say.</summary>
    private static async Task SettleAsync(SyncSession initiator, SyncSession acceptor, long from)
    {
        for (long now = from; now < from + 20 * Retransmit; now += Retransmit / 4)
        {
            var toAcceptor = (await initiator.PumpAsync(now)).ToList();
            var toInitiator = (await acceptor.PumpAsync(now)).ToList();
            if (toAcceptor.Count == 0 && toInitiator.Count == 0 && initiator.CaughtUp && acceptor.CaughtUp) return;
            while (toAcceptor.Count > 0 || toInitiator.Count > 0)
            {
                var replies = await DeliverAsync(acceptor, toAcceptor, now);
                toAcceptor = await DeliverAsync(initiator, toInitiator, now);
                toInitiator = replies;
            }
        }
        Assert.Fail("the sessions did not settle");
    }

    private static async Task<List<SyncFrame>> DeliverAsync(SyncSession to, IEnumerable<SyncFrame> frames, long now)
    {
        var replies = new List<SyncFrame>();
        foreach (var frame in frames) replies.AddRange(await to.ReceiveAsync(SyncFrameCodec.Decode(SyncFrameCodec.Encode(frame)), now));
        return replies;
    }
}

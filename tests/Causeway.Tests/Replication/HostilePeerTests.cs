using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Replication;
using Causeway.Security;
using Causeway.Values;

namespace Causeway.Tests.Replication;

/// <summary>A peer that breaks the protocol: the victim refuses with a clear error frame, applies
/// nothing the peer sent, ends the session, and keeps serving honest peers afterwards.</summary>
public sealed class HostilePeerTests : IAsyncLifetime
{
    private Replica _victim = null!;
    private Database _db = null!;
    private Replica _source = null!;
    private Database _sourceDb = null!;
    private readonly ReplicaIdentity _hostile = ReplicaIdentity.CreateEphemeral();

    public async Task InitializeAsync()
    {
        _victim = Replica.OpenInMemory();
        _db = await _victim.CreateDatabaseAsync("shop");
        await _db.PutAsync("a", "mine", Value.Map([new("v", Value.Int(1))]));
        _source = Replica.OpenInMemory();
        _sourceDb = await _source.CreateDatabaseAsync("shop");
        for (int i = 0; i < 3; i++) await _sourceDb.PutAsync("a", $"s{i}", Value.Map([new("v", Value.Int(i))]));
    }

    public async Task DisposeAsync()
    {
        await _victim.DisposeAsync();
        await _source.DisposeAsync();
        _hostile.Dispose();
    }

    /// <summary>The source's commits in order, as a peer would ship them.</summary>
    private List<ShippedCommit> SourceCommits()
    {
        var list = new List<ShippedCommit>();
        for (long p = 1; p <= _sourceDb.Position; p++)
        {
            var record = _sourceDb.Stored.CommitRecordOf(_sourceDb.Stored.PositionEntry(p)!.Commit)!;
            list.Add(new ShippedCommit(record.Block, record.OpBlocks));
        }
        return list;
    }

    /// <summary>Opens a session with the victim as a peer that pushes, sends <paramref name="attack"/>,
    /// and returns the victim's error and the frames it answered.</summary>
    private async Task<(CausewayException Error, List<SyncFrame> Answers)> AttackAsync(Func<HostileEnd, Task> attack, SyncOptions? options = null)
    {
        var (theirs, ours) = InProcessChannel.CreatePair("victim", "hostile");
        var accepting = _db.AcceptSyncAsync(theirs, SyncPermission.All, options);
        var end = new HostileEnd(ours, _hostile, _db.Name);
        await end.HandshakeAsync();
        await attack(end);
        var error = await Assert.ThrowsAnyAsync<CausewayException>(async () => await accepting.WaitAsync(TimeSpan.FromSeconds(20)));
        var answers = await end.DrainAsync();
        return (error, answers);
    }

    private async Task AssertUntouchedAndServingAsync(IReadOnlyList<Cid> headsBefore)
    {
        var info = await _db.InfoAsync();
        Assert.Equal(headsBefore, info.Heads);
        Assert.Equal(1, info.Commits);
        Assert.True((await _db.VerifyAsync()).Ok);
        Assert.Empty(_db.Peers.List());
        // Still serving: an honest peer syncs right after.
        var result = await _sourceDb.SyncWithAsync(_db);
        Assert.Equal(3, result.Sent);
        Assert.NotNull(await _db.GetAsync("a", "s2"));
    }

    [Fact]
    public async Task A_tampered_commit_is_refused()
    {
        var heads = (await _db.InfoAsync()).Heads;
        var commits = SourceCommits();
        var tampered = commits[0].OpBlocks[0]!.ToArray();
        tampered[^1] ^= 0x01;
        var (error, answers) = await AttackAsync(end => end.SendAsync(new CommitsFrame([commits[0] with { OpBlocks = [tampered] }])));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains("does not hash", error.Message);
        Assert.Contains(answers, f => f is ErrorFrame { Code: ErrorCodes.InvalidCommit });
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_frame_whose_last_commit_is_tampered_applies_none_of_it()
    {
        // The connection checks a frame's commits ahead of applying it; the good ones before the bad
        // one must not be applied either.
        var heads = (await _db.InfoAsync()).Heads;
        var commits = SourceCommits();
        var tampered = commits[2].OpBlocks[0]!.ToArray();
        tampered[^1] ^= 0x01;
        var frame = new CommitsFrame([commits[0], commits[1], commits[2] with { OpBlocks = [tampered] }]);
        var check = CommitCheck.Of(frame);
        Assert.True(check.Vouches(0) && check.Vouches(1));
        Assert.False(check.Vouches(2));
        var (error, _) = await AttackAsync(end => end.SendAsync(frame));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains("does not hash", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public void A_check_ahead_leaves_an_undecodable_commit_to_the_receiver()
    {
        var commits = SourceCommits();
        var frame = new CommitsFrame([commits[0], commits[1] with { Block = [0xa1, 0x61] }]);
        var check = CommitCheck.Of(frame);
        Assert.True(check.Vouches(0));
        Assert.Equal(Commit.Decode(commits[0].Block).Id, check.Decoded(0).Id);
        Assert.False(check.Vouches(1));
        // Decoding it again raises what decoding raises, at the receiver's turn.
        Assert.ThrowsAny<CausewayException>(() => check.Decoded(1));
    }

    [Fact]
    public async Task A_signed_operation_block_that_does_not_decode_is_refused_in_order()
    {
        // The hostile signs a commit whose operation block hashes to its link but is no operation:
        // the check ahead vouches for hash and signature, and the pipeline, decoding it, refuses the
        // commit and applies nothing of the frame.
        var heads = (await _db.InfoAsync()).Heads;
        var good = SourceCommits()[0];
        var writer = new DagCborWriter();
        writer.WriteStartMap(1);
        writer.WriteText("nope");
        writer.WriteInt64(1);
        writer.WriteEndMap();
        byte[] garbage = writer.Encode();
        var commit = Commit.Create("shop", _hostile, 1, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], [Cid.ForDagCbor(garbage)]);
        var frame = new CommitsFrame([good, new ShippedCommit(commit.Block, [garbage])]);
        var check = CommitCheck.Of(frame);
        Assert.True(check.Vouches(1));
        var (error, _) = await AttackAsync(end => end.SendAsync(frame));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains("unknown field", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_commit_with_a_bad_signature_is_refused()
    {
        var heads = (await _db.InfoAsync()).Heads;
        var commit = SourceCommits()[0];
        var block = commit.Block.ToArray();
        var signature = Commit.Decode(commit.Block).Signature;
        int at = block.AsSpan().IndexOf(signature);
        block[at + 10] ^= 0x40;   // still canonical CBOR, still 64 bytes: only the signature is wrong
        var (error, _) = await AttackAsync(end => end.SendAsync(new CommitsFrame([commit with { Block = block }])));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains("signature", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_forged_origin_is_refused()
    {
        // The hostile peer signs with its own key but names the source as origin.
        var heads = (await _db.InfoAsync()).Heads;
        var real = SourceCommits()[0];
        var forged = Commit.Create("shop", _hostile, 1, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], Commit.Decode(real.Block).Ops);
        var block = System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(forged.Block).Replace(_hostile.Did, _source.Did));
        var (error, _) = await AttackAsync(end => end.SendAsync(new CommitsFrame([new ShippedCommit(block, real.OpBlocks)])));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains(_source.Did, error.Message);
        Assert.Contains("signature", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_gap_in_sequence_numbers_is_refused()
    {
        var heads = (await _db.InfoAsync()).Heads;
        var ops = SourceCommits()[0];
        var skipped = Commit.Create("shop", _hostile, 2, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], Commit.Decode(ops.Block).Ops);
        var (error, _) = await AttackAsync(end => end.SendAsync(new CommitsFrame([new ShippedCommit(skipped.Block, ops.OpBlocks)])));
        Assert.Equal(ErrorCodes.InvalidCommit, error.Code);
        Assert.Contains("gap", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_second_commit_for_a_seq_already_held_is_refused_as_a_fork()
    {
        var commits = SourceCommits();
        await _db.ApplyAsync([new RemoteCommit(Commit.Decode(commits[0].Block), commits[0].OpBlocks)]);
        // The hostile signs two different commits with its seq 1; the victim already holds the first.
        var first = Commit.Create("shop", _hostile, 1, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], Commit.Decode(commits[1].Block).Ops);
        var fork = Commit.Create("shop", _hostile, 1, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1), [], Commit.Decode(commits[1].Block).Ops);
        await _db.ApplyAsync([new RemoteCommit(first, commits[1].OpBlocks)]);
        var heads = (await _db.InfoAsync()).Heads;
        var (error, _) = await AttackAsync(end => end.SendAsync(new CommitsFrame([new ShippedCommit(fork.Block, commits[1].OpBlocks)])));
        Assert.Equal(ErrorCodes.ForkedHistory, error.Code);
        Assert.Contains("forked", error.Message);
        Assert.Contains(first.Id.ToString(), error.Message);
        Assert.Contains(fork.Id.ToString(), error.Message);
        Assert.Equal(heads, (await _db.InfoAsync()).Heads);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0x00, 0x13 })]
    [InlineData(new byte[] { 0x82, 0x65, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x01 })]   // ["hello", 1]: a hello of the wrong shape
    [InlineData(new byte[] { 0x81, 0x64, 0x6e, 0x6f, 0x70, 0x65 })]               // ["nope"]
    [InlineData(new byte[] { })]
    public async Task Garbage_frames_are_refused(byte[] garbage)
    {
        var heads = (await _db.InfoAsync()).Heads;
        var (error, answers) = await AttackAsync(end => end.SendRawAsync(garbage));
        Assert.Equal(ErrorCodes.SyncRefused, error.Code);
        Assert.Contains(answers, f => f is ErrorFrame { Code: ErrorCodes.SyncRefused });
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task An_endless_stream_of_commits_that_never_become_applicable_is_cut_off()
    {
        var heads = (await _db.InfoAsync()).Heads;
        var op = SourceCommits()[0];
        // The hostile's own commits 2, 3, 4…, each on the one before, never commit 1: every one waits
        // for a parent that never comes, until the pending buffer is full and the peer is cut off.
        var options = new SyncOptions { MaxPending = 32, MaxUselessFrames = 4 };
        var parent = Commit.Create("shop", _hostile, 1, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], Commit.Decode(op.Block).Ops);
        var (error, _) = await AttackAsync(async end =>
        {
            for (int seq = 2; seq < 2_000 && !end.Closed; seq += 8)
            {
                var frame = new List<ShippedCommit>();
                for (int k = seq; k < seq + 8; k++)
                {
                    parent = Commit.Create("shop", _hostile, k, HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), k), [parent.Id], parent.Ops);
                    frame.Add(new ShippedCommit(parent.Block, op.OpBlocks));
                }
                await end.SendAsync(new CommitsFrame(frame));
            }
        }, options);
        Assert.Equal(ErrorCodes.SyncRefused, error.Code);
        Assert.Contains("parents never came", error.Message);
        await AssertUntouchedAndServingAsync(heads);
    }

    [Fact]
    public async Task A_hello_for_another_database_or_from_this_very_replica_is_refused()
    {
        var (theirs, ours) = InProcessChannel.CreatePair();
        var accepting = _db.AcceptSyncAsync(theirs, SyncPermission.All);
        await ours.SendAsync(SyncFrameCodec.Encode(new HelloFrame(1, "other", _hostile.Did, new byte[16], new VersionVector(), true, false, Subscription.Everything)), default);
        var error = await Assert.ThrowsAsync<SyncRefusedException>(async () => await accepting);
        Assert.Contains("other", error.Message);

        (theirs, ours) = InProcessChannel.CreatePair();
        accepting = _db.AcceptSyncAsync(theirs, SyncPermission.All);
        await ours.SendAsync(SyncFrameCodec.Encode(new HelloFrame(1, "shop", _victim.Did, new byte[16], new VersionVector(), true, false, Subscription.Everything)), default);
        error = await Assert.ThrowsAsync<SyncRefusedException>(async () => await accepting);
        Assert.Contains("itself", error.Message);
    }

    [Fact]
    public async Task A_proof_signed_by_another_key_is_refused()
    {
        var (theirs, ours) = InProcessChannel.CreatePair();
        var accepting = _db.AcceptSyncAsync(theirs, SyncPermission.All);
        using var impostor = ReplicaIdentity.CreateEphemeral();
        await ours.SendAsync(SyncFrameCodec.Encode(new HelloFrame(1, "shop", _source.Did, new byte[16], new VersionVector(), true, false, Subscription.Everything)), default);
        var hello = (HelloFrame)SyncFrameCodec.Decode((await ours.ReceiveAsync(default))!);
        await ours.SendAsync(SyncFrameCodec.Encode(new ProofFrame(impostor.Sign(SyncFrameCodec.ProofPayload("shop", hello.Nonce, _source.Did)))), default);
        var error = await Assert.ThrowsAsync<SyncRefusedException>(async () => await accepting);
        Assert.Contains("does not hold the key", error.Message);
    }

    [Fact]
    public async Task A_peer_without_write_permission_cannot_push()
    {
        var (theirs, ours) = InProcessChannel.CreatePair();
        var accepting = _db.AcceptSyncAsync(theirs, new SyncPermission(MayPull: true, MayPush: false));
        await ours.SendAsync(SyncFrameCodec.Encode(new HelloFrame(1, "shop", _hostile.Did, new byte[16], new VersionVector(), true, false, Subscription.Everything)), default);
        await Assert.ThrowsAsync<ForbiddenException>(async () => await accepting);
    }

    [Fact]
    public async Task An_endless_websocket_message_is_refused_before_it_fills_memory()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var victimSocket = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        using var hostileSocket = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
        var accepting = _db.AcceptSyncAsync(new WebSocketChannel(victimSocket, "hostile"), SyncPermission.All);

        var chunk = new byte[1 << 20];
        var flooding = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < 200; i++) await hostileSocket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: false, default);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException) { /* the victim hung up */ }
        });
        var error = await Assert.ThrowsAsync<SyncRefusedException>(async () => await accepting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("over the limit", error.Message);
        await flooding.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await _db.InfoAsync()).Commits);
    }

    /// <summary>The hostile side of an in-process channel: a valid handshake under its own key, then whatever the test sends.</summary>
    private sealed class HostileEnd(InProcessChannel channel, ReplicaIdentity identity, string database)
    {
        private readonly byte[] _nonce = new byte[16];
        private readonly List<SyncFrame> _received = [];
        private Task? _draining;

        public bool Closed { get; private set; }

        public async Task HandshakeAsync()
        {
            await SendAsync(new HelloFrame(1, database, identity.Did, _nonce, new VersionVector(), Sends: true, Wants: false, Subscription.Everything));
            var hello = (HelloFrame)await NextAsync();
            Assert.IsType<ProofFrame>(await NextAsync());
            await SendAsync(new ProofFrame(identity.Sign(SyncFrameCodec.ProofPayload(database, hello.Nonce, identity.Did))));
            // Read the victim's answers as they come, so its acks never back up.
            _draining = Task.Run(async () =>
            {
                while (await channel.ReceiveAsync(default) is { } bytes) lock (_received) _received.Add(SyncFrameCodec.Decode(bytes));
            });
        }

        public Task SendAsync(SyncFrame frame) => SendRawAsync(SyncFrameCodec.Encode(frame));

        public async Task SendRawAsync(byte[] bytes)
        {
            try { await channel.SendAsync(bytes, default); }
            catch (PeerUnavailableException) { Closed = true; }
        }

        private async Task<SyncFrame> NextAsync()
        {
            var bytes = await channel.ReceiveAsync(default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("The victim closed the channel.");
            return SyncFrameCodec.Decode(bytes);
        }

        public async Task<List<SyncFrame>> DrainAsync()
        {
            await _draining!.WaitAsync(TimeSpan.FromSeconds(10));
            lock (_received) return [.. _received];
        }
    }
}

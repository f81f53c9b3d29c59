using Causeway.Errors;
using Causeway.Replication;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Tests.Replication;

/// <summary>Two or three replicas in one process, synced over the in-process transport.</summary>
public sealed class SyncTests
{
    private static async Task<(Replica Replica, Database Db)[]> ReplicasAsync(int n, string name = "shop")
    {
        var result = new (Replica, Database)[n];
        for (int i = 0; i < n; i++)
        {
            var replica = Replica.OpenInMemory();
            result[i] = (replica, await replica.CreateDatabaseAsync(name));
        }
        return result;
    }

    [Fact]
    public async Task Once_in_both_directions_exchanges_everything_and_converges()
    {
        var r = await ReplicasAsync(2);
        for (int i = 0; i < 50; i++) await r[0].Db.PutAsync("a", $"d{i}", Value.Map([new("n", Value.Int(i))]));
        for (int i = 0; i < 7; i++) await r[1].Db.PutAsync("b", $"e{i}", Value.Map([]));
        for (int i = 0; i < 30; i++) await r[1].Db.PatchAsync("b", $"e{i % 7}", FieldOp.Increment("count", 1));

        var result = await r[0].Db.SyncWithAsync(r[1].Db);

        Assert.Equal(37, result.Applied);
        Assert.Equal(50, result.Sent);
        var a = await r[0].Db.InfoAsync();
        var b = await r[1].Db.InfoAsync();
        Assert.Equal(a.Heads, b.Heads);
        Assert.Equal(87, a.Commits);
        Assert.Equal(87, b.Commits);
        Assert.Equal(4, (await r[0].Db.GetAsync("b", "e3"))!.Fields.Get("count")!.AsInt());
        Assert.Equal(49, (await r[1].Db.GetAsync("a", "d49"))!.Fields.Get("n")!.AsInt());
        Assert.True((await r[1].Db.VerifyAsync()).Ok);
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task Pull_takes_without_giving_and_a_second_sync_sends_nothing()
    {
        var r = await ReplicasAsync(2);
        await r[0].Db.PutAsync("a", "x", Value.Map([new("v", Value.Int(1))]));
        await r[1].Db.PutAsync("a", "y", Value.Map([new("v", Value.Int(2))]));

        var pulled = await r[0].Db.SyncWithAsync(r[1].Db, SyncDirection.Pull);
        Assert.Equal(1, pulled.Applied);
        // Seen from the replica that accepted it, a pull is a push.
        await using (var link = r[0].Db.Replicate(r[1].Db, SyncDirection.Pull))
        {
            await WaitUntilAsync(() => Task.FromResult(r[1].Db.Peers.List().Any(p => p.Role == "inbound" && p.State == "live")));
            Assert.Equal(SyncDirection.Push, r[1].Db.Peers.List().Single(p => p.Role == "inbound").Direction);
        }
        Assert.Equal(0, pulled.Sent);
        Assert.NotNull(await r[0].Db.GetAsync("a", "y"));
        Assert.Null(await r[1].Db.GetAsync("a", "x"));

        var again = await r[0].Db.SyncWithAsync(r[1].Db, SyncDirection.Pull);
        Assert.Equal(0, again.Applied);
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task A_chain_relays_commits_whose_origin_it_never_reaches()
    {
        var r = await ReplicasAsync(3);
        await r[0].Db.PutAsync("a", "from-0", Value.Map([new("v", Value.Int(0))]));
        await r[2].Db.PutAsync("a", "from-2", Value.Map([new("v", Value.Int(2))]));

        await using var left = r[0].Db.Replicate(r[1].Db);
        await using var right = r[2].Db.Replicate(r[1].Db);
        await WaitUntilAsync(async () => await r[0].Db.GetAsync("a", "from-2") is not null && await r[2].Db.GetAsync("a", "from-0") is not null);

        // Live: a new write at one end reaches the other end through the middle.
        await r[0].Db.PatchAsync("a", "from-0", FieldOp.Set("v", Value.Int(10)));
        await WaitUntilAsync(async () => (await r[2].Db.GetAsync("a", "from-0"))?.Fields.Get("v")?.AsInt() == 10);
        var relayed = await r[2].Db.HistoryAsync("a", "from-0");
        Assert.All(relayed, v => Assert.Equal(r[0].Replica.Did, v.Origin));
        Assert.Contains(r[0].Db.Peers.List(), p => p.Role == "outbound" && p.State == "live");
        Assert.Equal(2, r[1].Db.Peers.List().Count(p => p.Role == "inbound" && p.Direction == SyncDirection.Both));
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task Push_gives_without_taking()
    {
        var r = await ReplicasAsync(2);
        await r[0].Db.PutAsync("a", "x", Value.Map([new("v", Value.Int(1))]));
        await r[1].Db.PutAsync("a", "y", Value.Map([new("v", Value.Int(2))]));

        var pushed = await r[0].Db.SyncWithAsync(r[1].Db, SyncDirection.Push);
        Assert.Equal(1, pushed.Sent);
        Assert.Equal(0, pushed.Applied);
        Assert.NotNull(await r[1].Db.GetAsync("a", "x"));
        Assert.Null(await r[0].Db.GetAsync("a", "y"));
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task A_continuous_link_reconnects_after_the_connection_breaks_and_resumes_from_clocks()
    {
        var r = await ReplicasAsync(2);
        var channels = new List<InProcessChannel>();
        await using var link = r[0].Db.Replicate(ct =>
        {
            var (here, there) = InProcessChannel.CreatePair();
            lock (channels) channels.Add(here);
            _ = r[1].Db.AcceptSyncAsync(there, SyncPermission.All, cancellation: ct).ContinueWith(t => { _ = t.Exception; }, TaskScheduler.Default);
            return Task.FromResult<ISyncChannel>(here);
        }, "flaky");
        await r[0].Db.PutAsync("a", "before", Value.Map([]));
        await WaitUntilAsync(async () => await r[1].Db.GetAsync("a", "before") is not null);

        // Break the connection under the link; it comes back by itself and carries on.
        InProcessChannel first;
        lock (channels) first = channels[0];
        await first.DisposeAsync();
        await r[0].Db.PutAsync("a", "after", Value.Map([]));
        await r[1].Db.PutAsync("a", "other-way", Value.Map([]));
        await WaitUntilAsync(async () => await r[1].Db.GetAsync("a", "after") is not null && await r[0].Db.GetAsync("a", "other-way") is not null);
        Assert.True(link.Status.Attempts >= 2);
        Assert.NotNull(link.Status.LastError);
        Assert.Equal((await r[0].Db.InfoAsync()).Heads, (await r[1].Db.InfoAsync()).Heads);
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task A_peer_that_hangs_up_in_process_ends_the_session_as_unavailable_not_as_a_bad_frame()
    {
        // The end of an in-process channel is a null frame: the reader must take it as the peer
        // closing, not as an empty frame to decode.
        var r = await ReplicasAsync(1);
        var (here, there) = InProcessChannel.CreatePair();
        var syncing = r[0].Db.SyncAsync(here, SyncDirection.Both, SyncMode.Once);
        Assert.NotNull(await there.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));   // its hello
        await there.DisposeAsync();
        var error = await Assert.ThrowsAsync<PeerUnavailableException>(() => syncing.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("closed the connection during the handshake", error.Message);
        foreach (var (replica, _) in r) await replica.DisposeAsync();
    }

    [Fact]
    public async Task A_database_name_mismatch_is_refused_on_both_sides()
    {
        var one = Replica.OpenInMemory();
        var two = Replica.OpenInMemory();
        var a = await one.CreateDatabaseAsync("shop");
        var b = await two.CreateDatabaseAsync("other");
        var error = await Assert.ThrowsAsync<SyncRefusedException>(() => a.SyncWithAsync(b));
        Assert.Contains("database", error.Message);
        await one.DisposeAsync();
        await two.DisposeAsync();
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The replicas did not converge in time.");
            await Task.Delay(20);
        }
    }
}

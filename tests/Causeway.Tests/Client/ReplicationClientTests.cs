using Causeway.Client;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Tests.Http;
using Causeway.Tests.Support;

namespace Causeway.Tests.Client;

/// <summary>ReplicateAsync, ReplicateContinuouslyAsync, PeersAsync and StopPeerAsync against two real servers on loopback.</summary>
public sealed class ReplicationClientTests : IAsyncLifetime
{
    private ServerFixture _a = null!;
    private ServerFixture _b = null!;
    private CausewayClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await ServerFixture.StartOnLoopbackAsync();
        _b = await ServerFixture.StartOnLoopbackAsync();
        _client = _a.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task The_client_replicates_once_and_continuously_lists_and_stops_peers()
    {
        using var b = _b.CreateClient();
        await b.CreateDatabaseAsync("shop");
        for (int i = 0; i < 10; i++) await b.Database("shop").PutJsonAsync("c", $"d{i}", $$"""{"i": {{i}}}""");

        var pulled = await _client.ReplicateAsync("shop", _b.Url, _b.AdminToken, SyncDirection.Pull);
        Assert.Equal(_b.Replica.Did, pulled.PeerDid);
        Assert.Equal(10, pulled.Applied);
        Assert.Equal(10, pulled.Position);
        Assert.Equal(10, pulled.Clock.Get(_b.Replica.Did));

        var link = await _client.ReplicateContinuouslyAsync("shop", _b.Url, _b.AdminToken);
        Assert.Equal("live", link.State);
        Assert.Equal(SyncMode.Continuous, link.Mode);
        Assert.Equal(SyncDirection.Both, link.Direction);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _client.ReplicateContinuouslyAsync("shop", _b.Url, _b.AdminToken));
        await _client.Database("shop").PutJsonAsync("c", "from-a", """{"v": 1}""");
        await SyncWait.UntilAsync(async () => await b.Database("shop").GetAsync("c", "from-a") is not null);

        var peers = await _client.PeersAsync("shop");
        var listed = Assert.Single(peers);
        Assert.Equal(link.Id, listed.Id);
        Assert.Equal(_b.Replica.Did, listed.PeerDid);
        Assert.Contains(await b.PeersAsync("shop"), p => p.Role == "inbound" && p.PeerDid == _a.Replica.Did);

        await _client.StopPeerAsync("shop", link.Id);
        Assert.Empty(await _client.PeersAsync("shop"));
        await Assert.ThrowsAsync<NotFoundException>(() => _client.StopPeerAsync("shop", link.Id));
    }

    [Fact]
    public async Task The_remote_info_of_a_partial_replica_says_what_it_holds_as_the_embedded_one_does()
    {
        using var b = _b.CreateClient();
        await b.CreateDatabaseAsync("shop");
        foreach (var id in new[] { "eu-1", "eu-2", "us-1" }) await b.Database("shop").PutJsonAsync("orders", id, """{"total": 1}""");
        await b.Database("shop").PutJsonAsync("users", "u1", """{"name": "x"}""");

        var holds = Subscription.Of([CollectionSelector.Parse("orders/eu-"), CollectionSelector.Parse("users")]);
        await _client.ReplicateAsync("shop", _b.Url, _b.AdminToken, SyncDirection.Pull, holds);

        var embedded = await _a.Replica.GetDatabase("shop").InfoAsync();
        var remote = await _client.Database("shop").InfoAsync();
        Assert.NotNull(embedded.Holds);
        Assert.Equal(embedded.Holds, remote.Holds);
        Assert.Equal(["orders/eu-", "users"], remote.Holds);
        Assert.Empty(Causeway.Tests.Wire.WireWalk.Differences(embedded, remote)); // the rest of the info too
        // And a full replica says nothing of holds on either side.
        Assert.Null((await b.Database("shop").InfoAsync()).Holds);
        Assert.Null((await _b.Replica.GetDatabase("shop").InfoAsync()).Holds);
    }

    [Fact]
    public async Task Peer_failures_come_back_as_the_engine_exceptions()
    {
        await _client.CreateDatabaseAsync("shop");
        using var b = _b.CreateClient();
        await b.CreateDatabaseAsync("shop");

        var refused = await Assert.ThrowsAsync<SyncRefusedException>(() => _client.ReplicateAsync("shop", _b.Url, "cw_wrong"));
        Assert.Contains("401", refused.Message);
        var forbidden = await Assert.ThrowsAsync<SyncRefusedException>(() => _client.ReplicateAsync("shop", _b.Url, _b.ReadToken, SyncDirection.Push));
        Assert.Contains("may not write", forbidden.Message);
        await Assert.ThrowsAsync<PeerUnavailableException>(() => _client.ReplicateAsync("shop", new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}"), "t"));
        await Assert.ThrowsAsync<NotFoundException>(() => _client.ReplicateAsync("absent", _b.Url, _b.AdminToken, SyncDirection.Push));
        await Assert.ThrowsAsync<InvalidInputException>(() => _client.ReplicateAsync("shop", new Uri("ftp://127.0.0.1/"), "t"));
        await Assert.ThrowsAsync<InvalidInputException>(() => _client.PeersAsync("Bad Name"));
        using var reader = _a.CreateClient(_a.ReadToken);
        await Assert.ThrowsAsync<ForbiddenException>(() => reader.ReplicateAsync("shop", _b.Url, _b.AdminToken));
        Assert.Empty(await reader.PeersAsync("shop"));
    }
}

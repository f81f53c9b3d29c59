using Causeway.Authority;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Values;

namespace Causeway.Tests.Http;

/// <summary>A database created owned over HTTP (<c>PUT /v1/dbs/{db}?owned=true</c>) holds every commit
/// synced into it to a capability from the server's owner, over the real sync WebSocket: a device with
/// its chain pushes its own orders; a replica without authority is refused and leaves nothing.</summary>
public sealed class OwnedDatabaseTests
{
    [Fact]
    public async Task An_owned_database_takes_synced_commits_only_with_a_capability()
    {
        await using var server = await ServerFixture.StartOnLoopbackAsync(new ServerOptions());
        (await server.Admin.PutAsync("/v1/dbs/shop?owned=true", null)).EnsureSuccessStatusCode();
        await (await server.Admin.PutAsync("/v1/dbs/other?owned=maybe", null)).ProblemAsync(400, ErrorCodes.InvalidValue);
        var owner = server.Replica.Key;
        Assert.Equal(owner.Did, server.Replica.GetDatabase("shop").Capabilities.Owner);

        await using var device = Replica.OpenInMemory();
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        var grant = Delegation.Create(owner, device.Did, owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"));
        deviceDb.Capabilities.UseProofs([grant]);
        await deviceDb.PutAsync("orders", "d1-1", Value.Map([new("n", Value.Int(1))]));
        var pushed = await device.SyncWithServerAsync("shop", server.Url, server.AdminToken, Causeway.Replication.SyncDirection.Push);
        Assert.Equal(1, pushed.Sent);
        Assert.NotNull(await server.Replica.GetDatabase("shop").GetAsync("orders", "d1-1"));

        await using var rogue = Replica.OpenInMemory();
        var rogueDb = await rogue.CreateDatabaseAsync("shop");
        await rogueDb.PutAsync("orders", "x1", Value.Map([new("n", Value.Int(2))]));
        // Open with commits meets owned: the session is refused before any commit moves.
        await Assert.ThrowsAnyAsync<CausewayException>(() => rogue.SyncWithServerAsync("shop", server.Url, server.AdminToken, Causeway.Replication.SyncDirection.Push));
        Assert.Null(await server.Replica.GetDatabase("shop").GetAsync("orders", "x1"));
        Assert.Equal(1, server.Replica.GetDatabase("shop").Position);

        // The owner revokes the device's delegation over HTTP: it is also recorded in the owned
        // database, and replicates to the device with the next sync.
        (await server.Admin.PutAsync($"/v1/tokens/{grant.Cid}", HttpExtensions.Json($$"""{"token": "{{TokenText.Encode(grant)}}"}"""))).EnsureSuccessStatusCode();
        (await server.Admin.PostAsync($"/v1/tokens/{grant.Cid}/revoke", null)).EnsureSuccessStatusCode();
        Assert.True(server.Replica.GetDatabase("shop").Capabilities.IsRevoked(grant.Cid));
        await device.SyncWithServerAsync("shop", server.Url, server.AdminToken, Causeway.Replication.SyncDirection.Pull);
        Assert.True(deviceDb.Capabilities.IsRevoked(grant.Cid));
        Assert.Equal(UcanError.Revoked, (await Assert.ThrowsAsync<UcanException>(() => deviceDb.PutAsync("orders", "d1-2", Value.Map([])))).Error);
    }
}

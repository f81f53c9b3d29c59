using Causeway.Authority;
using Causeway.Client;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Tests.Http;
using Causeway.Values;

namespace Causeway.Tests.Client;

/// <summary>The typed client signing for itself against the real server over loopback: a device's key
/// and its chain (owner → shop admin → device, scoped to orders d1-*) read and write within the scope,
/// and a write outside it is the typed 403 naming the proof; nothing of it is written.</summary>
public sealed class SigningClientTests
{
    [Fact]
    public async Task A_device_key_with_its_chain_works_within_its_scope_and_nowhere_else()
    {
        await using var server = await ServerFixture.StartOnLoopbackAsync(new ServerOptions());
        (await server.Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        using var shopAdmin = PrincipalKey.Create();
        using var device = PrincipalKey.Create();
        var owner = server.Replica.Key;
        var admin = Delegation.Create(owner, shopAdmin.Did, owner.Did, "/doc", Scope.Database("shop"), expires: DateTimeOffset.UtcNow.AddDays(1));
        var grant = Delegation.Create(shopAdmin, device.Did, owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"), expires: DateTimeOffset.UtcNow.AddHours(1));

        using var client = new CausewayClient(server.Url, new Credential(device, [admin, grant]));
        var shop = client.Database("shop");
        await shop.PutAsync("orders", "d1-1", Value.Map([new("n", Value.Int(1))]));
        Assert.Equal(1, (await shop.GetAsync("orders", "d1-1"))!.Fields.Get("n")!.AsInt());

        var refused = await Assert.ThrowsAsync<UcanException>(() => shop.PutAsync("orders", "d2-1", Value.Map([new("n", Value.Int(2))])));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(UcanError.MatchError, refused.Error);
        Assert.Equal(grant.Cid.ToString(), refused.Proof);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Admin.GetAsync("/v1/dbs/shop/docs/orders/d2-1")).StatusCode);

        // A key with no chain at all is not the owner: 403 on every database.
        using var stranger = PrincipalKey.Create();
        using var nobody = new CausewayClient(server.Url, new Credential(stranger));
        Assert.Equal(UcanError.InvalidClaim, (await Assert.ThrowsAsync<UcanException>(() => nobody.Database("shop").GetAsync("orders", "d1-1"))).Error);
    }
}

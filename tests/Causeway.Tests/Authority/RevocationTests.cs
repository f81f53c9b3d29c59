using Causeway.Authority;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Tests.Support;
using Causeway.Values;
using Causeway.Encoding;

namespace Causeway.Tests.Authority;

/// <summary>Revocation that replicates: a revocation is a document of <c>_revocations</c>, signed by an
/// issuer in the revoked delegation's chain; commits that rely on the delegation and have the
/// revocation in their causal past are refused on every replica, commits concurrent with it stand.</summary>
public sealed class RevocationTests
{
    private static Value Order(int n) => Value.Map([new("n", Value.Int(n))]);

    [Fact]
    public async Task Concurrent_writes_stand_and_writes_after_the_revocation_are_refused_everywhere()
    {
        await using var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        await using var device = Replica.OpenInMemory();
        var grant = Delegation.Create(owner.Identity.Key, device.Did, owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"));
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        deviceDb.Capabilities.UseProofs([grant]);
        await deviceDb.PutAsync("orders", "d1-1", Order(1));
        await deviceDb.SyncWithAsync(ownerDb);

        // The owner revokes; the device, not knowing yet, writes once more: concurrent, so it stands.
        await ownerDb.Capabilities.RevokeAsync(Revocation.Create(owner.Identity.Key, owner.Did, [grant]));
        Assert.True(ownerDb.Capabilities.IsRevoked(grant.Cid));
        await deviceDb.PutAsync("orders", "d1-2", Order(2));
        await deviceDb.SyncWithAsync(ownerDb);
        Assert.NotNull(await ownerDb.GetAsync("orders", "d1-2"));
        Assert.True(deviceDb.Capabilities.IsRevoked(grant.Cid));

        // Now the device has seen the revocation: its own replica refuses, and so does everyone else.
        var refused = await Assert.ThrowsAsync<UcanException>(() => deviceDb.PutAsync("orders", "d1-3", Order(3)));
        Assert.Equal(UcanError.Revoked, refused.Error);
        Assert.Equal(ErrorCodes.TokenRevoked, refused.Code);
        var info = await deviceDb.InfoAsync();
        var after = ForgedCommits.After(device, deviceDb, deviceDb.Runtime.Record.Clock.Get(device.Did) + 1, info.Heads, "orders", "d1-4",
            new CommitCapability("/doc/write", [grant.Cid]));
        var atOwner = await Assert.ThrowsAsync<InvalidCommitException>(() => ownerDb.ApplyAsync([after]));
        Assert.Contains("revoked", atOwner.Message);

        await using var relay = Replica.OpenInMemory();
        var relayDb = await relay.CreateDatabaseAsync("shop");
        await ownerDb.SyncWithAsync(relayDb);
        Assert.True(relayDb.Capabilities.IsRevoked(grant.Cid));
        Assert.Contains("revoked", (await Assert.ThrowsAsync<InvalidCommitException>(() => relayDb.ApplyAsync([after]))).Message);
        Assert.Equal((await ownerDb.InfoAsync()).Heads, (await relayDb.InfoAsync()).Heads);
        Assert.Equal((await ownerDb.InfoAsync()).Heads, (await deviceDb.InfoAsync()).Heads);

        // An outside program (verify-ledger.mjs) applies the same rule to the exported ledger.
        using var car = new MemoryStream();
        await ownerDb.ExportAsync(car);
        car.Position = 0;
        var reader = new CarReader(car);
        await reader.ReadHeaderAsync();
        var blocks = new Dictionary<Cid, byte[]>();
        while (await reader.ReadBlockAsync() is { } block) blocks[block.Cid] = block.Block;
        var commits = blocks.Values.Select(b => { try { return Commit.Decode(b); } catch (CausewayException) { return null; } }).OfType<Commit>().ToList();
        var entries = commits.Select(c => (object)new { cid = c.Id.ToString(), block = Convert.ToHexString(c.Block), ops = c.Ops.Select(o => Convert.ToHexString(blocks[o])).ToArray() }).ToList();
        entries.Add(new { cid = after.Commit.Id.ToString(), block = Convert.ToHexString(after.Commit.Block), ops = new[] { Convert.ToHexString(after.OpBlocks[0]!) } });
        var results = NodeScript.Run("verify-ledger.mjs", System.Text.Json.JsonSerializer.Serialize(new { owner = owner.Did, proofs = new[] { Convert.ToHexString(blocks[grant.Cid]) }, commits = entries }));
        for (int i = 0; i < commits.Count; i++) Assert.True(results[i].GetProperty("problems").GetArrayLength() == 0, results[i].ToString());
        Assert.Equal([$"authority: proof {grant.Cid} was revoked in its causal past"], results[commits.Count].GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Only_an_issuer_in_the_chain_may_revoke_and_a_forged_revocation_is_refused()
    {
        await using var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        using var device = PrincipalKey.Create();
        using var stranger = PrincipalKey.Create();
        var grant = Delegation.Create(owner.Identity.Key, device.Did, owner.Did, "/doc");
        Assert.Equal(UcanError.InvalidClaim, Assert.Throws<UcanException>(() => Revocation.Create(stranger, owner.Did, [grant])).Error);

        // The device may revoke a delegation it issued itself, further down the chain.
        using var phone = PrincipalKey.Create();
        var onward = Delegation.Create(device, phone.Did, owner.Did, "/doc/read");
        await ownerDb.Capabilities.RevokeAsync(Revocation.Create(device, owner.Did, [grant, onward]));
        Assert.True(ownerDb.Capabilities.IsRevoked(onward.Cid));
        Assert.False(ownerDb.Capabilities.IsRevoked(grant.Cid));
    }

    [Fact]
    public async Task A_revocation_survives_a_restart()
    {
        using var folder = new TempFolder();
        var grantHolder = Replica.OpenInMemory();
        Delegation grant;
        Cid heads;
        {
            await using var owner = await Replica.OpenAsync(folder.Path);
            var ownerDb = await owner.CreateDatabaseAsync("shop");
            ownerDb.Capabilities.SetOwner(owner.Did);
            grant = Delegation.Create(owner.Identity.Key, grantHolder.Did, owner.Did, "/doc");
            await ownerDb.Capabilities.RevokeAsync(Revocation.Create(owner.Identity.Key, owner.Did, [grant]));
            heads = (await ownerDb.InfoAsync()).Heads[0];
        }
        await using var reopened = await Replica.OpenAsync(folder.Path);
        var db = reopened.GetDatabase("shop");
        Assert.True(db.Capabilities.IsRevoked(grant.Cid));
        var holderDb = await grantHolder.CreateDatabaseAsync("shop");
        holderDb.Capabilities.SetOwner(reopened.Did);
        holderDb.Capabilities.UseProofs([grant]);
        var after = ForgedCommits.After(grantHolder, holderDb, 1, [heads], "orders", "o1", new CommitCapability("/doc/write", [grant.Cid]));
        Assert.Contains("revoked", (await Assert.ThrowsAsync<InvalidCommitException>(() => db.ApplyAsync([after]))).Message);
        await grantHolder.DisposeAsync();
    }
}

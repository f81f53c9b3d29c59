using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Security;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>Authority on synced commits, with real sync sessions: an owned database takes a commit only
/// from its owner or from a replica whose UCAN chain covers every operation in it, judged the same way
/// on every replica, directly or through relays that do not own it.</summary>
public sealed class SyncedAuthorityTests
{
    private static Value Order(int n) => Value.Map([new("n", Value.Int(n))]);

    /// <summary>An owner replica, a device allowed only orders/d1-*, and a relay that holds nothing yet.</summary>
    private static async Task<(Replica Owner, Database OwnerDb, Replica Device, Database DeviceDb, Replica Relay, Database RelayDb, Delegation Grant)> ShopAsync()
    {
        var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        var device = Replica.OpenInMemory();
        var grant = Delegation.Create(owner.Identity.Key, device.Did, owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"));
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        deviceDb.Capabilities.UseProofs([grant]);
        var relay = Replica.OpenInMemory();
        var relayDb = await relay.CreateDatabaseAsync("shop");
        return (owner, ownerDb, device, deviceDb, relay, relayDb, grant);
    }

    [Fact]
    public async Task A_device_writes_its_own_documents_and_they_travel_through_a_relay()
    {
        var s = await ShopAsync();
        await s.DeviceDb.PutAsync("orders", "d1-1", Order(1));
        await s.DeviceDb.DeleteAsync("orders", "d1-1");
        await s.DeviceDb.PutAsync("orders", "d1-2", Order(2));

        var block = Commit.Decode(s.DeviceDb.GetCommitBlock((await s.DeviceDb.InfoAsync()).Heads[0])!);
        Assert.Equal("/doc/write", block.Capability!.Command);
        Assert.Equal([s.Grant.Cid], block.Capability.Proofs);

        Assert.Equal(3, (await s.DeviceDb.SyncWithAsync(s.RelayDb)).Sent);
        Assert.Equal(s.Owner.Did, s.RelayDb.Capabilities.Owner);   // learned from the device's hello
        Assert.Equal(3, (await s.RelayDb.SyncWithAsync(s.OwnerDb)).Sent);
        Assert.Equal(2, (await s.OwnerDb.GetAsync("orders", "d1-2"))!.Fields.Get("n")!.AsInt());
        Assert.Null(await s.OwnerDb.GetAsync("orders", "d1-1"));
        Assert.True((await s.OwnerDb.VerifyAsync()).Ok);
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    [Fact]
    public async Task A_device_is_refused_locally_outside_its_delegation_and_nothing_is_written()
    {
        var s = await ShopAsync();
        var refused = await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.PutAsync("orders", "d2-1", Order(1)));
        Assert.Equal(UcanError.MatchError, refused.Error);
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(s.Grant.Cid.ToString(), refused.Proof);
        await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.PutAsync("customers", "d1-1", Order(1)));
        await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.TransactAsync(tx => { tx.Put("orders", "d1-9", Order(9)); tx.Put("orders", "d2-9", Order(9)); }));
        Assert.Equal(0, s.DeviceDb.Position);
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    /// <summary>A replica running a modified program signs a commit its chain does not allow (another
    /// device's order), or one with no capability at all: every replica refuses it, and honest
    /// traffic still flows.</summary>
    [Fact]
    public async Task Commits_outside_the_chain_are_refused_everywhere()
    {
        var s = await ShopAsync();
        await s.DeviceDb.PutAsync("orders", "d1-1", Order(1));
        await s.DeviceDb.SyncWithAsync(s.RelayDb);

        var forged = ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d2-1", new CommitCapability("/doc", [s.Grant.Cid]));
        var viaApply = await Assert.ThrowsAsync<InvalidCommitException>(() => s.OwnerDb.ApplyAsync([forged]));
        Assert.Contains("not authorized", viaApply.Message);
        Assert.Contains(s.Grant.Cid.ToString(), viaApply.Message);

        var bare = ForgedCommits.Make(s.Device, s.DeviceDb, s.RelayDb, "orders", "d1-2", capability: null);
        Assert.Contains("carries no capability", (await Assert.ThrowsAsync<InvalidCommitException>(() => s.RelayDb.ApplyAsync([bare]))).Message);

        var beyond = ForgedCommits.Make(s.Device, s.DeviceDb, s.RelayDb, "orders", "d1-3", new CommitCapability("/doc/read", [s.Grant.Cid]));
        Assert.Contains("does not cover", (await Assert.ThrowsAsync<InvalidCommitException>(() => s.RelayDb.ApplyAsync([beyond]))).Message);

        Assert.Null(await s.OwnerDb.GetAsync("orders", "d2-1"));
        Assert.Equal(1, (await s.RelayDb.SyncWithAsync(s.OwnerDb)).Sent);
        Assert.NotNull(await s.OwnerDb.GetAsync("orders", "d1-1"));
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    /// <summary>A replica whose program skips its own check (the simulator's intruder uses the same
    /// test-only hook) commits outside its delegation through the ordinary API; a real session carries
    /// the commit to the owner, which ends it with invalid_commit and keeps nothing of it.</summary>
    [Fact]
    public async Task A_replica_that_skips_its_own_check_commits_locally_but_its_session_is_refused()
    {
        var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        await using var rogue = Replica.OpenInMemory(new ReplicaOptions { TestOnlyForgeCapability = honest => honest });
        var grant = Delegation.Create(owner.Identity.Key, rogue.Did, owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"));
        var rogueDb = await rogue.CreateDatabaseAsync("shop");
        rogueDb.Capabilities.SetOwner(owner.Did);
        rogueDb.Capabilities.UseProofs([grant]);
        await rogueDb.PutAsync("orders", "d1-1", Order(1));
        await rogueDb.PutAsync("orders", "d2-1", Order(2));   // outside its chain: only the hook lets it through
        var block = Commit.Decode(rogueDb.GetCommitBlock((await rogueDb.InfoAsync()).Heads[0])!);
        Assert.Equal([grant.Cid], block.Capability!.Proofs);

        var refused = await Assert.ThrowsAnyAsync<CausewayException>(() => rogueDb.SyncWithAsync(ownerDb, Causeway.Replication.SyncDirection.Push));
        Assert.Equal(ErrorCodes.InvalidCommit, refused.Code);
        Assert.Null(await ownerDb.GetAsync("orders", "d2-1"));
        Assert.True(ownerDb.Position <= 1, $"the owner is at position {ownerDb.Position}");   // at most the allowed d1-1
        await owner.DisposeAsync();
    }

    /// <summary>Over a real session: a replica that claims the owner but whose commits carry no
    /// authority ends the session with invalid_commit, and the receiver keeps nothing of it.</summary>
    [Fact]
    public async Task A_session_from_a_replica_without_authority_is_refused_and_leaves_nothing()
    {
        var s = await ShopAsync();
        var rogue = Replica.OpenInMemory();
        var rogueDb = await rogue.CreateDatabaseAsync("shop");
        await rogueDb.PutAsync("orders", "x1", Order(1));
        // Its program then claims the owner without any proof: its hello names the owner, its commit has no capability.
        rogue.Authority.Set(rogueDb.Runtime, new AuthorityState(s.Owner.Did, []));
        await Assert.ThrowsAnyAsync<CausewayException>(() => rogueDb.SyncWithAsync(s.OwnerDb, Causeway.Replication.SyncDirection.Push));
        Assert.Equal(0, s.OwnerDb.Position);
        Assert.Null(await s.OwnerDb.GetAsync("orders", "x1"));
        await rogue.DisposeAsync();
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    /// <summary>A chain is checked once, not per commit: many commits under one 3-link chain, written,
    /// relayed and received, establish it once on each replica (each commit is still judged at its own
    /// time and for its own operations), and another origin naming the same proofs is judged afresh.</summary>
    [Fact]
    public async Task A_chain_is_established_once_for_many_commits()
    {
        var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        using var org = PrincipalKey.Create();
        using var shop = PrincipalKey.Create();
        var device = Replica.OpenInMemory();
        Delegation[] chain =
        [
            Delegation.Create(owner.Identity.Key, org.Did, owner.Did, "/", Scope.Database("shop")),
            Delegation.Create(org, shop.Did, owner.Did, "/doc", Scope.Collection("shop", "orders")),
            Delegation.Create(shop, device.Did, owner.Did, "/doc/write", Scope.IdPrefix("shop", "orders", "d1-")),
        ];
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        deviceDb.Capabilities.UseProofs(chain);
        for (int i = 0; i < 200; i++) await deviceDb.PutAsync("orders", $"d1-{i}", Order(i));
        Assert.Equal(1, device.CapabilityChecks.ChainsEstablished);

        var relay = Replica.OpenInMemory();
        var relayDb = await relay.CreateDatabaseAsync("shop");
        Assert.Equal(200, (await deviceDb.SyncWithAsync(relayDb, options: new Causeway.Replication.SyncOptions { BatchCommits = 16 })).Sent);
        Assert.Equal(200, (await relayDb.SyncWithAsync(ownerDb)).Sent);
        Assert.Equal(1, relay.CapabilityChecks.ChainsEstablished);
        Assert.Equal(1, owner.CapabilityChecks.ChainsEstablished);
        Assert.Equal(200, (await ownerDb.InfoAsync()).Documents);

        // The same proofs named by another origin: established for it (and refused), not taken from memory.
        var forged = ForgedCommits.Make(relay, relayDb, ownerDb, "orders", "d1-999", new CommitCapability("/doc/write", [.. chain.Select(c => c.Cid)]));
        Assert.Contains("delegated to", (await Assert.ThrowsAsync<InvalidCommitException>(() => ownerDb.ApplyAsync([forged]))).Message);
        Assert.Equal(2, owner.CapabilityChecks.ChainsEstablished);
        foreach (var r in new[] { owner, device, relay }) await r.DisposeAsync();
    }

    [Fact]
    public async Task Proofs_are_judged_at_the_commit_time_so_an_old_write_stays_valid()
    {
        var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        var device = Replica.OpenInMemory();
        var now = DateTimeOffset.UtcNow;
        var brief = Delegation.Create(owner.Identity.Key, device.Did, owner.Did, "/doc/write", expires: now.AddMinutes(10));
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        deviceDb.Capabilities.UseProofs([brief]);
        await deviceDb.PutAsync("orders", "o1", Order(1));

        // Synced long after the proof expired, the write made while it held still applies.
        var third = Replica.OpenInMemory(new ReplicaOptions { Time = new ShiftedTime(TimeSpan.FromDays(400)) });
        var thirdDb = await third.CreateDatabaseAsync("shop");
        Assert.Equal(1, (await deviceDb.SyncWithAsync(thirdDb)).Sent);
        Assert.NotNull(await thirdDb.GetAsync("orders", "o1"));
        // A commit made after its proof expired (as a wrong clock or a modified program would) is refused.
        var late = ForgedCommits.Make(device, deviceDb, thirdDb, "orders", "o2", new CommitCapability("/doc/write", [brief.Cid]), time: now.AddHours(1));
        var refused = await Assert.ThrowsAsync<InvalidCommitException>(() => thirdDb.ApplyAsync([late]));
        Assert.Contains("expired", refused.Message);
        foreach (var r in new[] { owner, device, third }) await r.DisposeAsync();
    }

    /// <summary>docs/ledger-format.md is enough to check authority from outside: the exported CAR carries
    /// the delegations, and tests/js/verify-ledger.mjs (iso-ucan and @ipld/dag-cbor, no Causeway code)
    /// accepts every commit of an owned database and flags a validly signed one its chain refuses.</summary>
    [Fact]
    public async Task An_outside_program_checks_every_commit_authority_from_the_export()
    {
        var s = await ShopAsync();
        await s.DeviceDb.PutAsync("orders", "d1-1", Order(1));
        await s.DeviceDb.DeleteAsync("orders", "d1-1");
        await s.OwnerDb.PutAsync("customers", "c1", Order(2));
        await s.DeviceDb.SyncWithAsync(s.OwnerDb);
        using var car = new MemoryStream();
        await s.OwnerDb.ExportAsync(car);
        car.Position = 0;
        var reader = new CarReader(car);
        await reader.ReadHeaderAsync();
        var blocks = new Dictionary<Cid, byte[]>();
        while (await reader.ReadBlockAsync() is { } entry) blocks[entry.Cid] = entry.Block;
        Assert.True(blocks.ContainsKey(s.Grant.Cid));

        var commits = blocks.Values.Select(b => { try { return Commit.Decode(b); } catch (CausewayException) { return null; } }).OfType<Commit>().ToList();
        Assert.Equal(3, commits.Count);
        var entries = commits.Select(c => (object)new { cid = c.Id.ToString(), block = Convert.ToHexString(c.Block), ops = c.Ops.Select(o => Convert.ToHexString(blocks[o])).ToArray() }).ToList();
        var forged = ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d2-1", new CommitCapability("/doc/write", [s.Grant.Cid]));
        entries.Add(new { cid = forged.Commit.Id.ToString(), block = Convert.ToHexString(forged.Commit.Block), ops = new[] { Convert.ToHexString(forged.OpBlocks[0]!) } });
        var input = System.Text.Json.JsonSerializer.Serialize(new { owner = s.Owner.Did, proofs = new[] { Convert.ToHexString(blocks[s.Grant.Cid]) }, commits = entries });

        var results = Support.NodeScript.Run("verify-ledger.mjs", input);
        for (int i = 0; i < 3; i++) Assert.True(results[i].GetProperty("problems").GetArrayLength() == 0, results[i].ToString());
        var problems = results[3].GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Single(problems);
        Assert.StartsWith("authority: proof " + s.Grant.Cid, problems[0]);

        // The archive imports into another owned copy: the delegations came with it.
        await using var copy = Replica.OpenInMemory();
        var copyDb = await copy.CreateDatabaseAsync("shop");
        copyDb.Capabilities.SetOwner(s.Owner.Did);
        car.Position = 0;
        Assert.Equal(3, (await copyDb.ImportAsync(car)).Applied);
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    /// <summary>Hostile authority in synced commits: garbage or tampered delegation blocks, a proof
    /// named twice (a cycle), a thousand-link chain, a chain from another owner. Each is refused
    /// as an invalid commit, quickly, and nothing is written.</summary>
    [Fact]
    public async Task Hostile_capabilities_are_refused_and_change_nothing()
    {
        var s = await ShopAsync();
        var stranger = PrincipalKey.Create();
        var foreign = Delegation.Create(stranger, s.Device.Did, stranger.Did, "/doc");
        var tampered = s.Grant.Bytes.ToArray();
        tampered[^3] ^= 1;
        var cases = new (string Why, RemoteCommit Commit)[]
        {
            ("garbage proof", ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d1-1", new CommitCapability("/doc", [Cid.ForDagCbor([1, 2, 3])])) with { ProofBlocks = [[0x82, 0x01]] }),
            ("tampered proof", ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d1-1", new CommitCapability("/doc", [Cid.ForDagCbor(tampered)])) with { ProofBlocks = [tampered] }),
            ("cycle", ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d1-1", new CommitCapability("/doc", [s.Grant.Cid, s.Grant.Cid]))),
            ("long chain", ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d1-1", new CommitCapability("/doc", [.. Enumerable.Repeat(s.Grant.Cid, 1000)]))),
            ("other owner", ForgedCommits.Make(s.Device, s.DeviceDb, s.OwnerDb, "orders", "d1-1", new CommitCapability("/doc", [foreign.Cid])) with { ProofBlocks = [foreign.Bytes.ToArray()] }),
        };
        foreach (var (why, commit) in cases)
        {
            var refused = await Assert.ThrowsAsync<InvalidCommitException>(() => s.OwnerDb.ApplyAsync([commit]));
            Assert.True(refused.Message.Contains("not authorized"), $"{why}: {refused.Message}");
            Assert.Equal(0, s.OwnerDb.Position);
        }
        // Nothing shipped with a refused commit is kept.
        Assert.Null(s.Owner.Authority.Find(foreign.Cid));
        stranger.Dispose();
        foreach (var r in new[] { s.Owner, s.Device, s.Relay }) await r.DisposeAsync();
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}

using Causeway.Authority;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Ledger;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Functions;

/// <summary>Call-only authority through sync: a replica whose chain holds only <c>/fn/call</c> on
/// <c>purchase</c> buys an item by calling it on its own copy (offline), and its commit is taken by
/// the owner, while the same replica can neither write the collections itself nor get a commit that
/// does so accepted, even with a program that skips its own checks.</summary>
public sealed class FunctionAuthorityTests
{
    private static Value Arg(string json) => ValueJson.Parse(json);

    private sealed record Shop(Replica Owner, Database OwnerDb, Replica Device, Database DeviceDb, Delegation Grant) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Device.DisposeAsync();
            await Owner.DisposeAsync();
        }
    }

    /// <summary>The owner's shop with the purchase function, and a device that may only call it (or what <paramref name="command"/> and <paramref name="policy"/> say).</summary>
    private static async Task<Shop> ShopAsync(ReplicaOptions? deviceOptions = null, string command = "/fn/call", Value? policy = null)
    {
        var owner = Replica.OpenInMemory();
        var ownerDb = await owner.CreateDatabaseAsync("shop");
        ownerDb.Capabilities.SetOwner(owner.Did);
        await StoredFunctionTests.SeedShopAsync(ownerDb);
        await ownerDb.DefineFunctionAsync(new FunctionDefinition("purchase", StoredFunctionTests.Purchase, StoredFunctionTests.PurchaseRole));
        await ownerDb.DefineFunctionAsync(new FunctionDefinition("refund", "function (a) { db.patch('players', a.player, [{ op: 'increment', path: 'credits', by: 1000 }]); }", StoredFunctionTests.PurchaseRole));
        var device = Replica.OpenInMemory(deviceOptions);
        var grant = Delegation.Create(owner.Identity.Key, device.Did, owner.Did, command, policy ?? Scope.Function("shop", "purchase"));
        var deviceDb = await device.CreateDatabaseAsync("shop");
        deviceDb.Capabilities.SetOwner(owner.Did);
        deviceDb.Capabilities.UseProofs([grant]);
        await deviceDb.SyncWithAsync(ownerDb, SyncDirection.Pull);
        return new Shop(owner, ownerDb, device, deviceDb, grant);
    }

    [Fact]
    public async Task A_call_only_replica_buys_offline_and_the_owner_takes_its_commit()
    {
        await using var s = await ShopAsync();
        var call = await s.DeviceDb.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        Assert.Equal(Arg("""{ "paid": 30, "left": 70 }"""), call.Result);
        var block = Commit.Decode(s.DeviceDb.GetCommitBlock(call.Commit!.Value)!);
        Assert.Equal("/fn/call", block.Capability!.Command);
        Assert.Equal([s.Grant.Cid], block.Capability.Proofs);

        Assert.Equal(1, (await s.DeviceDb.SyncWithAsync(s.OwnerDb, SyncDirection.Push)).Sent);
        Assert.Equal(1L, (await s.OwnerDb.GetAsync("items", "cat"))!["stock"]!.AsInt());
        Assert.Equal(70L, (await s.OwnerDb.GetAsync("players", "ann"))!["credits"]!.AsInt());
        Assert.True((await s.OwnerDb.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_call_made_before_its_function_was_deleted_still_stands()
    {
        await using var s = await ShopAsync();
        await s.DeviceDb.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""));
        await s.OwnerDb.DeleteFunctionAsync("purchase");
        await s.DeviceDb.SyncWithAsync(s.OwnerDb, SyncDirection.Both);
        Assert.Equal(1L, (await s.OwnerDb.GetAsync("items", "cat"))!["stock"]!.AsInt());
        Assert.Null(await s.DeviceDb.GetFunctionAsync("purchase"));
        await Assert.ThrowsAsync<NotFoundException>(() => s.DeviceDb.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }""")));
    }

    [Fact]
    public async Task A_call_only_replica_cannot_write_the_collections_or_call_another_function()
    {
        await using var s = await ShopAsync();
        long position = s.DeviceDb.Position;
        var direct = await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.PatchAsync("players", "ann", FieldOp.Increment("credits", 1000)));
        Assert.Equal(ErrorCodes.Forbidden, direct.Code);
        await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.PutJsonAsync("items", "dog", """{ "price": 1 }"""));
        var other = await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.CallAsync("refund", Arg("""{ "player": "ann" }""")));
        Assert.Contains("refund", other.Message);
        await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.DefineFunctionAsync(new FunctionDefinition("mine", "function () {}", [])));
        Assert.Equal(position, s.DeviceDb.Position);
    }

    /// <summary>A device whose program skips its own checks: its direct write and a call record
    /// whose writes lie outside the function's role are both refused by the owner.</summary>
    [Fact]
    public async Task Forged_commits_of_a_call_only_replica_are_refused_by_its_peers()
    {
        await using var s = await ShopAsync(new ReplicaOptions { TestOnlyForgeCapability = honest => honest });
        await s.DeviceDb.PatchAsync("players", "ann", FieldOp.Increment("credits", 1000));   // only the hook lets it through here
        var refused = await Assert.ThrowsAnyAsync<CausewayException>(() => s.DeviceDb.SyncWithAsync(s.OwnerDb, SyncDirection.Push));
        Assert.Equal(ErrorCodes.InvalidCommit, refused.Code);
        Assert.Equal(100L, (await s.OwnerDb.GetAsync("players", "ann"))!["credits"]!.AsInt());

        var outside = Forge(s, new CommitCapability("/fn/call", [s.Grant.Cid]),
            (SystemCollections.Calls, "c-1", Arg("""{ "fn": "purchase", "caller": "x" }""")), ("admins", "me", Arg("""{ "root": true }""")));
        var e = await Assert.ThrowsAsync<InvalidCommitException>(() => s.OwnerDb.ApplyAsync([outside]));
        Assert.Contains("role does not allow", e.Message);
        var unnamed = Forge(s, new CommitCapability("/fn/call", [s.Grant.Cid]),
            (SystemCollections.Calls, "c-2", Arg("""{ "fn": "refund", "caller": "x" }""")), ("players", "ann", Arg("""{ "credits": 5000 }""")));
        Assert.Contains("not authorized", (await Assert.ThrowsAsync<InvalidCommitException>(() => s.OwnerDb.ApplyAsync([unnamed]))).Message);
        Assert.Null(await s.OwnerDb.GetAsync("admins", "me"));
    }

    [Fact]
    public async Task A_definer_cannot_give_a_function_more_than_it_holds_and_peers_check_the_same()
    {
        var define = Value.Array([Value.String("=="), Value.String(".db"), Value.String("shop")]);
        await using var s = await ShopAsync(command: "/", policy: Value.Array([define, Value.Array([Value.String("or"), Value.Array([
            Value.Array([Value.String("=="), Value.String(".coll?"), Value.String("items")]),
            Value.Array([Value.String("=="), Value.String(".fn?"), Value.String("stock")])])])]));
        var escalation = await Assert.ThrowsAsync<UcanException>(() => s.DeviceDb.DefineFunctionAsync(
            new FunctionDefinition("stock", "function () {}", [new FunctionGrant("/doc/write", ["items", "players"])])));
        Assert.Equal(ErrorCodes.Forbidden, escalation.Code);
        var defined = await s.DeviceDb.DefineFunctionAsync(new FunctionDefinition("stock", "function (a) { db.patch('items', a.item, [{ op: 'increment', path: 'stock', by: 5 }]); }", [new FunctionGrant("/doc/write", ["items"])]));
        Assert.Equal(s.Device.Did, defined.Definer);
        await s.DeviceDb.SyncWithAsync(s.OwnerDb, SyncDirection.Push);
        Assert.Equal(s.Device.Did, (await s.OwnerDb.GetFunctionAsync("stock"))!.Definer);
        await s.OwnerDb.CallAsync("stock", Arg("""{ "item": "cat" }"""));
        Assert.Equal(7L, (await s.OwnerDb.GetAsync("items", "cat"))!["stock"]!.AsInt());
    }

    [Fact]
    public async Task A_retry_with_the_same_key_on_another_replica_after_sync_answers_the_first_result()
    {
        await using var s = await ShopAsync();
        var options = new CallOptions("order-7");
        var first = await s.DeviceDb.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), options);
        await s.DeviceDb.SyncWithAsync(s.OwnerDb, SyncDirection.Push);
        long position = s.OwnerDb.Position;
        var retry = await s.OwnerDb.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), options);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Result, retry.Result);
        Assert.Equal(first.Commit, retry.Commit);
        Assert.Equal(position, s.OwnerDb.Position);
        Assert.Equal(1L, (await s.OwnerDb.GetAsync("items", "cat"))!["stock"]!.AsInt());
    }

    [Fact]
    public async Task A_retry_after_a_restart_answers_the_first_result()
    {
        using var folder = new TempFolder();
        CallResult first;
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = await replica.CreateDatabaseAsync("shop");
            await StoredFunctionTests.SeedShopAsync(db);
            await db.DefineFunctionAsync(new FunctionDefinition("purchase", StoredFunctionTests.Purchase, StoredFunctionTests.PurchaseRole));
            first = await db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("k-1"));
        }
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = replica.GetDatabase("shop");
            var retry = await db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("k-1"));
            Assert.True(retry.Replayed);
            Assert.Equal(first.Result, retry.Result);
            Assert.Equal(1L, (await db.GetAsync("items", "cat"))!["stock"]!.AsInt());
        }
    }

    [Fact]
    public async Task An_expired_key_runs_again()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var replica = Replica.OpenInMemory(new ReplicaOptions { Time = time });
        var db = await replica.CreateDatabaseAsync("shop");
        await StoredFunctionTests.SeedShopAsync(db);
        await db.DefineFunctionAsync(new FunctionDefinition("purchase", StoredFunctionTests.Purchase, StoredFunctionTests.PurchaseRole));
        await db.Functions.SetLimitsAsync(FunctionLimits.Default with { IdempotencyRetention = TimeSpan.FromHours(1) });
        await db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("k"));
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("k"))).Replayed);
        time.Advance(TimeSpan.FromMinutes(2));
        var again = await db.CallAsync("purchase", Arg("""{ "item": "cat", "player": "ann" }"""), new CallOptions("k"));
        Assert.False(again.Replayed);
        Assert.Equal(0L, (await db.GetAsync("items", "cat"))!["stock"]!.AsInt());
    }

    /// <summary>Signs, as the device, a commit of whole documents its program would never make.</summary>
    private static RemoteCommit Forge(Shop s, CommitCapability capability, params (string Collection, string Id, Value Document)[] documents)
    {
        var clock = Causeway.Clocks.HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
        long seq = s.OwnerDb.Runtime.Record.Clock.Get(s.Device.Did) + 1;
        var context = new Causeway.Documents.EffectContext(s.Device.Did, seq, clock);
        var ops = documents.Select(d =>
        {
            var editor = new Causeway.Documents.DocumentEditor(new Causeway.Documents.DocumentState(), context);
            editor.Apply(new Causeway.Documents.DocumentIntent.Put(d.Document), $"{d.Collection}/{d.Id}");
            return DocumentOp.Create(d.Collection, d.Id, editor.Effects, context, new DagCborWriter());
        }).ToList();
        var commit = Commit.Create("shop", s.Device.Identity, seq, clock, s.OwnerDb.Runtime.Record.Heads, [.. ops.Select(o => o.Cid)], capability);
        return new RemoteCommit(commit, [.. ops.Select(o => o.Block)]) { ProofBlocks = [s.Grant.Bytes.ToArray()] };
    }
}

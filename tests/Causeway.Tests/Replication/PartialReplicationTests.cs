using Causeway.Ledger;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Values;

namespace Causeway.Tests.Replication;

/// <summary>A partial replica holds some collections (or id prefixes) of a database: it receives
/// projections of commits that still verify, answers correctly for what it holds, and says clearly
/// when asked for what it does not hold.</summary>
public sealed class PartialReplicationTests : IAsyncLifetime
{
    private Replica _server = null!;
    private Database _full = null!;

    public async Task InitializeAsync()
    {
        _server = Replica.OpenInMemory();
        _full = await _server.CreateDatabaseAsync("shop");
        for (int i = 0; i < 5; i++)
        {
            await _full.TransactAsync(tx =>
            {
                tx.Put("orders", $"eu-{i}", Value.Map([new("total", Value.Int(10 * i))]));
                tx.Put("orders", $"us-{i}", Value.Map([new("total", Value.Int(i))]));
                tx.Put("users", $"u{i}", Value.Map([new("name", Value.String($"user {i}"))]));
                return Task.CompletedTask;
            });
        }
        await _full.PutAsync("logs", "l1", Value.Map([new("line", Value.String("x"))]));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Subscription Holds(params string[] selectors) => Subscription.Of(selectors.Select(CollectionSelector.Parse));

    [Fact]
    public async Task A_partial_replica_gets_only_what_it_holds_and_its_ledger_still_verifies()
    {
        await using var phone = Replica.OpenInMemory();
        var partial = await phone.CreateDatabaseAsync("shop", Holds("orders"));
        var result = await partial.SyncWithAsync(_full, SyncDirection.Pull);

        Assert.Equal(6, result.Applied);   // every commit, the logs one with no operation at all
        var info = await partial.InfoAsync();
        Assert.Equal((await _full.InfoAsync()).Heads, info.Heads);
        Assert.Equal(["orders"], info.Holds);
        Assert.Equal(10, info.Documents);
        Assert.Equal(40, (await partial.GetAsync("orders", "eu-4"))!.Fields.Get("total")!.AsInt());
        Assert.Equal(10, (await partial.QueryAsync(Query.In("orders").Take(100))).Documents.Count);
        Assert.Single(await partial.HistoryAsync("orders", "us-3"));
        var report = await partial.VerifyAsync();
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        // The wire carried no user or log documents.
        Assert.True(result.BytesReceived < 6 * 1024, $"{result.BytesReceived} bytes");
    }

    [Fact]
    public async Task Reads_and_writes_outside_what_is_held_are_refused_clearly()
    {
        await using var phone = Replica.OpenInMemory();
        var partial = await phone.CreateDatabaseAsync("shop", Holds("orders/eu-"));
        await partial.SyncWithAsync(_full, SyncDirection.Pull);

        Assert.NotNull(await partial.GetAsync("orders", "eu-1"));
        var read = await Assert.ThrowsAsync<NotHeldException>(() => partial.GetAsync("orders", "us-1"));
        Assert.Contains("orders/eu-", read.Message);
        await Assert.ThrowsAsync<NotHeldException>(() => partial.GetAsync("users", "u1"));
        await Assert.ThrowsAsync<NotHeldException>(() => partial.HistoryAsync("users", "u1"));
        var query = await Assert.ThrowsAsync<NotHeldException>(() => partial.QueryAsync(Query.In("orders")));
        Assert.Contains("all of collection 'orders'", query.Message);
        long before = partial.Position;
        await Assert.ThrowsAsync<NotHeldException>(() => partial.PutAsync("users", "u9", Value.Map([])));
        await Assert.ThrowsAsync<NotHeldException>(() => partial.TransactAsync(tx => { tx.Put("orders", "eu-9", Value.Map([])); tx.Put("orders", "us-9", Value.Map([])); return Task.CompletedTask; }));
        Assert.Equal(before, partial.Position);
        Assert.Equal(ErrorCodes.NotHeld, read.Code);
        Assert.Equal(409, ErrorCodes.HttpStatus(read.Code));
    }

    [Fact]
    public async Task A_partial_replica_writes_what_it_holds_and_pushes_it_to_the_full_one()
    {
        await using var phone = Replica.OpenInMemory();
        var partial = await phone.CreateDatabaseAsync("shop", Holds("orders"));
        await partial.SyncWithAsync(_full, SyncDirection.Pull);
        await partial.PatchAsync("orders", "eu-2", FieldOp.Set("paid", Value.Bool(true)));
        await _full.PutAsync("users", "u9", Value.Map([]));   // concurrent, outside what the phone holds

        var result = await partial.SyncWithAsync(_full, SyncDirection.Both);
        Assert.Equal(1, result.Sent);
        Assert.True((await _full.GetAsync("orders", "eu-2"))!.Fields.Get("paid")!.AsBool());
        Assert.Equal((await _full.InfoAsync()).Heads, (await partial.InfoAsync()).Heads);
        Assert.True((await _full.VerifyAsync()).Ok);
        Assert.True((await partial.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Projections_relay_down_a_chain_of_narrowing_replicas()
    {
        await using var edge = Replica.OpenInMemory();
        await using var phone = Replica.OpenInMemory();
        var middle = await edge.CreateDatabaseAsync("shop", Holds("orders", "users"));
        var leaf = await phone.CreateDatabaseAsync("shop", Holds("orders/us-"));
        await middle.SyncWithAsync(_full, SyncDirection.Pull);
        await leaf.SyncWithAsync(middle, SyncDirection.Pull);
        Assert.Equal(5, (await leaf.InfoAsync()).Documents);
        Assert.Equal((await _full.InfoAsync()).Heads, (await leaf.InfoAsync()).Heads);
        Assert.True((await leaf.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_replica_that_needs_whole_commits_is_told_a_partial_one_cannot_give_them()
    {
        await using var phone = Replica.OpenInMemory();
        await using var other = Replica.OpenInMemory();
        var partial = await phone.CreateDatabaseAsync("shop", Holds("orders"));
        await partial.SyncWithAsync(_full, SyncDirection.Pull);
        var fresh = await other.CreateDatabaseAsync("shop");

        var error = await Assert.ThrowsAsync<SyncRefusedException>(() => fresh.SyncWithAsync(partial, SyncDirection.Pull));
        Assert.Contains("only in part", error.Message);
        Assert.Equal(0, (await fresh.InfoAsync()).Commits);

        // Once it has the whole commits from the full replica, the partial one can give it the rest.
        await fresh.SyncWithAsync(_full, SyncDirection.Pull);
        await partial.PutAsync("orders", "new", Value.Map([]));
        var result = await fresh.SyncWithAsync(partial, SyncDirection.Pull);
        Assert.Equal(1, result.Applied);
        Assert.True((await fresh.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_full_replica_refuses_a_projection()
    {
        await using var other = Replica.OpenInMemory();
        var full = await other.CreateDatabaseAsync("shop");
        var record = _full.Stored.CommitRecordOf(_full.Stored.PositionEntry(1)!.Commit)!;
        var projection = new RemoteCommit(Causeway.Ledger.Commit.Decode(record.Block), [.. record.OpBlocks.Select((b, i) => i == 0 ? null : b)]);
        var error = await Assert.ThrowsAsync<InvalidCommitException>(() => full.ApplyAsync([projection]));
        Assert.Contains("whole commits only", error.Message);
        Assert.Equal(0, (await full.InfoAsync()).Commits);
    }

    [Fact]
    public async Task What_a_partial_replica_holds_survives_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("causeway-partial-").FullName;
        try
        {
            await using (var phone = await Replica.OpenAsync(folder))
            {
                var partial = await phone.CreateDatabaseAsync("shop", Holds("orders/eu-", "users"));
                Assert.Equal(Holds("orders/eu-", "users"), partial.Holds);
            }
            await using (var phone = await Replica.OpenAsync(folder))
            {
                var partial = phone.GetDatabase("shop");
                Assert.Equal(Holds("orders/eu-", "users"), partial.Holds);
                await partial.SyncWithAsync(_full, SyncDirection.Pull);
                Assert.Equal(10, (await partial.InfoAsync()).Documents);
            }
            await using (var phone = await Replica.OpenAsync(folder))
            {
                var partial = phone.GetDatabase("shop");
                Assert.Equal(Holds("orders/eu-", "users"), partial.Holds);
                Assert.True((await partial.VerifyAsync()).Ok);
                await Assert.ThrowsAsync<NotHeldException>(() => partial.GetAsync("logs", "l1"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

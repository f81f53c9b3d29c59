using Causeway.Security;
using Causeway.Storage;
using Causeway.Values;

namespace Causeway.Tests.Transactions;

/// <summary>What the version cache holds: a document once read or written again, not one a commit
/// just created (a load would fill memory with documents nothing reads soon); and always the newest
/// version.</summary>
public sealed class VersionCacheTests
{
    private static Value Item(int n) => Value.Map([new("n", Value.Int(n))]);

    private static async Task<(Replica Replica, Database Db, uint Id)> OpenAsync()
    {
        var replica = Replica.Open(new MemoryStore(), ReplicaIdentity.CreateEphemeral());
        var db = await replica.CreateDatabaseAsync("shop");
        return (replica, db, db.Stored.Runtime.Id);
    }

    [Fact]
    public async Task A_created_document_is_cached_once_read_and_reads_see_it_either_way()
    {
        var (replica, db, id) = await OpenAsync();
        await using var _ = replica;
        await db.PutAsync("items", "a", Item(1));

        Assert.False(replica.DocumentCache.Holds(id, "items", "a"));
        Assert.Equal(1, (await db.GetAsync("items", "a"))!.Fields.Get("n")!.AsInt());
        Assert.True(replica.DocumentCache.Holds(id, "items", "a"));
    }

    [Fact]
    public async Task Reads_of_a_cached_version_answer_one_completed_task_and_a_new_version_another()
    {
        var (replica, db, _) = await OpenAsync();
        await using var __ = replica;
        await db.PutAsync("items", "t", Item(1));
        var first = db.GetAsync("items", "t");
        var again = db.GetAsync("items", "t");
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Same(first, again);
        await db.PutAsync("items", "t", Item(2));
        var after = db.GetAsync("items", "t");
        Assert.NotSame(first, after);
        Assert.Equal(2, (await after)!.Fields.Get("n")!.AsInt());
        Assert.Equal(1, (await first)!.Fields.Get("n")!.AsInt());
        // Absent documents share one task, with nothing in it.
        Assert.Same(db.GetAsync("items", "none"), db.GetAsync("items", "other"));
        Assert.Null(await db.GetAsync("items", "none"));
    }

    [Fact]
    public async Task A_document_written_again_is_cached_with_its_newest_version()
    {
        var (replica, db, id) = await OpenAsync();
        await using var _ = replica;
        await db.PutAsync("items", "b", Item(1));
        var second = await db.PutAsync("items", "b", Item(2));

        Assert.True(replica.DocumentCache.TryGet(id, "items", "b", out var cached));
        Assert.Equal(second.Position, cached.Position);
        Assert.Equal(2, (await db.GetAsync("items", "b"))!.Fields.Get("n")!.AsInt());
    }

    [Fact]
    public async Task Many_created_documents_leave_the_cache_empty_and_each_reads_back()
    {
        var (replica, db, id) = await OpenAsync();
        await using var _ = replica;
        await db.TransactAsync(tx =>
        {
            for (int i = 0; i < 500; i++) tx.Put("items", $"i{i}", Item(i));
            return Task.CompletedTask;
        });

        Assert.Equal(0, Enumerable.Range(0, 500).Count(i => replica.DocumentCache.Holds(id, "items", $"i{i}")));
        for (int i = 0; i < 500; i += 50)
            Assert.Equal(i, (await db.GetAsync("items", $"i{i}"))!.Fields.Get("n")!.AsInt());
    }
}

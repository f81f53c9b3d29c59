using Causeway.Errors;
using Causeway.Security;
using Causeway.Storage;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Tests.Transactions;

/// <summary>The commit pipeline's group commit: commits that queue while a write is on its way to disk
/// are staged together and written in one durable batch; each commit is visible whole or not at all,
/// and one refused in a group fails alone.</summary>
public sealed class GroupCommitTests
{
    private const int Commits = 64;

    [Fact]
    public async Task Concurrent_commits_land_in_fewer_durable_batches_each_visible_all_at_once()
    {
        using var store = new CountingStore(new MemoryStore());
        await using var replica = Replica.Open(store, ReplicaIdentity.CreateEphemeral());
        var db = await replica.CreateDatabaseAsync("shop");
        var (results, batches) = await CommitWhileTheFirstIsHeldAsync(store, i => db.TransactAsync(tx =>
        {
            // Each commit writes two documents: a reader must see both or neither.
            tx.Put("pairs", $"p{i}-a", Value.Map([new("i", Value.Int(i))]));
            tx.Put("pairs", $"p{i}-b", Value.Map([new("i", Value.Int(i))]));
            return Task.CompletedTask;
        }));

        Assert.All(results, r => Assert.True(r.IsCompletedSuccessfully, r.Exception?.ToString()));
        var written = await Task.WhenAll(results);
        Assert.True(batches <= Commits / 8, $"{Commits} concurrent commits took {batches} durable batches: they were not grouped");
        Assert.Equal(Commits, written.Select(r => r.Position).Distinct().Count());
        for (int i = 0; i < Commits; i++)
        {
            long position = written[i].Position;
            foreach (var side in new[] { "a", "b" })
            {
                Assert.NotNull(await db.GetAsync("pairs", $"p{i}-{side}", ReadPoint.AtPosition(position)));
                Assert.Null(await db.GetAsync("pairs", $"p{i}-{side}", ReadPoint.AtPosition(position - 1)));
            }
        }
        Assert.Equal(2 * Commits, (await db.InfoAsync()).Documents);
        Assert.True((await db.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_group_with_many_documents_stores_each_version_as_its_own()
    {
        // Past CommitPipeline.VersionsEncodedAhead documents a group encodes its versions on all
        // cores; read back from disk (no cache), each document is the one written, at its position.
        int documents = CommitPipeline.VersionsEncodedAhead * 3;
        static Value Fields(int i, int round) => Value.Map([new("i", Value.Int(i)), new("round", Value.Int(round)), new("name", Value.String($"n{i}-{round}"))]);
        using var folder = new Support.TempFolder();
        var positions = new long[2];
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = await replica.CreateDatabaseAsync("shop");
            for (int round = 0; round < 2; round++)
            {
                int r = round;
                // The second round rewrites every other document, so its group holds versions with a past.
                positions[round] = (await db.TransactAsync(tx =>
                {
                    for (int i = r; i < documents; i += r + 1) tx.Put("items", $"i{i}", Fields(i, r));
                    return Task.CompletedTask;
                })).Position;
            }
        }
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = replica.GetDatabase("shop");
            for (int i = 0; i < documents; i++)
            {
                int round = i % 2 == 1 ? 1 : 0;
                var document = await db.GetAsync("items", $"i{i}");
                Assert.NotNull(document);
                Assert.Equal(Fields(i, round), document.Fields);
                Assert.Equal(positions[round], document.Position);
                Assert.Equal(Fields(i, 0), (await db.GetAsync("items", $"i{i}", ReadPoint.AtPosition(positions[0])))!.Fields);
                Assert.Equal(round + 1, (await db.HistoryAsync("items", $"i{i}")).Count);
            }
            Assert.True((await db.VerifyAsync()).Ok);
        }
    }

    [Fact]
    public async Task One_refused_commit_in_a_group_fails_alone()
    {
        using var store = new CountingStore(new MemoryStore());
        await using var replica = Replica.Open(store, ReplicaIdentity.CreateEphemeral());
        var db = await replica.CreateDatabaseAsync("shop");
        // Every eighth commit (but the first, which leads) asks for a document that is not there: refused while staged.
        static bool Refused(int i) => i % 8 == 7;
        var (results, batches) = await CommitWhileTheFirstIsHeldAsync(store, i => Refused(i)
            ? db.PutAsync("items", $"i{i}", Value.Map([new("i", Value.Int(i))]), WriteCondition.IfExists)
            : db.PutAsync("items", $"i{i}", Value.Map([new("i", Value.Int(i))])));

        Assert.True(batches <= Commits / 8, $"{Commits} concurrent commits took {batches} durable batches: they were not grouped");
        for (int i = 0; i < Commits; i++)
        {
            if (Refused(i))
            {
                var e = await Assert.ThrowsAsync<PreconditionFailedException>(() => results[i]);
                Assert.Equal(ErrorCodes.PreconditionFailed, e.Code);
                Assert.Null(await db.GetAsync("items", $"i{i}"));
            }
            else
            {
                Assert.True(results[i].IsCompletedSuccessfully, $"commit {i} failed with its group: {results[i].Exception}");
                Assert.Equal(i, (await db.GetAsync("items", $"i{i}"))!.Fields.Get("i")!.AsInt());
            }
        }
        int accepted = Enumerable.Range(0, Commits).Count(i => !Refused(i));
        Assert.Equal(accepted, (await db.InfoAsync()).Documents);
        var positions = new HashSet<long>();
        foreach (var r in results.Where(r => r.IsCompletedSuccessfully)) positions.Add((await r).Position);
        Assert.Equal(accepted, positions.Count);
        Assert.True((await db.VerifyAsync()).Ok);
    }

    /// <summary>Holds the first commit's durable write in the store while the other commits are made, so
    /// they queue behind it; returns every commit's task and how many durable batches they took.</summary>
    private static async Task<(Task<WriteResult>[] Results, int Batches)> CommitWhileTheFirstIsHeldAsync(CountingStore store, Func<int, Task<WriteResult>> commit)
    {
        int before = store.DurableWrites;
        store.Hold();
        var results = new Task<WriteResult>[Commits];
        results[0] = Task.Run(() => commit(0));
        Assert.True(store.Holding.Wait(TimeSpan.FromSeconds(30)), "the first commit never reached the store");
        for (int i = 1; i < Commits; i++) results[i] = commit(i);
        store.Release();
        try { await Task.WhenAll(results).WaitAsync(TimeSpan.FromSeconds(60)); }
        catch (CausewayException) { }
        return (results, store.DurableWrites - before);
    }

    /// <summary>A store that counts durable batches and can hold its next write until released.</summary>
    private sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
    {
        private readonly ManualResetEventSlim _released = new(true);
        private int _durableWrites;

        public ManualResetEventSlim Holding { get; } = new(false);
        public int DurableWrites => Volatile.Read(ref _durableWrites);

        public void Hold() { Holding.Reset(); _released.Reset(); }
        public void Release() => _released.Set();

        public void Write(StoreBatch batch, bool durable)
        {
            if (!_released.IsSet)
            {
                Holding.Set();
                if (!_released.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("the held write was never released");
            }
            if (durable) Interlocked.Increment(ref _durableWrites);
            inner.Write(batch, durable);
        }

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);
        public IKeyCursor Scan(ReadOnlySpan<byte> prefix) => inner.Scan(prefix);
        public IStoreSnapshot OpenSnapshot() => inner.OpenSnapshot();
        public void Dispose() => inner.Dispose();
    }
}

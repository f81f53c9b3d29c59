using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Tests.Support;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Tests.Engine;

/// <summary>Per-database quotas (docs/api.md, Quotas) on replicas in RocksDB on disk: each refuses past
/// its limit with its error and leaves nothing behind, counts survive restarts and deletes, and commits
/// that arrive by sync are counted but never refused.</summary>
public sealed class QuotaTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new();

    public void Dispose() => _folder.Dispose();

    private Task<Replica> OpenAsync(string name = "a") => Replica.OpenAsync(Path.Combine(_folder.Path, name), new ReplicaOptions { Time = _time });

    private static Value Doc(string json) => ValueJson.Parse(json);

    /// <summary>The bytes a document counts for: its fields as DAG-CBOR.</summary>
    private static long Size(string json) => ValueCbor.Encode(Doc(json)).Length;

    [Fact]
    public async Task A_write_past_the_documents_quota_is_refused_and_writes_nothing_and_a_delete_makes_room()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.PutJsonAsync("orders", "o1", """{"n": 1}""");
        var status = await db.Quotas.SetAsync(new QuotaLimits(Documents: 2));
        Assert.Equal(new QuotaLimits(Documents: 2), status.Limits);
        await db.PutJsonAsync("orders", "o2", """{"n": 2}""");
        long position = db.Position;

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => db.PutJsonAsync("orders", "o3", """{"n": 3}"""));
        Assert.Equal(ErrorCodes.QuotaExceeded, refused.Code);
        Assert.Equal("Database 'shop' is limited to 2 documents; this write would have made it 3.", refused.Message);
        Assert.Equal(403, ErrorCodes.HttpStatus(refused.Code));
        Assert.Equal(position, db.Position);
        Assert.Null(await db.GetAsync("orders", "o3"));
        Assert.Equal(2, db.Quotas.Usage.Documents);
        Assert.Equal(2, (await db.InfoAsync()).Documents);
        await Assert.ThrowsAsync<QuotaExceededException>(() => db.CreateAsync("orders", Doc("""{"n": 3}""")));
        Assert.Equal(position, db.Position);

        // What does not add a document passes: a change to one, a delete; the delete makes room.
        await db.PatchAsync("orders", "o1", FieldOp.Set("n", Value.Int(10)));
        await db.DeleteAsync("orders", "o1");
        Assert.Equal(1, db.Quotas.Usage.Documents);
        await db.PutJsonAsync("orders", "o3", """{"n": 3}""");
        Assert.Equal(2, db.Quotas.Usage.Documents);
    }

    [Fact]
    public async Task The_bytes_quota_counts_each_live_documents_fields_as_DAG_CBOR_and_refuses_growth_past_it()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("shop");
        string small = """{"name": "lamp"}""", big = """{"name": "lamp", "note": "a long description of a lamp"}""";
        await db.PutJsonAsync("items", "i1", small);
        await db.PutJsonAsync("items", "i2", small);
        Assert.Equal(2 * Size(small), db.Quotas.Usage.Bytes);
        long limit = 2 * Size(small) + 5;
        await db.Quotas.SetAsync(new QuotaLimits(Bytes: limit));

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => db.PutJsonAsync("items", "i1", big));
        Assert.Equal($"Database 'shop' is limited to {limit} bytes of documents; this write would have made it {Size(small) + Size(big)}.", refused.Message);
        Assert.Equal(Doc(small), (await db.GetAsync("items", "i1"))!.Fields);
        Assert.Equal(2 * Size(small), db.Quotas.Usage.Bytes);

        // Shrinking passes; a deleted document counts nothing.
        await db.PutJsonAsync("items", "i2", "{}");
        Assert.Equal(Size(small) + Size("{}"), db.Quotas.Usage.Bytes);
        await db.DeleteAsync("items", "i2");
        Assert.Equal(Size(small), db.Quotas.Usage.Bytes);
        await db.Quotas.SetAsync(new QuotaLimits(Bytes: Size(big)));   // exactly at the limit is within it
        await db.PutJsonAsync("items", "i1", big);
        Assert.Equal(Size(big), db.Quotas.Usage.Bytes);
    }

    /// <summary>Writes that queue while the pipeline is busy are staged together in one group, each on top
    /// of the ones before it and before any of them is durable: each is checked against the count with
    /// those, so exactly the quota gets in. (The store holds the first write until the rest are queued.)</summary>
    [Fact]
    public async Task Writes_staged_together_fill_the_quota_exactly()
    {
        using var store = new HeldStore(Causeway.Storage.RocksDbStore.Open(Path.Combine(_folder.Path, "held")));
        await using var replica = Replica.Open(store, Causeway.Security.ReplicaIdentity.CreateEphemeral(), new ReplicaOptions { Time = _time });
        var db = await replica.CreateDatabaseAsync("shop");
        await db.Quotas.SetAsync(new QuotaLimits(Documents: 10));

        store.Hold();
        var first = Task.Run(() => db.PutJsonAsync("orders", "o0", """{"n": 1}"""));
        Assert.True(store.Holding.Wait(TimeSpan.FromSeconds(30)), "the first write never reached the store");
        // Called here, each queues at once behind the write the store holds (the pipeline is busy).
        var queued = Enumerable.Range(1, 30).Select(i => db.PutJsonAsync("orders", $"o{i}", """{"n": 1}""")).ToList();
        store.Release();
        await first;
        try { await Task.WhenAll(queued); } catch (QuotaExceededException) { }

        Assert.Equal(9, queued.Count(w => w.IsCompletedSuccessfully));
        Assert.All(queued.Where(w => w.IsFaulted), w => Assert.IsType<QuotaExceededException>(w.Exception!.InnerException));
        Assert.Equal(10, db.Quotas.Usage.Documents);
        Assert.Equal(10, (await db.InfoAsync()).Documents);
        Assert.Equal(10, db.Position);   // setting a quota makes no commit
    }

    /// <summary>A store that can hold its next write until released.</summary>
    private sealed class HeldStore(Causeway.Storage.IKeyValueStore inner) : Causeway.Storage.IKeyValueStore
    {
        private readonly ManualResetEventSlim _released = new(true);
        public ManualResetEventSlim Holding { get; } = new(false);

        public void Hold() => _released.Reset();
        public void Release() => _released.Set();

        public void Write(Causeway.Storage.StoreBatch batch, bool durable)
        {
            if (!_released.IsSet)
            {
                Holding.Set();
                _released.Wait(TimeSpan.FromSeconds(60));
            }
            inner.Write(batch, durable);
        }

        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);
        public Causeway.Storage.IKeyCursor Scan(ReadOnlySpan<byte> prefix) => inner.Scan(prefix);
        public Causeway.Storage.IStoreSnapshot OpenSnapshot() => inner.OpenSnapshot();
        public void Dispose() => inner.Dispose();
    }

    /// <summary>The pipeline stages a group while the one before it is written; when that write fails, it
    /// stages again from what is durable, at the same positions. The count follows.</summary>
    [Fact]
    public void A_count_staged_for_a_group_that_failed_is_dropped_when_its_positions_are_staged_again()
    {
        var book = new Causeway.Quotas.QuotaBook();
        book.Load(QuotaLimits.None, new Causeway.Quotas.QuotaCount(4, 10, 100));
        Assert.Equal(new Causeway.Quotas.QuotaCount(5, 11, 120), book.Stage(5, 1, 20));
        book.Stage(6, 1, 20);
        book.Published(5);
        Assert.Equal(new Causeway.Quotas.QuotaCount(5, 11, 120), book.Durable);
        Assert.Equal(new Causeway.Quotas.QuotaCount(6, 12, 140), book.Before(7));
        // The group with position 6 failed: 6 is staged again, from the durable 5.
        Assert.Equal(new Causeway.Quotas.QuotaCount(5, 11, 120), book.Before(6));
        Assert.Null(book.StagedAt(6));
        Assert.Equal(new Causeway.Quotas.QuotaCount(6, 10, 110), book.Stage(6, -1, -10));
    }

    [Fact]
    public async Task A_transaction_over_a_quota_is_refused_whole()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.PutJsonAsync("orders", "o0", "{}");
        await db.Quotas.SetAsync(new QuotaLimits(Documents: 3));
        long position = db.Position;
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => db.TransactAsync(tx =>
        {
            tx.Put("orders", "o1", Doc("{}"));
            tx.Put("orders", "o2", Doc("{}"));
            tx.Put("orders", "o3", Doc("{}"));
        }));
        Assert.Contains("would have made it 4", refused.Message);
        Assert.Equal(position, db.Position);
        foreach (var id in new[] { "o1", "o2", "o3" }) Assert.Null(await db.GetAsync("orders", id));
        Assert.Equal(1, db.Quotas.Usage.Documents);

        // A transaction that deletes as many as it adds stays within it.
        await db.TransactAsync(tx =>
        {
            tx.Put("orders", "o1", Doc("{}"));
            tx.Put("orders", "o2", Doc("{}"));
        });
        await db.TransactAsync(tx =>
        {
            tx.Delete("orders", "o0");
            tx.Put("orders", "o3", Doc("{}"));
        });
        Assert.Equal(3, db.Quotas.Usage.Documents);
    }

    [Fact]
    public async Task Quotas_and_counts_survive_a_restart()
    {
        long bytes;
        await using (var replica = await OpenAsync())
        {
            var db = await replica.CreateDatabaseAsync("shop");
            for (int i = 0; i < 5; i++) await db.PutJsonAsync("orders", $"o{i}", $$"""{"n": {{i}}}""");
            await db.DeleteAsync("orders", "o4");
            await db.Quotas.SetAsync(new QuotaLimits(4, 1000, 50, 3));
            bytes = db.Quotas.Usage.Bytes;
            Assert.Equal(4 * Size("""{"n": 0}"""), bytes);
        }
        await using (var replica = await OpenAsync())
        {
            var db = replica.GetDatabase("shop");
            Assert.Equal(new QuotaLimits(4, 1000, 50, 3), db.Quotas.Limits);
            Assert.Equal(new QuotaUsage(4, bytes, 0), db.Quotas.Usage);
            await Assert.ThrowsAsync<QuotaExceededException>(() => db.PutJsonAsync("orders", "o9", "{}"));
            await db.DeleteAsync("orders", "o0");
            await db.PutJsonAsync("orders", "o9", "{}");
            Assert.Equal(4, db.Quotas.Usage.Documents);
        }
    }

    /// <summary>A store without the running count (written before quotas existed, or by a version that did
    /// not keep it) is counted once at open, and the count is the same.</summary>
    [Fact]
    public async Task A_store_without_the_count_is_counted_at_open()
    {
        QuotaUsage usage;
        uint id;
        string folder = Path.Combine(_folder.Path, "a");
        await using (var replica = await OpenAsync())
        {
            var db = await replica.CreateDatabaseAsync("shop");
            await db.SetSchemaAsync(SchemaJson.Parse("""{ "collections": { "orders": { "fields": { "n": { "type": "integer" } } } } }"""));
            for (int i = 0; i < 4; i++) await db.PutJsonAsync("orders", $"o{i}", $$"""{"n": {{i}}, "tags": ["a"]}""");
            await db.DeleteAsync("orders", "o2");
            usage = db.Quotas.Usage;
            id = db.Runtime.Id;
            Assert.Equal(3, usage.Documents); // _schema/current is the engine's, not counted
        }
        using (var store = Causeway.Storage.RocksDbStore.Open(Path.Combine(folder, Replica.StoreFolder)))
        {
            Assert.NotNull(store.Get(StoreLayout.LocalKey(id, "usage")));
            store.Write(new Causeway.Storage.StoreBatch().Delete(StoreLayout.LocalKey(id, "usage")), durable: true);
        }
        await using (var replica = await OpenAsync())
            Assert.Equal(usage, replica.GetDatabase("shop").Quotas.Usage);
    }

    [Fact]
    public async Task Commits_that_arrive_by_sync_are_counted_but_never_refused()
    {
        await using var a = await OpenAsync("a");
        await using var b = await OpenAsync("b");
        var here = await a.CreateDatabaseAsync("shop");
        var there = await b.CreateDatabaseAsync("shop");
        await here.PutJsonAsync("orders", "mine", "{}");
        await here.Quotas.SetAsync(new QuotaLimits(Documents: 1, Bytes: 1));   // already over bytes: {} is 1 byte, fine; more is not
        for (int i = 0; i < 3; i++) await there.PutJsonAsync("orders", $"theirs{i}", """{"big": "xxxxxxxxxx"}""");

        var result = await here.SyncWithAsync(there, SyncDirection.Pull);
        Assert.Equal(3, result.Applied);
        Assert.Equal(4, here.Quotas.Usage.Documents);
        Assert.Equal(Size("{}") + 3 * Size("""{"big": "xxxxxxxxxx"}"""), here.Quotas.Usage.Bytes);
        // Quotas are this replica's own: the peer has none.
        Assert.Equal(QuotaLimits.None, there.Quotas.Limits);

        await Assert.ThrowsAsync<QuotaExceededException>(() => here.PutJsonAsync("orders", "more", "{}"));
        await here.DeleteAsync("orders", "theirs0");   // over the quota, a delete still passes
        Assert.Equal(3, here.Quotas.Usage.Documents);
    }

    [Fact]
    public async Task Writes_past_the_rate_are_refused_with_how_long_to_wait_until_time_moves_on()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.Quotas.SetAsync(new QuotaLimits(WritesPerSecond: 3));
        await db.PutJsonAsync("c", "a", "{}");
        _time.Advance(TimeSpan.FromMilliseconds(400));
        await db.TransactAsync(tx => { tx.Put("c", "b", Doc("{}")); tx.Put("c", "c", Doc("{}")); });   // one write
        await db.PatchAsync("c", "a", FieldOp.Set("x", Value.Int(1)));
        long position = db.Position;

        var refused = await Assert.ThrowsAsync<RateLimitedException>(() => db.PutJsonAsync("c", "d", "{}"));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal("Database 'shop' is limited to 3 writes per second; this write would have made it 4 in the last second.", refused.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(600), refused.RetryAfter);   // until the first of the three is a second old
        await Assert.ThrowsAsync<RateLimitedException>(() => db.DeleteAsync("c", "a"));
        await Assert.ThrowsAsync<RateLimitedException>(() => db.CreateAsync("c", Doc("{}")));
        Assert.Equal(position, db.Position);
        Assert.Null(await db.GetAsync("c", "d"));

        _time.Advance(TimeSpan.FromMilliseconds(599));
        await Assert.ThrowsAsync<RateLimitedException>(() => db.PutJsonAsync("c", "d", "{}"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await db.PutJsonAsync("c", "d", "{}");                                  // the first write left the window
        await Assert.ThrowsAsync<RateLimitedException>(() => db.PutJsonAsync("c", "e", "{}"));
        _time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 3; i++) await db.PutJsonAsync("c", $"f{i}", "{}");

        // No limit: no refusal.
        await db.Quotas.SetAsync(QuotaLimits.None);
        for (int i = 0; i < 10; i++) await db.PutJsonAsync("c", $"g{i}", "{}");
    }

    [Fact]
    public async Task A_sync_session_past_the_quota_is_refused_at_open()
    {
        await using var a = await OpenAsync("a");
        await using var b = await OpenAsync("b");
        var here = await a.CreateDatabaseAsync("shop");
        var there = await b.CreateDatabaseAsync("shop");
        await here.Quotas.SetAsync(new QuotaLimits(SyncSessions: 1));
        await using (var link = here.Replicate(there))
        {
            Assert.Equal(1, here.Quotas.Usage.SyncSessions);
            var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => here.SyncWithAsync(there));
            Assert.Equal("Database 'shop' is limited to 1 open sync sessions; this session would have made it 2.", refused.Message);
            Assert.Throws<QuotaExceededException>(() => here.Replicate(there));
            Assert.Throws<QuotaExceededException>(() => here.Quotas.CheckSessionRoom());
            // The peer accepting: refused on this side too.
            await Assert.ThrowsAnyAsync<CausewayException>(() => there.SyncWithAsync(here));
            Assert.Single(here.Peers.List());
        }
        Assert.Equal(0, here.Quotas.Usage.SyncSessions);
        await there.PutJsonAsync("c", "d", "{}");
        Assert.Equal(1, (await here.SyncWithAsync(there)).Applied);
    }

    [Fact]
    public async Task Limits_out_of_range_are_refused_and_change_nothing()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.Quotas.SetAsync(new QuotaLimits(Documents: 5));
        foreach (var bad in new[] { new QuotaLimits(Documents: -1), new QuotaLimits(Bytes: -5), new QuotaLimits(SyncSessions: -1),
                     new QuotaLimits(WritesPerSecond: 0), new QuotaLimits(WritesPerSecond: QuotaLimits.MaxWritesPerSecond + 1) })
        {
            var refused = await Assert.ThrowsAsync<InvalidInputException>(() => db.Quotas.SetAsync(bad));
            Assert.Equal(ErrorCodes.InvalidValue, refused.Code);
        }
        Assert.Equal(new QuotaLimits(Documents: 5), db.Quotas.Limits);
        // Zero is a limit: nothing more may be added.
        await db.Quotas.SetAsync(new QuotaLimits(Documents: 0, Bytes: 0, SyncSessions: 0));
        await Assert.ThrowsAsync<QuotaExceededException>(() => db.PutJsonAsync("c", "d", "{}"));
    }

    [Fact]
    public async Task The_engines_own_collections_and_other_databases_do_not_count()
    {
        await using var replica = await OpenAsync();
        var db = await replica.CreateDatabaseAsync("acme");
        var child = await replica.CreateDatabaseAsync("acme.shop");
        await db.Quotas.SetAsync(new QuotaLimits(Documents: 1, Bytes: 100));
        await db.SetSchemaAsync(SchemaJson.Parse("""{ "collections": { "orders": { "fields": { "total": { "type": "integer" } } } } }"""));
        Assert.Equal(new QuotaUsage(0, 0, 0), db.Quotas.Usage);
        for (int i = 0; i < 3; i++) await child.PutJsonAsync("orders", $"o{i}", """{"total": 1}""");
        Assert.Equal(0, db.Quotas.Usage.Documents);
        await db.PutJsonAsync("orders", "o1", """{"total": 1}""");

        // A dropped and re-created database starts without quotas.
        await replica.DropDatabaseAsync("acme");
        var again = await replica.CreateDatabaseAsync("acme");
        Assert.Equal(new QuotaStatus(QuotaLimits.None, new QuotaUsage(0, 0, 0)), again.Quotas.Status);
    }
}

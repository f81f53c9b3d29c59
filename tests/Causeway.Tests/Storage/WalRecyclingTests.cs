using Causeway.Storage;
using Causeway.Tests.Support;

namespace Causeway.Tests.Storage;

/// <summary>The store reuses its write-ahead logs in place once their memtables are flushed, and
/// <see cref="ReplicaOptions.StoreWriteBufferBytes"/> sizes the memtable. RocksDB turns recycling off
/// without a word under some WAL recovery modes, so its own log is read to see that it happened.</summary>
public sealed class WalRecyclingTests
{
    [Fact]
    public void The_store_reuses_an_old_write_ahead_log_once_it_has_moved_past_two()
    {
        using var folder = new TempFolder();
        using (var store = RocksDbStore.Open(folder.Path, writeBufferBytes: 64 << 10))
        {
            // ~1 MB of synced writes through a 64 KB memtable: a dozen log moves.
            for (int i = 0; i < 1000; i++)
                store.Write(new StoreBatch().Put(System.Text.Encoding.UTF8.GetBytes($"k{i:D5}"), new byte[1000]), durable: true);
        }
        var log = File.ReadAllText(Path.Combine(folder.Path, "LOG"));
        Assert.Contains("recycle_log_file_num: 4", log);
        Assert.Contains("reusing log", log);

        using var reopened = RocksDbStore.Open(folder.Path, writeBufferBytes: 64 << 10);
        for (int i = 0; i < 1000; i += 111) Assert.NotNull(reopened.Get(System.Text.Encoding.UTF8.GetBytes($"k{i:D5}")));
    }

    [Fact]
    public async Task A_replica_opens_with_the_write_buffer_it_is_given_and_refuses_one_below_64_KiB()
    {
        Assert.Equal(64L << 20, new ReplicaOptions().StoreWriteBufferBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaOptions { StoreWriteBufferBytes = 1000 });
        using var folder = new TempFolder();
        await using (var replica = await Replica.OpenAsync(folder.Path, new ReplicaOptions { StoreWriteBufferBytes = 64 << 10 }))
        {
            var db = await replica.CreateDatabaseAsync("d");
            for (int i = 0; i < 200; i++) await db.PutJsonAsync("c", $"a{i}", $$"""{ "k": {{i}}, "body": "{{new string('x', 500)}}" }""");
        }
        Assert.Contains("write_buffer_size: 65536", File.ReadAllText(Path.Combine(folder.Path, Replica.StoreFolder, "LOG")));
        await using var again = await Replica.OpenAsync(folder.Path);
        Assert.Equal(199, (await again.TryGetDatabase("d")!.GetAsync("c", "a199"))!.Fields.Get("k")!.AsInt());
    }

    [Fact]
    public async Task A_backup_of_a_store_that_reuses_its_logs_restores_every_write_it_holds()
    {
        using var folder = new TempFolder();
        string source = Path.Combine(folder.Path, "source"), backup = Path.Combine(folder.Path, "backup"), restored = Path.Combine(folder.Path, "restored");
        var options = new ReplicaOptions { StoreWriteBufferBytes = 64 << 10 };
        await using (var replica = await Replica.OpenAsync(source, options))
        {
            var db = await replica.CreateDatabaseAsync("d");
            for (int i = 0; i < 400; i++) await db.PutJsonAsync("c", $"a{i}", $$"""{ "k": {{i}}, "body": "{{new string('x', 500)}}" }""");
            Assert.Contains("reusing log", File.ReadAllText(Path.Combine(source, Replica.StoreFolder, "LOG")));
            await replica.BackupAsync(backup);
            // Written after the backup: must not be in it.
            await db.PutJsonAsync("c", "later", """{ "k": -1 }""");
        }
        await Replica.RestoreAsync(backup, restored, fence: false);
        await using var opened = await Replica.OpenAsync(restored, options);
        var restoredDb = opened.TryGetDatabase("d")!;
        for (int i = 0; i < 400; i++) Assert.Equal(i, (await restoredDb.GetAsync("c", $"a{i}"))!.Fields.Get("k")!.AsInt());
        Assert.Null(await restoredDb.GetAsync("c", "later"));
        Assert.True((await restoredDb.VerifyAsync()).Ok);
    }
}

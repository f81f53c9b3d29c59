using System.Text;
using Causeway.Storage;
using Causeway.Tests.Support;

namespace Causeway.Tests.Storage;

/// <summary>The behaviour every store must share; run against each implementation.</summary>
public abstract class StoreContractTests : IDisposable
{
    protected abstract IKeyValueStore Store { get; }

    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
    private static string S(ReadOnlySpan<byte> b) => System.Text.Encoding.UTF8.GetString(b);

    [Fact]
    public void Batch_is_applied_whole()
    {
        Store.Write(new StoreBatch().Put(B("a"), B("1")).Put(B("b"), B("2")).Delete(B("zz")), durable: true);
        Assert.Equal("1", S(Store.Get(B("a"))));
        Assert.Equal("2", S(Store.Get(B("b"))));
        Store.Write(new StoreBatch().Put(B("a"), B("3")).Delete(B("b")), durable: false);
        Assert.Equal("3", S(Store.Get(B("a"))));
        Assert.Null(Store.Get(B("b")));
    }

    [Fact]
    public void A_key_written_twice_in_a_batch_keeps_its_last_write_and_a_write_after_a_range_delete_survives_it()
    {
        Store.Write(new StoreBatch().Put(B("r2"), B("old")).Put(B("r5"), B("old")), durable: false);
        Store.Write(new StoreBatch().Put(B("q"), B("1")).Put(B("p"), B("x")).Put(B("q"), B("2")).Delete(B("p")).Delete(B("o")).Put(B("o"), B("3")), durable: true);
        Assert.Equal("2", S(Store.Get(B("q"))));
        Assert.Null(Store.Get(B("p")));
        Assert.Equal("3", S(Store.Get(B("o"))));
        Store.Write(new StoreBatch().Put(B("r9"), B("new")).DeleteRange(B("r0"), B("r99")).Put(B("r5"), B("new")), durable: true);
        Assert.Null(Store.Get(B("r2")));
        Assert.Null(Store.Get(B("r9")));
        Assert.Equal("new", S(Store.Get(B("r5"))));
    }

    [Fact]
    public void Snapshot_does_not_see_later_writes()
    {
        Store.Write(new StoreBatch().Put(B("k1"), B("old")), durable: false);
        using var snapshot = Store.OpenSnapshot();
        Store.Write(new StoreBatch().Put(B("k1"), B("new")).Put(B("k2"), B("x")), durable: false);
        Assert.Equal("old", S(snapshot.Get(B("k1"))));
        Assert.Null(snapshot.Get(B("k2")));
        Assert.Single(snapshot.ScanAll(B("k")));
        Assert.Equal(2, Store.ScanAll(B("k")).Count());
    }

    [Fact]
    public void A_cursor_sees_every_write_made_before_it_opened_though_cursors_before_it_were_closed_after_reading()
    {
        // The RocksDB store keeps a closed cursor's iterator for the next cursor: it must be brought
        // up to date, also for keys, overwrites, deletes and range deletes written while it sat idle.
        Store.Write(new StoreBatch().Put(B("c1"), B("a")), durable: false);
        for (int round = 0; round < 20; round++)
        {
            using (var cursor = Store.Scan(B("c")))
            {
                Assert.True(cursor.SeekToFirst());
                Assert.Equal(round == 0 ? "a" : $"v{round - 1}", S(cursor.Value));
            }
            var batch = new StoreBatch().Put(B("c1"), B($"v{round}")).Put(B($"c2-{round:D2}"), B("x"));
            if (round % 3 == 2) batch.Delete(B($"c2-{round - 1:D2}"));
            if (round % 5 == 4) batch.DeleteRange(B("c2-00"), B($"c2-{round - 2:D2}"));
            Store.Write(batch, durable: round % 2 == 0);
            var now = Store.ScanAll(B("c2-")).Select(e => S(e.Key)).ToList();
            Assert.Contains($"c2-{round:D2}", now);
            if (round % 3 == 2) Assert.DoesNotContain($"c2-{round - 1:D2}", now);
            if (round % 5 == 4) Assert.DoesNotContain("c2-00", now);
        }
    }

    [Fact]
    public void Scan_stays_inside_its_prefix_in_both_directions()
    {
        var batch = new StoreBatch();
        foreach (var k in new[] { "a", "p", "p\x01", "p1", "p2", "p\xFF", "q", "pz" }) batch.Put(B(k), B(k));
        Store.Write(batch, durable: false);
        var forward = Store.ScanAll(B("p")).Select(e => S(e.Key)).ToList();
        Assert.Equal(["p", "p\x01", "p1", "p2", "pz", "p\xFF"], forward.Select(x => x).ToList());
        var backward = Store.ScanAll(B("p"), reverse: true).Select(e => S(e.Key)).ToList();
        forward.Reverse();
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void Seek_and_seek_for_prev_find_neighbours()
    {
        var batch = new StoreBatch();
        foreach (var k in new[] { "x10", "x20", "x30", "y00" }) batch.Put(B(k), B(k));
        Store.Write(batch, durable: false);
        using var cursor = Store.Scan(B("x"));
        Assert.True(cursor.Seek(B("x15")));
        Assert.Equal("x20", S(cursor.Key));
        Assert.True(cursor.SeekForPrev(B("x25")));
        Assert.Equal("x20", S(cursor.Key));
        Assert.True(cursor.SeekForPrev(B("x30")));
        Assert.Equal("x30", S(cursor.Key));
        Assert.False(cursor.Seek(B("x31")), "no key ≥ x31 inside prefix x");
        Assert.False(cursor.SeekForPrev(B("x0")), "no key ≤ x0 inside prefix x");
        Assert.True(cursor.SeekToLast());
        Assert.Equal("x30", S(cursor.Key));
    }

    [Fact]
    public void Delete_range_removes_exactly_the_half_open_interval()
    {
        var batch = new StoreBatch();
        foreach (var k in new[] { "d1", "d2", "d3", "e1" }) batch.Put(B(k), B(k));
        Store.Write(batch, durable: false);
        Store.Write(new StoreBatch().DeleteRange(B("d2"), B("e1")), durable: true);
        Assert.NotNull(Store.Get(B("d1")));
        Assert.Null(Store.Get(B("d2")));
        Assert.Null(Store.Get(B("d3")));
        Assert.NotNull(Store.Get(B("e1")));
    }

    public virtual void Dispose() => Store.Dispose();
}

public sealed class MemoryStoreTests : StoreContractTests
{
    protected override IKeyValueStore Store { get; } = new MemoryStore();
}

public sealed class RocksDbStoreTests : StoreContractTests
{
    private readonly TempFolder _folder = new();
    private RocksDbStore? _store;
    protected override IKeyValueStore Store => _store ??= RocksDbStore.Open(_folder.Path);

    [Fact]
    public async Task A_closed_cursors_iterator_is_kept_for_the_next_cursor_then_closed_once_idle_through_a_sweep()
    {
        var store = (RocksDbStore)Store;
        store.Write(new StoreBatch().Put("k"u8.ToArray(), "v"u8.ToArray()), durable: false);
        using (var first = store.Scan("k"u8)) Assert.True(first.SeekToFirst());
        using (var second = store.Scan("k"u8)) Assert.True(second.SeekToFirst());
        Assert.Equal(1, store.IdleIterators);   // the second cursor took the first one's iterator
        // Idle iterators pin the tables they were made on: they are closed within two sweeps of a second.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (store.IdleIterators > 0 && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.Equal(0, store.IdleIterators);
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Data_survives_reopen()
    {
        Store.Write(new StoreBatch().Put("k"u8.ToArray(), "v"u8.ToArray()), durable: true);
        Store.Dispose();
        _store = RocksDbStore.Open(_folder.Path);
        Assert.Equal("v"u8.ToArray(), Store.Get("k"u8));
    }

    public override void Dispose()
    {
        base.Dispose();
        _folder.Dispose();
    }
}

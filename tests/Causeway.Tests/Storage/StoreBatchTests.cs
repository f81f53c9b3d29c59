using Causeway.Storage;
using CsCheck;

namespace Causeway.Tests.Storage;

/// <summary>A batch handed to RocksDB in key order, each key once, means what the batch in its own order means.</summary>
public sealed class StoreBatchTests
{
    // Few keys, so batches repeat them; a range delete now and then.
    private static readonly Gen<StoreBatch.Operation> Operations = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 6], Gen.Int[0, 6], Gen.Int[0, 99]).Select((kind, key, end, value) => kind switch
    {
        0 => new StoreBatch.Operation(StoreBatch.Kind.Delete, [(byte)key], []),
        1 when value < 10 => new StoreBatch.Operation(StoreBatch.Kind.DeleteRange, [(byte)Math.Min(key, end)], [(byte)(Math.Max(key, end) + 1)]),
        _ => new StoreBatch.Operation(StoreBatch.Kind.Put, [(byte)key], [(byte)value]),
    });

    private static readonly Gen<StoreBatch> Batches = Operations.Array[0, 40].Select(operations =>
    {
        var batch = new StoreBatch();
        foreach (var op in operations)
        {
            switch (op.Kind)
            {
                case StoreBatch.Kind.Put: batch.Put(op.Key, op.Value); break;
                case StoreBatch.Kind.Delete: batch.Delete(op.Key); break;
                default: batch.DeleteRange(op.Key, op.Value); break;
            }
        }
        return batch;
    });

    private static SortedDictionary<byte, byte> Apply(IEnumerable<StoreBatch.Operation> operations)
    {
        var store = new SortedDictionary<byte, byte>();
        for (byte key = 0; key < 7; key += 2) store[key] = 200;   // what was there before
        foreach (var op in operations)
        {
            switch (op.Kind)
            {
                case StoreBatch.Kind.Put: store[op.Key[0]] = op.Value[0]; break;
                case StoreBatch.Kind.Delete: store.Remove(op.Key[0]); break;
                default:
                    foreach (var key in store.Keys.Where(k => k >= op.Key[0] && k < op.Value[0]).ToList()) store.Remove(key);
                    break;
            }
        }
        return store;
    }

    [Fact]
    public void Key_order_leaves_the_store_as_batch_order_does()
    {
        Batches.Sample(batch => Assert.Equal(Apply(batch.Operations), Apply(batch.InKeyOrder())));
    }

    [Fact]
    public void Without_a_range_delete_each_key_comes_once_in_ascending_order()
    {
        Batches.Where(b => b.Operations.All(o => o.Kind != StoreBatch.Kind.DeleteRange)).Sample(batch =>
        {
            var keys = batch.InKeyOrder().Select(o => o.Key[0]).ToList();
            Assert.Equal(batch.Operations.Select(o => o.Key[0]).Distinct().Order(), keys);
        });
    }

    [Fact]
    public void A_batch_with_a_range_delete_keeps_its_own_order()
    {
        var batch = new StoreBatch().Put([5], [1]).DeleteRange([0], [9]).Put([3], [2]);
        Assert.Equal(batch.Operations, batch.InKeyOrder());
    }

    [Fact]
    public void A_cleared_batch_holds_nothing_and_keeps_its_room()
    {
        Batches.Sample(batch =>
        {
            int before = batch.Count;
            batch.Clear(before + 10);
            Assert.Equal(0, batch.Count);
            Assert.Equal(0, batch.Size);
            Assert.Empty(batch.InKeyOrder());
            Assert.True(batch.Capacity >= before + 10);
            // Reused, it is a batch like a new one.
            batch.Put([4], [9]).Delete([2]);
            Assert.Equal(Apply([new(StoreBatch.Kind.Put, [4], [9]), new(StoreBatch.Kind.Delete, [2], [])]), Apply(batch.Operations));
            Assert.Equal(3, batch.Size);
        });
    }
}

using Causeway.Encoding;
using Causeway.Ledger;
using Causeway.Security;
using Causeway.Storage;
using Causeway.Tests.Support;
using Causeway.Transactions;

namespace Causeway.Tests.Ledger;

/// <summary>Damage the stored ledger in RocksDB, byte by byte, and watch verify find and pinpoint it.</summary>
public sealed class TamperTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private async Task<List<WriteResult>> WriteLedgerAsync(int commits)
    {
        await using var replica = await Replica.OpenAsync(_folder.Path);
        var db = await replica.CreateDatabaseAsync("ledger");
        var results = new List<WriteResult>();
        for (int i = 0; i < commits; i++)
            results.Add(await db.PutJsonAsync("c", $"d{i % 3}", $$"""{"i": {{i}}, "text": "some text {{i}}"}"""));
        Assert.True((await db.VerifyAsync()).Ok);
        return results;
    }

    private RocksDbStore OpenRaw() => RocksDbStore.Open(Path.Combine(_folder.Path, Replica.StoreFolder));

    private static uint DatabaseId(IKeyValueStore store) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(store.Get(StoreLayout.CatalogKey("ledger")));

    private async Task<VerifyReport> VerifyAsync()
    {
        await using var replica = await Replica.OpenAsync(_folder.Path);
        return await replica.GetDatabase("ledger").VerifyAsync();
    }

    [Fact]
    public async Task A_flipped_byte_in_a_commit_block_is_found_at_that_commit()
    {
        var results = await WriteLedgerAsync(12);
        var target = results[4];
        using (var store = OpenRaw())
        {
            var key = StoreLayout.CommitKey(DatabaseId(store), target.Commit.Bytes);
            var record = CommitRecord.Decode(store.Get(key)!);
            var block = (byte[])record.Block.Clone();
            block[block.Length / 2] ^= 0x01;
            store.Write(new StoreBatch().Put(key, (record with { Block = block }).Encode(new DagCborWriter())), durable: true);
        }
        var report = await VerifyAsync();
        Assert.False(report.Ok);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(target.Position, problem.Position);
        Assert.Equal(target.Commit, problem.Commit);
        Assert.Equal("hash", problem.Check);
    }

    [Fact]
    public async Task A_flipped_byte_in_an_operation_block_is_found_at_that_commit()
    {
        var results = await WriteLedgerAsync(8);
        var target = results[6];
        using (var store = OpenRaw())
        {
            var key = StoreLayout.CommitKey(DatabaseId(store), target.Commit.Bytes);
            var record = CommitRecord.Decode(store.Get(key)!);
            var op = (byte[])record.OpBlocks[0]!.Clone();
            op[^2] ^= 0x20;
            store.Write(new StoreBatch().Put(key, (record with { OpBlocks = [op] }).Encode(new DagCborWriter())), durable: true);
        }
        var problem = Assert.Single((await VerifyAsync()).Problems);
        Assert.Equal((target.Position, target.Commit, "operation-hash"), (problem.Position!.Value, problem.Commit!.Value, problem.Check));
    }

    [Fact]
    public async Task Random_byte_flips_anywhere_in_a_commit_record_are_always_found()
    {
        var results = await WriteLedgerAsync(6);
        var random = new Random(20261124);
        for (int round = 0; round < 20; round++)
        {
            var target = results[random.Next(results.Count)];
            byte[] original;
            byte[] key;
            using (var store = OpenRaw())
            {
                key = StoreLayout.CommitKey(DatabaseId(store), target.Commit.Bytes);
                original = store.Get(key)!;
                var damaged = (byte[])original.Clone();
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
                store.Write(new StoreBatch().Put(key, damaged), durable: true);
            }
            var report = await VerifyAsync();
            Assert.False(report.Ok, $"round {round}: a flipped byte went unnoticed");
            Assert.Contains(report.Problems, p => p.Position == target.Position);
            using (var store = OpenRaw()) store.Write(new StoreBatch().Put(key, original), durable: true);
        }
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_commit_re_signed_by_another_key_fails_the_signature_check()
    {
        var results = await WriteLedgerAsync(5);
        var target = results[2];
        using var attacker = ReplicaIdentity.CreateEphemeral();
        Cid forgedId;
        using (var store = OpenRaw())
        {
            uint db = DatabaseId(store);
            var key = StoreLayout.CommitKey(db, target.Commit.Bytes);
            var record = CommitRecord.Decode(store.Get(key)!);
            var forged = CommitTests.Forge(Commit.Decode(record.Block), attacker);
            forgedId = Cid.ForDagCbor(forged);
            var positionKey = StoreLayout.PositionKey(db, target.Position);
            var position = PositionRecord.Decode(store.Get(positionKey)!);
            var writer = new DagCborWriter();
            store.Write(new StoreBatch()
                .Delete(key)
                .Put(StoreLayout.CommitKey(db, forgedId.Bytes), (record with { Block = forged }).Encode(writer))
                .Put(positionKey, (position with { Commit = forgedId }).Encode(writer)), durable: true);
        }
        var report = await VerifyAsync();
        Assert.Contains(report.Problems, p => p.Position == target.Position && p.Commit == forgedId && p.Check == "signature");
        // The next commit still links the honest one, which is gone: the chain shows the break too.
        Assert.Contains(report.Problems, p => p.Position == target.Position + 1 && p.Check == "parent");
    }

    public void Dispose() => _folder.Dispose();
}

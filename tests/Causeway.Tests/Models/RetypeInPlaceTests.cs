using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Models;
using Causeway.Models.Migrations;
using Causeway.Replication;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Models;

/// <summary>A field retyped in place (lww string → counter, same name) on replicas that upgrade at
/// different times: a synced commit is judged by the schema it was made under, so an old replica's
/// writes of the old kind are taken everywhere, and every replica reads the same objects after sync.
/// A commit that writes a kind the schema in its own past forbids is still refused.</summary>
public sealed class RetypeInPlaceTests
{
    private static readonly DocumentModel V1 = DocumentModel.Of(typeof(ProductV1));
    private static readonly DocumentModel V2 = DocumentModel.Build(m => m.Entity<ProductV2>().Migration(new NameAndCountedStock()));

    [Fact]
    public async Task An_old_replica_writing_the_old_kind_after_the_other_migrated_converges_with_it()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        await using var replicaC = Replica.OpenInMemory();
        await using var replicaD = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("shop");
        var dbB = await replicaB.CreateDatabaseAsync("shop");
        var dbC = await replicaC.CreateDatabaseAsync("shop");
        var dbD = await replicaD.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(dbA);
        var seed = dbA.OpenSession(V1);
        seed.Store(new ProductV1 { Id = "p1", Title = "Chair", Stock = "12" });
        await seed.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);
        await dbA.SyncWithAsync(dbC, SyncDirection.Both);
        await dbA.SyncWithAsync(dbD, SyncDirection.Both);

        // B migrates in place and writes counters; A, still on version 1, then writes strings to the same field.
        await V2.MigrateAsync(dbB);
        var onB = dbB.OpenSession(V2);
        onB.Store(new ProductV2 { Id = "n1", Name = "Table", Stock = new Counter(2) });
        (await onB.LoadAsync<ProductV2>("p1"))!.Stock.Increment(1);
        await onB.SaveChangesAsync();
        var onA = dbA.OpenSession(V1);
        onA.Store(new ProductV1 { Id = "a1", Title = "Stool", Stock = "7" });
        var chairA = (await onA.LoadAsync<ProductV1>("p1"))!;
        (chairA.Stock, chairA.Legacy) = ("9", "from A");
        await onA.SaveChangesAsync();
        Assert.Null((await dbA.GetSchemaAsync()).Schema.Migration);
        // D takes A's writes first, on version 1, and B's after.
        await dbD.SyncWithAsync(dbA, SyncDirection.Pull);
        await dbD.SyncWithAsync(dbB, SyncDirection.Pull);

        await dbA.SyncWithAsync(dbB, SyncDirection.Both);
        // C gets the schema commit and both replicas' writes in one import.
        await dbC.SyncWithAsync(dbB, SyncDirection.Pull);

        var seen = new List<string>();
        foreach (var db in new[] { dbA, dbB, dbC, dbD })
        {
            Assert.Equal(2, (await db.GetSchemaAsync()).Schema.Migration);
            var products = await db.OpenSession(V2).Query<ProductV2>().ToListAsync();
            seen.Add(string.Join("; ", products.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => $"{p.Id} {p.Name} {p.Stock.Value} {p.Legacy}")));
        }
        // p1: B's count (12 converted, plus 1) shows over A's concurrent string; A's new a1 reads converted.
        Assert.Equal("a1 Stool 7 ; n1 Table 2 ; p1 Chair 13 from A", seen[0]);
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(seen[0], seen[2]);
        Assert.Equal(seen[0], seen[3]);
        foreach (string id in new[] { "a1", "n1", "p1" })
        {
            var fields = (await dbA.GetAsync("products", id))!.Fields;
            Assert.Equal(fields, (await dbB.GetAsync("products", id))!.Fields);
            Assert.Equal(fields, (await dbC.GetAsync("products", id))!.Fields);
            Assert.Equal(fields, (await dbD.GetAsync("products", id))!.Fields);
        }

        // A upgrades too: its write to the document A wrote as version 1 stores the count.
        var upgraded = dbA.OpenSession(V2);
        var stool = (await upgraded.LoadAsync<ProductV2>("a1"))!;
        stool.Stock.Increment(-2);
        await upgraded.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);
        Assert.Equal(Value.Int(5), (await dbB.GetAsync("products", "a1"))!["stock"]);
        Assert.Equal(5, (await dbB.OpenSession(V2).LoadNoTrackingAsync<ProductV2>("a1"))!.Stock.Value);
    }

    [Fact]
    public async Task A_commit_is_judged_by_the_schema_in_its_own_past_not_the_receivers_newest()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("shop");
        var dbB = await replicaB.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(dbA);
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);
        var beforeMigration = dbB.Runtime.Record.Heads;
        await V2.MigrateAsync(dbB);

        // Made on top of the migration, a string in the counter is what version 2 forbids: refused.
        var afterMigration = dbB.Runtime.Record.Heads;
        var forged = Forge(replicaA, dbB, afterMigration, "products", "x1", """{"title": "Box", "stock": "5"}""");
        var refused = await Assert.ThrowsAsync<InvalidCommitException>(() => dbB.ApplyAsync([forged]));
        Assert.Contains("'stock'", refused.Message);
        Assert.Contains("declared counter", refused.Message);
        Assert.Null(await dbB.GetAsync("products", "x1"));

        // The same write made before the migration was seen is what version 1 allows: taken.
        var honest = Forge(replicaA, dbB, beforeMigration, "products", "x1", """{"title": "Box", "stock": "5"}""");
        Assert.Equal(1, (await dbB.ApplyAsync([honest])).Applied);
        Assert.Equal(5, (await dbB.OpenSession(V2).LoadNoTrackingAsync<ProductV2>("x1"))!.Stock.Value);

        // Version 1 still forbids what it forbade: a counter in the lww string, even from before the migration.
        var counter = Forge(replicaA, dbB, beforeMigration, "products", "x2", """{"title": "Box"}""", FieldOp.Increment("stock", 3));
        Assert.Contains("declared lww", (await Assert.ThrowsAsync<InvalidCommitException>(() => dbB.ApplyAsync([counter]))).Message);
    }

    [Fact]
    public async Task A_replica_reopened_after_migrating_still_judges_by_the_schema_each_commit_was_made_under()
    {
        using var folder = new TempFolder();
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaC = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("shop");
        var dbC = await replicaC.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(dbA);
        await dbA.SyncWithAsync(dbC, SyncDirection.Both);
        IReadOnlyList<Cid> afterA;
        await using (var first = await Replica.OpenAsync(folder.Path))
        {
            var dbB = await first.CreateDatabaseAsync("shop");
            await dbA.SyncWithAsync(dbB, SyncDirection.Both);
            await V2.MigrateAsync(dbB);
            // A takes the migration and writes on top of it; B takes that write back.
            await dbA.SyncWithAsync(dbB, SyncDirection.Pull);
            var onA = dbA.OpenSession(V2);
            onA.Store(new ProductV2 { Id = "a1", Name = "Table", Stock = new Counter(2) });
            await onA.SaveChangesAsync();
            afterA = dbA.Runtime.Record.Heads;
            await dbA.SyncWithAsync(dbB, SyncDirection.Push);
        }
        var onC = dbC.OpenSession(V1);
        onC.Store(new ProductV1 { Id = "c1", Title = "Stool", Stock = "7" });
        await onC.SaveChangesAsync();

        await using var reopened = await Replica.OpenAsync(folder.Path);
        var db = reopened.GetDatabase("shop");
        await dbC.SyncWithAsync(db, SyncDirection.Push);
        Assert.Equal(7, (await db.OpenSession(V2).LoadNoTrackingAsync<ProductV2>("c1"))!.Stock.Value);
        // Made on top of A's write, two steps after the migration: the counter's rule holds.
        var forged = Forge(replicaC, db, afterA, "products", "x1", """{"title": "Box", "stock": "5"}""");
        Assert.Contains("declared counter", (await Assert.ThrowsAsync<InvalidCommitException>(() => db.ApplyAsync([forged]))).Message);
        Assert.Null(await db.GetAsync("products", "x1"));
    }

    /// <summary>The next commit of <paramref name="signer"/> as <paramref name="receiver"/> expects it, with
    /// <paramref name="parents"/> as its past, made by an editor that knows no schema.</summary>
    private static RemoteCommit Forge(Replica signer, Database receiver, IEnumerable<Cid> parents, string collection, string id, string json, params FieldOp[] patch)
    {
        var time = Causeway.Clocks.HlcTimestamp.FromParts(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
        long seq = receiver.Runtime.Record.Clock.Get(signer.Did) + 1;
        var context = new EffectContext(signer.Did, seq, time);
        var editor = new DocumentEditor(new DocumentState(), context);
        editor.Apply(new DocumentIntent.Put(ValueJson.Parse(json)), $"{collection}/{id}");
        if (patch.Length > 0) editor.Apply(new DocumentIntent.Patch(patch), $"{collection}/{id}");
        var op = DocumentOp.Create(collection, id, editor.Effects, context, new DagCborWriter());
        return new RemoteCommit(Commit.Create(receiver.Name, signer.Identity, seq, time, parents, [op.Cid]), [op.Block]);
    }
}

using Causeway.Documents;
using Causeway.Models;
using Causeway.Replication;

namespace Causeway.Tests.Typed;

/// <summary>What sessions of other libraries lose: two sessions on two replicas change the same object
/// at once, and after sync both replicas hold both changes.</summary>
public sealed class TypedMergeTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    [Fact]
    public async Task Typed_concurrent_sessions_on_two_replicas_merge_field_by_field()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("exchange");
        var dbB = await replicaB.CreateDatabaseAsync("exchange");
        await Model.ApplyAsync(dbA);
        var create = dbA.OpenSession(Model);
        create.Store(new Player { Id = "ann", Name = "Ann", Home = new Address { City = "Oslo", Zip = "0150" }, Credits = new BoundedCounter(100), Trades = new Counter(1), Badges = new AwSet<string>(["early"]) });
        create.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", Price = 10 });
        await create.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        // Partitioned: each replica's session loads the same objects and changes them.
        var onA = dbA.OpenSession(Model);
        var onB = dbB.OpenSession(Model);
        var annA = (await onA.LoadAsync<Player>("ann"))!;
        var annB = (await onB.LoadAsync<Player>("ann"))!;
        var catA = (await onA.LoadAsync<Item>("cat"))!;
        var catB = (await onB.LoadAsync<Item>("cat"))!;

        annA.Home!.City = "Bergen";                         // property X on A
        annB.Home!.Zip = "5003";                            // property Y on B (a name would need its reservation from A)
        catA.Price = 12;
        catB.Species = "lion";
        annA.Trades.Increment(5);                           // the same counter on both
        annB.Trades.Increment(7);
        annA.Credits.Increment(20);                         // the same bounded counter on both
        annB.Credits.Increment(30);
        annA.Badges.Add("seller");                          // different elements of one set
        annB.Badges.Add("buyer");
        catA.ForSale.Enable();
        catB.Tags.Add("fluffy");
        catB.Note = "from B";
        await onA.SaveChangesAsync();
        await onB.SaveChangesAsync();

        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        foreach (var db in new[] { dbA, dbB })
        {
            var read = db.OpenSession(Model);
            var ann = (await read.LoadAsync<Player>("ann"))!;
            Assert.Equal("Ann", ann.Name);
            Assert.Equal(("Bergen", "5003"), (ann.Home?.City, ann.Home?.Zip));
            Assert.Equal(1 + 5 + 7, ann.Trades.Value);
            Assert.Equal(100 + 20 + 30, ann.Credits.Value);
            Assert.Equal(["buyer", "early", "seller"], ann.Badges.Order(StringComparer.Ordinal));
            var cat = (await read.LoadAsync<Item>("cat"))!;
            Assert.True(cat.ForSale.IsEnabled);
            Assert.Equal(["fluffy"], cat.Tags);
            Assert.Equal("from B", cat.Note);
            Assert.Equal(12, cat.Price);
            Assert.Equal("lion", cat.Species);
        }
        Assert.Equal((await dbA.GetAsync("players", "ann"))!.Fields, (await dbB.GetAsync("players", "ann"))!.Fields);
    }

    [Fact]
    public async Task Typed_concurrent_sets_of_one_property_keep_one_winner_everywhere()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("exchange");
        var dbB = await replicaB.CreateDatabaseAsync("exchange");
        await Model.ApplyAsync(dbA);
        var create = dbA.OpenSession(Model);
        create.Store(new Item { Id = "cat", Species = "cat", Note = "start" });
        await create.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        var onA = dbA.OpenSession(Model);
        var onB = dbB.OpenSession(Model);
        (await onA.LoadAsync<Item>("cat"))!.Species = "lion";
        (await onB.LoadAsync<Item>("cat"))!.Species = "tiger";
        (await onA.LoadAsync<Item>("cat"))!.Note = "A";
        (await onB.LoadAsync<Item>("cat"))!.Note = "B";
        await onA.SaveChangesAsync();
        await onB.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        var a = (await dbA.OpenSession(Model).LoadAsync<Item>("cat"))!;
        var b = (await dbB.OpenSession(Model).LoadAsync<Item>("cat"))!;
        Assert.Contains(a.Species, new[] { "lion", "tiger" });
        Assert.Equal(a.Species, b.Species);
        // The mvreg keeps both concurrent notes; the property shows the same one on both replicas.
        Assert.Equal(2, (await dbA.GetAsync("items", "cat"))!["note"]!.AsArray().Count);
        Assert.Equal(a.Note, b.Note);
    }
}

using Causeway.Models;

namespace Causeway.Tests.Typed;

/// <summary>The identity map past the eight objects it searches in place, where its indexes are
/// made on demand: every object stays found by id and by instance through stores, generated ids,
/// deletes and loads, and a forgotten one is found by neither.</summary>
public sealed class TrackedObjectsTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    [Fact]
    public async Task Objects_past_eight_are_found_by_id_and_instance_and_a_deleted_one_is_forgotten()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("exchange");
        await Model.ApplyAsync(db);
        var seed = db.OpenSession(Model);
        for (int i = 0; i < 12; i++) seed.Store(new Player { Id = $"p{i}", Name = $"Player {i}" });
        seed.Store(new Item { Id = "cat", Species = "cat", Price = 10 });
        await seed.SaveChangesAsync();

        var session = db.OpenSession(Model);
        var players = new List<Player>();
        for (int i = 0; i < 12; i++) players.Add((await session.LoadAsync<Player>($"p{i}"))!);
        // Loading again answers the same instances, the first ones searched in place and the rest by index.
        for (int i = 0; i < 12; i++) Assert.Same(players[i], await session.LoadAsync<Player>($"p{i}"));
        Assert.Same(players[3], Assert.Single(await session.Query<Player>().Where(p => p.Name == "Player 3").ToListAsync()));

        var purchase = new Purchase { Item = new Ref<Item>("cat"), Paid = 10m };
        session.Store(purchase);
        await session.SaveChangesAsync();
        Assert.NotNull(purchase.Id);
        Assert.Empty(session.ChangesOf(purchase));

        // Deleted with no lookup by id since its id was set, so only setting the id indexed it.
        session.Delete(purchase);
        await session.SaveChangesAsync();
        // Forgotten by instance and by id: it can be stored again as a new object under its id.
        Assert.Throws<Errors.InvalidInputException>(() => session.ChangesOf(purchase));
        Assert.Null(await session.LoadAsync<Purchase>(purchase.Id!));
        session.Store(purchase);
        Assert.Empty(session.ChangesOf(purchase));   // tracked again, as a new object

        Assert.Empty(session.ChangesOf(players[11]));
        Assert.Same(players[11], await session.LoadAsync<Player>("p11"));

        players[11].Name = "Eleven";
        Assert.Single(session.ChangesOf(players[11]));
        Assert.Throws<Errors.InvalidInputException>(() => session.Store(new Player { Id = "p11", Name = "Another" }));
    }
}

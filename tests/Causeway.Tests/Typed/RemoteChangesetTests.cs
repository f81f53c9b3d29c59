using Causeway.Models;
using Causeway.Tests.Http;

namespace Causeway.Tests.Typed;

/// <summary>Changesets through <see cref="Causeway.Client.RemoteDatabase"/> and an in-process server:
/// the refusals that crossed the wire come back on the same properties as embedded.</summary>
public sealed class RemoteChangesetTests : IAsyncLifetime
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    private ServerFixture _server = null!;
    private Causeway.Client.CausewayClient _client = null!;
    private IDocumentDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        _client = _server.CreateClient();
        _db = await _client.CreateDatabaseAsync("exchange");
        await Model.ApplyAsync(_db);
        var session = _db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(10) });
        session.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", Price = 10, DiscountedPrice = 8 });
        await session.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Remote_a_taken_name_a_missing_owner_and_a_crossed_bound_are_errors_on_their_properties()
    {
        var session = _db.OpenSession(Model);
        var twin = Changeset.For(new Player { Id = "ann2" }, Model).Cast("""{ "name": "Ann" }""", "name");
        Assert.False((await session.SaveChangesAsync(twin)).Saved);
        Assert.Equal([("Name", "name", "taken")], twin.Errors.Select(e => (e.Property, e.Path, e.Code)));

        var stray = Changeset.For(new Item { Id = "dog" }, Model).Cast("""{ "species": "dog", "owner": "nobody" }""", "species", "owner");
        Assert.False((await _db.OpenSession(Model).SaveChangesAsync(stray)).Saved);
        Assert.Equal([("Owner", "owner", "does_not_exist")], stray.Errors.Select(e => (e.Property, e.Path, e.Code)));

        var wallet = _db.OpenSession(Model);
        var spend = Changeset.For((await wallet.LoadAsync<Player>("ann"))!, Model).Cast("""{ "credits": 2 }""", "credits");
        var other = _db.OpenSession(Model);
        (await other.LoadAsync<Player>("ann"))!.Credits.Decrement(5);
        await other.SaveChangesAsync();
        Assert.False((await wallet.SaveChangesAsync(spend)).Saved);
        Assert.Equal([("Credits", "credits", "too_small", "must be at least 0")], spend.Errors.Select(e => (e.Property, e.Path, e.Code, e.Message)));

        Assert.Null(await _db.GetAsync("players", "ann2"));
        Assert.Null(await _db.GetAsync("items", "dog"));
        var renamed = Changeset.For(new Player { Id = "bob" }, Model).Cast("""{ "name": "Bob" }""", "name");
        Assert.True((await _db.OpenSession(Model).SaveChangesAsync(renamed)).Saved);
        Assert.Equal("Bob", (await _db.OpenSession(Model).LoadNoTrackingAsync<Player>("bob"))!.Name);
    }
}

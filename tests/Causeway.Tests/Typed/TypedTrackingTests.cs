using Causeway.Documents;
using Causeway.Models;
using Causeway.Values;

namespace Causeway.Tests.Typed;

/// <summary>Change tracking writes exactly the field operations the changes are, as the session
/// reports them and as the document's history records them.</summary>
public sealed class TypedTrackingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    private static async Task<(Replica Replica, Database Db)> StartAsync()
    {
        var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("exchange");
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(10), Home = new Address { City = "Oslo", Zip = "0150" } });
        session.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", Price = 10, DiscountedPrice = 8 });
        await session.SaveChangesAsync();
        return (replica, db);
    }

    private static string Describe(FieldOp op) => op.Kind switch
    {
        FieldOpKind.Increment => $"increment {op.Path} {op.By}",
        _ when op.Value is { } v => $"{FieldOp.WireName(op.Kind)} {op.Path} {ValueJson.ToJsonString(v, typed: true)}",
        _ => $"{FieldOp.WireName(op.Kind)} {op.Path}",
    };

    [Fact]
    public async Task Typed_one_changed_property_is_one_set()
    {
        var (replica, db) = await StartAsync();
        await using var _ = replica;
        var session = db.OpenSession(Model);
        var ann = (await session.LoadAsync<Player>("ann"))!;
        ann.Name = "Annie";
        Assert.Equal(["set name \"Annie\""], session.ChangesOf(ann).Select(Describe));
        await session.SaveChangesAsync();

        var last = (await db.HistoryAsync("players", "ann"))[^1];
        Assert.Equal([("set", "name")], last.Changes.Where(c => c.Path is not null).Select(c => (c.Op, c.Path!)));
        Assert.Equal("Annie", last.Changes.Single(c => c.Path == "name").Value!.AsString());
    }

    [Fact]
    public async Task Typed_each_kind_of_change_is_its_operation()
    {
        var (replica, db) = await StartAsync();
        await using var _ = replica;
        var session = db.OpenSession(Model);
        var ann = (await session.LoadAsync<Player>("ann"))!;
        ann.Home!.Zip = null;
        ann.Home.City = "Bergen";
        ann.Credits.Increment(5);
        ann.Credits.Decrement(2);
        ann.Trades.Increment(5);
        ann.Badges.Add("seller");
        ann.Badges.Add("seller");   // already there
        var cat = (await session.LoadAsync<Item>("cat"))!;
        cat.ForSale.Enable();
        cat.Tags.Add("fluffy");
        cat.Tags.Remove("fluffy");
        cat.Species = "cat";        // unchanged

        Assert.Equal(["increment credits 3", "increment trades 5", "add badges \"seller\"", "set home.city \"Bergen\"", "unset home.zip"], session.ChangesOf(ann).Select(Describe));
        Assert.Equal(["enable for_sale", "add tags \"fluffy\"", "remove tags \"fluffy\""], session.ChangesOf(cat).Select(Describe));
        var result = (await session.SaveChangesAsync())!;

        // One commit for both documents, and the history shows the same operations.
        var annVersion = (await db.HistoryAsync("players", "ann"))[^1];
        var catVersion = (await db.HistoryAsync("items", "cat"))[^1];
        Assert.Equal(result.Commit, annVersion.Commit);
        Assert.Equal(result.Commit, catVersion.Commit);
        var annOps = annVersion.Changes.Where(c => c.Path is not null).Select(c => $"{c.Op} {c.Path}").ToList();
        Assert.Equal(["increment credits", "increment trades", "add badges", "set home.city", "unset home.zip"], annOps);
        Assert.Empty(session.ChangesOf(ann));
        Assert.Empty(session.ChangesOf(cat));
        Assert.Null(await session.SaveChangesAsync());
    }

    [Fact]
    public async Task Typed_a_checked_group_is_written_whole_by_the_engine()
    {
        var (replica, db) = await StartAsync();
        await using var _ = replica;
        var session = db.OpenSession(Model);
        var cat = (await session.LoadAsync<Item>("cat"))!;
        cat.DiscountedPrice = 7;
        Assert.Equal(["set discountedPrice 7.0"], session.ChangesOf(cat).Select(Describe));
        await session.SaveChangesAsync();
        var changes = (await db.HistoryAsync("items", "cat"))[^1].Changes.Where(c => c.Path is not null).Select(c => c.Path).Order(StringComparer.Ordinal);
        Assert.Equal(["discountedPrice", "price"], changes);

        cat.DiscountedPrice = 20;
        await Assert.ThrowsAsync<Errors.ConstraintViolationException>(() => session.SaveChangesAsync());
    }
}

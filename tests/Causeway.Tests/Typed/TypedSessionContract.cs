using Causeway.Errors;
using Causeway.Models;
using Causeway.Tests.Http;
using Causeway.Values;

namespace Causeway.Tests.Typed;

/// <summary>Sessions over typed documents, written once and run against the embedded database and
/// against <see cref="Causeway.Client.RemoteDatabase"/> talking to an in-process server.</summary>
public abstract class TypedSessionContract : IAsyncLifetime
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase), typeof(Sample));

    protected IDocumentDatabase Db { get; private set; } = null!;

    protected abstract Task<IDocumentDatabase> StartAsync();

    public abstract Task DisposeAsync();

    public async Task InitializeAsync()
    {
        Db = await StartAsync();
        await Model.ApplyAsync(Db);
    }

    private static readonly DateTimeOffset When = new(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero);

    private static Sample NewSample() => new()
    {
        Id = "s-1",
        Text = "Ünïcode ✓",
        Small = -7,
        Big = long.MaxValue,
        Maybe = null,
        Ratio = 0.1,
        Money = 1.50m,
        Yes = true,
        When = When,
        Blob = [1, 2, 3],
        Key = Guid.Parse("0b7f3a1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"),
        Hits = new Counter(3),
        Stock = new BoundedCounter(10),
        Numbers = new AwSet<long>([3, 1]),
        Words = new RwSet<string>(["b", "a"]),
        On = new Flag(true),
        Off = new Flag(false),
        Place = new Address { City = "Oslo", Zip = "0150" },
        Label = "first",
        Friend = null,
        Scratch = "kept only here",
    };

    private static void AssertSample(Sample expected, Sample actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Small, actual.Small);
        Assert.Equal(expected.Big, actual.Big);
        Assert.Equal(expected.Maybe, actual.Maybe);
        Assert.Equal(expected.Ratio, actual.Ratio);
        Assert.Equal(expected.Money, actual.Money);
        Assert.Equal(expected.Money.Scale, actual.Money.Scale);
        Assert.Equal(expected.Yes, actual.Yes);
        Assert.Equal(expected.When, actual.When);
        Assert.Equal(expected.Blob, actual.Blob);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Hits.Value, actual.Hits.Value);
        Assert.Equal(expected.Stock.Value, actual.Stock.Value);
        Assert.Equal(expected.Numbers.Order(), actual.Numbers.Order());
        Assert.Equal(expected.Words.Order(), actual.Words.Order());
        Assert.Equal(expected.On.IsEnabled, actual.On.IsEnabled);
        Assert.Equal(expected.Off.IsEnabled, actual.Off.IsEnabled);
        Assert.Equal(expected.Place?.City, actual.Place?.City);
        Assert.Equal(expected.Place?.Zip, actual.Place?.Zip);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.Friend, actual.Friend);
        Assert.Equal("not stored", actual.Scratch);
    }

    [Fact]
    public async Task Typed_every_field_type_round_trips()
    {
        await Db.PutAsync("players", "ann", ValueJson.Parse("""{"name": "Ann"}"""));
        var written = NewSample();
        var session = Db.OpenSession(Model);
        session.Store(written);
        Assert.NotNull(await session.SaveChangesAsync());

        var read = (await Db.OpenSession(Model).LoadAsync<Sample>("s-1"))!;
        AssertSample(written, read);
        // Stored as the kinds the schema declares.
        var raw = (await Db.GetAsync("samples", "s-1"))!;
        Assert.Equal(ValueJson.Parse("""{"city": "Oslo", "zip": "0150"}"""), raw["place"]);
        Assert.Null(raw["scratch"]);
        Assert.Null(raw["off"]);

        // Change every kind, save, read again in a fresh session.
        var edit = Db.OpenSession(Model);
        var s = (await edit.LoadAsync<Sample>("s-1"))!;
        s.Text = null;
        s.Small = int.MaxValue;
        s.Big = long.MinValue;
        s.Maybe = 42;
        s.Ratio = -2.5e300;
        s.Money = 0.001m;
        s.Yes = false;
        s.When = When.AddDays(-400);
        s.Blob = [];
        s.Key = Guid.Empty;
        s.Hits.Increment(5);
        s.Stock.Decrement(15);
        s.Numbers.Remove(3);
        s.Numbers.Add(-9);
        s.Words.Add("c");
        s.Words.Remove("a");
        s.On.Disable();
        s.Off.Enable();
        s.Place!.City = "Bergen";
        s.Place.Zip = null;
        s.Label = "second";
        s.Friend = new Ref<Player>("ann");
        await edit.SaveChangesAsync();

        var again = (await Db.OpenSession(Model).LoadAsync<Sample>("s-1"))!;
        AssertSample(s, again);
        Assert.Equal(8, again.Hits.Value);
        Assert.Equal(-5, again.Stock.Value);
        Assert.Equal([-9L, 1L], again.Numbers.Order());
        Assert.Equal(["b", "c"], again.Words.Order());

        // Without tracking: the same values, a new instance each time, nothing to save.
        var session2 = Db.OpenSession(Model);
        var loose = (await session2.LoadNoTrackingAsync<Sample>("s-1"))!;
        AssertSample(again, loose);
        Assert.NotSame(loose, await session2.LoadNoTrackingAsync<Sample>("s-1"));
        loose.Small = 1;
        Assert.Null(await session2.SaveChangesAsync());
        Assert.Equal(int.MaxValue, (await Db.GetAsync("samples", "s-1"))!["small"]!.AsInt());
    }

    [Fact]
    public async Task Typed_identity_map_gives_the_same_instance()
    {
        var session = Db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(50) });
        await session.SaveChangesAsync();
        var first = await session.LoadAsync<Player>("ann");
        var second = await session.LoadAsync<Player>("ann");
        Assert.Same(first, second);
        Assert.Null(await session.LoadAsync<Player>("nobody"));

        var other = Db.OpenSession(Model);
        var elsewhere = await other.LoadAsync<Player>("ann");
        Assert.NotSame(first, elsewhere);
        Assert.Equal(50, elsewhere!.Credits.Value);
        var twin = Assert.Throws<InvalidInputException>(() => other.Store(new Player { Id = "ann", Name = "Ann" }));
        Assert.Contains("already tracks another Player with id 'ann'", twin.Message);
    }

    [Fact]
    public async Task Typed_unchanged_entities_are_not_written()
    {
        var session = Db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann", Home = new Address { City = "Oslo" } });
        await session.SaveChangesAsync();
        long position = (await Db.InfoAsync()).Position;

        var reread = Db.OpenSession(Model);
        var ann = (await reread.LoadAsync<Player>("ann"))!;
        ann.Name = "Ann";                       // the same value
        ann.Home!.City = "Oslo";
        ann.Badges.Remove("none");              // not there: nothing to remove
        Assert.Empty(reread.ChangesOf(ann));
        Assert.Null(await reread.SaveChangesAsync());
        Assert.Null(await session.SaveChangesAsync());   // saved already
        Assert.Equal(position, (await Db.InfoAsync()).Position);
    }

    [Fact]
    public async Task Typed_generated_ids_come_back_on_the_objects()
    {
        var session = Db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann" });
        session.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", ForSale = new Flag(true) });
        var first = new Purchase { Item = new Ref<Item>("cat"), Paid = 12.50m };
        var second = new Purchase { Item = new Ref<Item>("cat"), Paid = 3m };
        session.Store(first);
        session.Store(second);
        var result = (await session.SaveChangesAsync())!;
        Assert.Equal(result.Created, [first.Id!, second.Id!]);
        Assert.Equal(["1", "2"], result.Created);
        Assert.Same(first, await session.LoadAsync<Purchase>(first.Id!));
        var read = (await Db.OpenSession(Model).LoadAsync<Purchase>(second.Id!))!;
        Assert.Equal(3m, read.Paid);
        Assert.Equal("cat", read.Item!.Id);
    }

    [Fact]
    public async Task Typed_delete_removes_the_document_and_refusals_write_nothing()
    {
        var session = Db.OpenSession(Model);
        var ann = new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(5) };
        var bob = new Player { Id = "bob", Name = "Bob" };
        session.Store(ann);
        session.Store(bob);
        await session.SaveChangesAsync();

        // A unique name taken, a bound crossed: the engine's own exceptions, nothing written.
        long position = (await Db.InfoAsync()).Position;
        bob.Name = "Ann";
        await Assert.ThrowsAsync<ConstraintViolationException>(() => session.SaveChangesAsync());
        bob.Name = "Bob";
        ann.Credits.Decrement(6);
        var past = await Assert.ThrowsAsync<ConstraintViolationException>(() => session.SaveChangesAsync());
        Assert.Contains("minimum 0", past.Message);
        Assert.Equal(position, (await Db.InfoAsync()).Position);
        ann.Credits.Increment(6);

        session.Delete(bob);
        Assert.Null(await session.LoadAsync<Player>("bob"));
        await session.SaveChangesAsync();
        Assert.Null(await Db.GetAsync("players", "bob"));
        Assert.Null(await Db.OpenSession(Model).LoadAsync<Player>("bob"));
        Assert.Equal(5, (await Db.OpenSession(Model).LoadAsync<Player>("ann"))!.Credits.Value);
    }
}

public sealed class EmbeddedTypedSessionTests : TypedSessionContract
{
    private Replica _replica = null!;

    protected override async Task<IDocumentDatabase> StartAsync()
    {
        _replica = Replica.OpenInMemory();
        return await _replica.CreateDatabaseAsync("exchange");
    }

    public override async Task DisposeAsync() => await _replica.DisposeAsync();
}

public sealed class RemoteTypedSessionTests : TypedSessionContract
{
    private ServerFixture _server = null!;
    private Causeway.Client.CausewayClient _client = null!;

    protected override async Task<IDocumentDatabase> StartAsync()
    {
        _server = await ServerFixture.StartAsync();
        _client = _server.CreateClient();
        return await _client.CreateDatabaseAsync("exchange");
    }

    public override async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}

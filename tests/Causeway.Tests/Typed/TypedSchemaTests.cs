using Causeway.Errors;
using Causeway.Models;
using Causeway.Schemas;

namespace Causeway.Tests.Typed;

/// <summary>The model produces the schema a person would write by hand, and the engine's analysis of it
/// is reachable through the model.</summary>
public sealed class TypedSchemaTests
{
    private const string HandWritten = """
        { "collections": {
            "players":   { "fields": { "name": { "kind": "lww", "type": "string", "required": true },
                                       "credits": { "kind": "bcounter", "min": 0 },
                                       "trades": { "kind": "counter" },
                                       "badges": { "kind": "awset", "type": "string" },
                                       "home.city": { "kind": "lww", "type": "string" },
                                       "home.zip": { "kind": "lww", "type": "string" } },
                           "unique": [ ["name"] ] },
            "items":     { "fields": { "species": { "kind": "lww", "type": "string", "required": true },
                                       "owner": { "kind": "lww", "references": "players", "policy": "add-wins" },
                                       "price": { "kind": "lww", "type": "number" },
                                       "discountedPrice": { "kind": "lww", "type": "number" },
                                       "for_sale": { "kind": "flag_ew" },
                                       "tags": { "kind": "rwset", "type": "string" },
                                       "note": { "kind": "mvreg", "type": "string" } },
                           "checks": [ { "name": "discount_below_price", "expr": "discountedPrice > 0 and price > discountedPrice" } ] },
            "purchases": { "id": "sequence",
                           "fields": { "item": { "kind": "lww", "references": "items", "policy": "remove-wins" },
                                       "paid": { "kind": "lww", "type": "number" } } } } }
        """;

    private static DocumentModel Exchange() => DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    [Fact]
    public void Typed_model_gives_the_hand_written_schema()
    {
        var expected = SchemaJson.ToJson(SchemaJson.Parse(HandWritten));
        Assert.Equal(expected, Exchange().ToSchemaJson());
        // The schema object reads back from its JSON as the same rules.
        var parsed = SchemaJson.Parse(Exchange().ToSchemaJson());
        Assert.Equal(["discountedPrice", "price"], parsed.For("items")!.AtomicGroups.Single().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Typed_model_builder_says_the_same_as_attributes_and_wins_over_them()
    {
        var built = DocumentModel.Build(m => m
            .Entity<Player>()
            .Entity<Item>()
            .Entity<Purchase>());
        Assert.Equal(Exchange().ToSchemaJson(), built.ToSchemaJson());

        var changed = DocumentModel.Build(m => m
            .Entity<Player>(p => p.ToCollection("traders").GeneratedId(IdKind.Uuid)
                .Property(x => x.Credits).Bounds(min: 0, max: 1000)
                .Property(x => x.Home!.City).Named("town").Required()
                .Property(x => x.Badges).Ignore()));
        var traders = changed.Schema.For("traders")!;
        Assert.Equal(IdGeneration.Uuid, traders.Id);
        Assert.Equal((0L, 1000L), (traders.Field("credits")!.Min, traders.Field("credits")!.Max));
        Assert.True(traders.Field("home.town")!.Required);
        Assert.Null(traders.Field("badges"));
        Assert.Equal("home.town", changed.PathOf<Player>(p => p.Home!.City));
    }

    [Fact]
    public void Typed_model_refuses_what_it_cannot_map_with_one_line()
    {
        var notMapped = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(WithList)));
        Assert.Equal("WithList.Homes is a List`1, which does not map: a list's or array's elements are scalars (string, bool, int, long, double, decimal, DateTimeOffset, byte[], Guid, Ref<T>, enums (and nullable ones), not nullable).", notMapped.Message);
        var queue = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(WithQueue)));
        Assert.Equal("WithQueue.Names is a Queue`1, which does not map: mapped types are scalars (string, bool, int, long, double, decimal, DateTimeOffset, byte[], Guid, Ref<T>, enums (and nullable ones)), List<T> and T[] of scalars, Dictionary<string, T> of scalars, Counter, BoundedCounter, AwSet<T>, RwSet<T>, MvReg<T>, Flag and nested classes.", queue.Message);
        var noId = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(Address)));
        Assert.Contains("Address needs a public string Id property", noId.Message);
        var bounds = Assert.Throws<SchemaViolationException>(() => DocumentModel.Of(typeof(BoundedPlainCounter)));
        Assert.Contains("make it a BoundedCounter", bounds.Message);
        var scalar = Assert.Throws<SchemaViolationException>(() => DocumentModel.Build(m => m.Entity<Item>(i => i.Property(x => x.Price).Bounds(min: 0))));
        Assert.Contains("Item.Price has bounds but is a Nullable`1", scalar.Message);
        var other = Assert.Throws<InvalidInputException>(() => Exchange().CollectionOf<Sample>());
        Assert.Contains("Sample is not part of this model", other.Message);
    }

    [Fact]
    public async Task Typed_schema_analysis_says_which_constraints_coordinate()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("exchange");
        var model = Exchange();
        var schema = await model.ApplyAsync(db);

        Assert.Equal(model.Schema.Collections.Keys.Order(), schema.Info.Schema.Collections.Keys.Order());
        Assert.Equal(["decrement credits"], schema.CoordinatesOf<Player>(p => p.Credits));
        Assert.Equal(["create players", "set name"], schema.CoordinatesOf<Player>(p => p.Name));
        Assert.Empty(schema.CoordinatesOf<Item>(i => i.Owner));
        Assert.Equal("conflict_free", Assert.Single(schema.ConstraintsOf<Item>(i => i.Owner)).Technique);
        Assert.Equal("atomic_group", Assert.Single(schema.ConstraintsOf<Item>(i => i.Price)).Technique);
        Assert.Equal(["0 ≤ credits ≤ ∞", "id sequence", "unique (name)"], schema.Coordinating.Select(c => c.Constraint).Order(StringComparer.Ordinal));
        Assert.Equal(schema.Analysis.Constraints.Select(c => c.Constraint), (await model.ReadSchemaAsync(db)).Analysis.Constraints.Select(c => c.Constraint));
    }

    private sealed class WithList
    {
        public string? Id { get; set; }
        public List<Address> Homes { get; set; } = [];
    }

    private sealed class WithQueue
    {
        public string? Id { get; set; }
        public Queue<string> Names { get; set; } = [];
    }

    private sealed class BoundedPlainCounter
    {
        public string? Id { get; set; }

        [Bounds(Min = 0)]
        public Counter Count { get; set; } = new();
    }
}

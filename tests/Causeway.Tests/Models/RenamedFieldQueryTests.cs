using Causeway.Models;
using Causeway.Queries;
using CsCheck;
using Causeway.Models.Migrations;
using Causeway.Values;

namespace Causeway.Tests.Models;

[Causeway.Models.Collection("products")]
public sealed class ProductV3
{
    public string? Id { get; set; }
    public string? Label { get; set; }
}

/// <summary>A query on a renamed property finds what the upcast shows under it: documents that still
/// hold only the old field, and not documents whose new field shows another value.</summary>
public sealed class RenamedFieldQueryTests
{
    private static readonly DocumentModel V1 = DocumentModel.Of(typeof(ProductV1));
    private static readonly DocumentModel V2 = DocumentModel.Build(m => m.Entity<ProductV2>().Migration(new NameAndCountedStock()));
    private static readonly DocumentModel V3 = DocumentModel.Build(m => m.Entity<ProductV3>().Migration(
        Migration.Create(2, s => s.RenameField("products", "title", "name")),
        Migration.Create(3, s => s.RenameField("products", "name", "label"))));

    [Fact]
    public async Task Where_on_the_new_name_finds_documents_that_hold_only_the_old_field()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        var old = db.OpenSession(V1);
        old.Store(new ProductV1 { Id = "p1", Title = "Chair", Stock = "12" });
        old.Store(new ProductV1 { Id = "p2", Title = "Lamp", Stock = "4" });
        old.Store(new ProductV1 { Id = "p3", Stock = "1" });
        await old.SaveChangesAsync();
        await V2.MigrateAsync(db);
        var session = db.OpenSession(V2);
        session.Store(new ProductV2 { Id = "n1", Name = "Chair", Stock = new Counter(2) });
        (await session.LoadAsync<ProductV2>("p2"))!.Name = "Desk lamp";   // stores name, keeps title "Lamp"
        await session.SaveChangesAsync();

        async Task<string> Ids(System.Linq.Expressions.Expression<Func<ProductV2, bool>> where)
            => string.Join(" ", (await db.OpenSession(V2).Query<ProductV2>().Where(where).ToListAsync()).Select(p => p.Id).Order(StringComparer.Ordinal));

        Assert.Equal("n1 p1", await Ids(p => p.Name == "Chair"));
        Assert.Equal("", await Ids(p => p.Name == "Lamp"));            // p2 shows its new name, not the old one
        Assert.Equal("p2", await Ids(p => p.Name!.StartsWith("Desk")));
        Assert.Equal("p2 p3", await Ids(p => p.Name != "Chair"));
        Assert.Equal("p3", await Ids(p => p.Name == null));
        Assert.Equal("n1 p1 p2", await Ids(p => p.Name != null && p.Id != "p9"));
        Assert.Equal("n1 p1", await Ids(p => new[] { "Chair", "Stool" }.Contains(p.Name)));
        Assert.Equal(2, await db.OpenSession(V2).Query<ProductV2>().Where(p => p.Name == "Chair").CountAsync());
        // A sort key is one stored path: a document that holds only the old field sorts as missing, first.
        var ordered = await db.OpenSession(V2).Query<ProductV2>().Where(p => p.Name != null).OrderBy(p => p.Name).ToListAsync();
        Assert.Equal(["p1 Chair", "n1 Chair", "p2 Desk lamp"], ordered.Select(p => $"{p.Id} {p.Name}"));
        // A query without renames in its model reads the stored fields as they are.
        Assert.Single(await db.OpenSession(DocumentModel.Of(typeof(ProductV2))).Query<ProductV2>().Where(p => p.Name == "Chair").ToListAsync());
    }

    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    // Each name absent, null, or one of a few strings.
    private static readonly Gen<Value?> Stored = Pick<Value?>(null, Value.Null, Value.String("a"), Value.String("ab"), Value.String("b"));

    private static readonly Gen<Predicate> OnLabel = Gen.Select(Pick(0, 1, 2, 3, 4, 5, 6), Pick("a", "ab", "b", "c")).Select((kind, v) => kind switch
    {
        0 => Pred.Eq("label", Value.String(v)),
        1 => Pred.Ne("label", Value.String(v)),
        2 => Pred.Gt("label", Value.String(v)),
        3 => Pred.Prefix("label", v),
        4 => Pred.Exists("label", v == "a"),
        5 => Pred.Eq("label", Value.Null),
        _ => Pred.In("label", Value.String(v), Value.String("b")),
    });

    private static readonly Gen<Predicate> Filters = Gen.Select(OnLabel, OnLabel, Pick(0, 1, 2, 3)).Select((x, y, how) => how switch
    {
        0 => x,
        1 => Pred.Not(x),
        2 => Pred.And(x, Pred.Not(y)),
        _ => Pred.Or(x, y),
    });

    /// <summary>The widened filter on the stored fields holds exactly when the filter holds on the fields
    /// as the upcast shows them, whatever each name holds (absent, null, a value).</summary>
    [Fact]
    public void A_widened_filter_on_stored_fields_matches_the_filter_on_upcast_fields()
    {
        Gen.Select(Stored, Stored, Stored, Filters).Sample((title, name, label, filter) =>
        {
            var entries = new List<KeyValuePair<string, Value>>();
            if (title is not null) entries.Add(new("title", title));
            if (name is not null) entries.Add(new("name", name));
            if (label is not null) entries.Add(new("label", label));
            var fields = entries.Count == 0 ? Value.EmptyMap : Value.Map(entries);
            var upcast = V3.Migrations.Upcast("products", fields, null, []);
            bool expected = PredicateEvaluator.Matches(filter, Document.Create("products", "d", upcast, null, 0, DateTimeOffset.UnixEpoch, "me"));
            var widened = V3.Migrations.ReadingRenames("products", filter);
            Assert.Equal(expected, PredicateEvaluator.Matches(widened, Document.Create("products", "d", fields, null, 0, DateTimeOffset.UnixEpoch, "me")));
        }, iter: 3000);
    }

    [Fact]
    public async Task Renames_chain_in_queries_as_they_do_on_read()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.PutAsync("products", "v1", ValueJson.Parse("""{"title": "Chair"}"""), null);
        await db.PutAsync("products", "v2", ValueJson.Parse("""{"name": "Chair", "title": "Stool"}"""), null);
        await db.PutAsync("products", "v3", ValueJson.Parse("""{"label": "Chair", "name": "Lamp", "title": "Lamp"}"""), null);
        await db.PutAsync("products", "x", ValueJson.Parse("""{"label": "Lamp", "title": "Chair"}"""), null);

        var found = await db.OpenSession(V3).Query<ProductV3>().Where(p => p.Label == "Chair").ToListAsync();
        Assert.Equal(["v1", "v2", "v3"], found.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.All(found, p => Assert.Equal("Chair", p.Label));
        var lamps = await db.OpenSession(V3).Query<ProductV3>().Where(p => p.Label == "Lamp").ToListAsync();
        Assert.Equal("x", Assert.Single(lamps).Id);
    }
}

using Causeway.Errors;
using CsCheck;
using Causeway.Models;
using Causeway.Models.Migrations;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Tests.Http;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Models;

[Causeway.Models.Collection("products")]
public sealed class ProductV1
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Stock { get; set; }
    public string? Legacy { get; set; }
}

[Causeway.Models.Collection("products")]
public sealed class ProductV2
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public Counter Stock { get; set; } = new();
    public string? Legacy { get; set; }
}

/// <summary>Version 2 with the retyped stock moved to a new field: a rename and a retype chained,
/// so an old replica's writes of the old field stay undeclared under the new schema.</summary>
[Causeway.Models.Collection("products")]
public sealed class ProductSynced
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    [Field("count")] public Counter Stock { get; set; } = new();
    public string? Legacy { get; set; }
}

/// <summary>Version 2 of the products: the title is now the name, and the stock a counter.</summary>
public sealed class NameAndCountedStock() : Migration(2)
{
    protected override void Declare(MigrationSteps steps) => steps
        .RenameField("products", "title", "name")
        .RetypeField<string, long>("products", "stock", long.Parse);
}

/// <summary>Migrations on real replicas: the diff, what applies without a declaration and what does
/// not, versions, and old documents read in the new shape, also after a sync with a replica that
/// had not migrated yet.</summary>
public sealed class MigrationTests
{
    private static readonly DocumentModel V1 = DocumentModel.Of(typeof(ProductV1));
    private static readonly DocumentModel V2 = DocumentModel.Build(m => m.Entity<ProductV2>().Migration(new NameAndCountedStock()));
    private static readonly DocumentModel Synced = DocumentModel.Build(m => m.Entity<ProductSynced>().Migration(Migration.Create(2, s => s
        .RenameField("products", "title", "name")
        .RenameField("products", "stock", "count")
        .RetypeField<string, long>("products", "count", long.Parse))));

    private static Schema Parse(string json) => SchemaJson.Parse(json);

    [Fact]
    public void Diff_finds_each_kind_of_change()
    {
        var before = Parse("""
            { "collections": {
                "products": { "fields": { "title": { "kind": "lww", "type": "string" },
                                          "stock": { "kind": "lww", "type": "string" },
                                          "sku": { "kind": "lww", "type": "string", "required": true },
                                          "owner": { "kind": "lww", "references": "people" },
                                          "price": { "kind": "lww", "type": "number" } },
                              "unique": [ ["sku"] ],
                              "checks": [ { "name": "cheap", "expr": "price < 100" } ] },
                "people": { "fields": { "name": { "kind": "lww" } } },
                "old": { "fields": { "x": { "kind": "lww" } } } } }
            """);
        var after = Parse("""
            { "collections": {
                "products": { "fields": { "name": { "kind": "lww", "type": "string" },
                                          "stock": { "kind": "counter" },
                                          "sku": { "kind": "lww", "type": "string" },
                                          "owner": { "kind": "lww" },
                                          "price": { "kind": "lww", "type": "number", "required": true } },
                              "unique": [ ["name"] ],
                              "checks": [ { "name": "positive", "expr": "price > 0" } ] },
                "people": { "fields": { "name": { "kind": "lww" } } },
                "orders": { "fields": { "total": { "kind": "lww", "type": "number" } } } } }
            """);
        var changes = SchemaDiff.Between(before, after);
        string Line(SchemaChange c) => $"{c.Kind} {c.Collection} {string.Join(",", c.Fields)} {(c.Breaking ? "breaking" : "safe")}";
        Assert.Equal(
        [
            "CollectionRemoved old  breaking",
            "CollectionAdded orders  safe",
            "FieldAdded products name safe",
            "ConstraintRemoved products owner safe",          // no longer references people
            "ConstraintAdded products price breaking",        // now required
            "ConstraintRemoved products sku safe",            // no longer required
            "FieldRetyped products stock breaking",           // lww string → counter
            "FieldRemoved products title breaking",
            "ConstraintAdded products name safe",             // unique (name): the field is new
            "ConstraintRemoved products sku safe",            // unique (sku) removed
            "ConstraintAdded products price breaking",        // check 'positive'
            "ConstraintRemoved products price safe",          // check 'cheap' removed
        ], changes.Select(Line));
        Assert.Contains("lww string → counter", changes.Single(c => c.Kind == SchemaChangeKind.FieldRetyped).Detail);
        Assert.Empty(SchemaDiff.Between(after, after));
        // A constraint added to a field that was there already is breaking.
        var unique = SchemaDiff.Between(Parse("""{ "collections": { "p": { "fields": { "a": { "kind": "lww" } } } } }"""),
            Parse("""{ "collections": { "p": { "fields": { "a": { "kind": "lww" } }, "unique": [ ["a"] ] } } }"""));
        Assert.True(Assert.Single(unique).Breaking);
    }

    /// <summary>Small random schemas of one collection: fields a, b, c of a few kinds, types, bounds,
    /// references and required flags, a unique tuple, a check, the id and index rules.</summary>
    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    private static readonly Gen<(string Kind, Causeway.Schemas.ValueType? Type, bool Required, string? References, bool RemoveWins, long? Min, long? Max, bool Present)> RandomField =
        Gen.Select(Pick("lww", "counter", "bcounter", "awset"), Pick<Causeway.Schemas.ValueType?>(null, Causeway.Schemas.ValueType.String, Causeway.Schemas.ValueType.Integer), Gen.Bool, Pick<string?>(null, "people"))
            .Select(Gen.Select(Gen.Bool, Pick<long?>(null, 0, 5), Pick<long?>(null, 100), Gen.Bool),
                (x, y) => (x.Item1, x.Item2, x.Item3, x.Item4, y.Item1, y.Item2, y.Item3, y.Item4));

    private static readonly Gen<Schema> RandomSchemas =
        Gen.Select(RandomField.Array[3], Gen.Int[0, 3], Pick<string?>(null, "a > 0", "b > 0"), Gen.Bool, Gen.Bool)
        .Select((fields, unique, check, uuid, indexed) =>
        {
            var rules = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
            string[] names = ["a", "b", "c"];
            for (int i = 0; i < 3; i++)
            {
                var (kind, type, required, references, removeWins, min, max, present) = fields[i];
                if (!present) continue;
                bool register = kind == "lww", bounded = kind == "bcounter";
                rules[names[i]] = new FieldRule
                {
                    Path = names[i], Kind = kind, Type = register || kind == "awset" ? type : null, Required = required,
                    References = register ? references : null, Policy = register && references is not null && removeWins ? ReferencePolicy.RemoveWins : ReferencePolicy.AddWins,
                    Min = bounded ? min : null, Max = bounded ? max : null,
                };
            }
            IReadOnlyList<IReadOnlyList<string>> tuples = unique < 3 && rules.ContainsKey(names[unique]) ? [[names[unique]]] : [];
            IReadOnlyList<CheckRule> checks = check is null ? [] : [new CheckRule("c1", CheckExpression.Parse(check))];
            var products = new CollectionRules
            {
                Name = "products", Id = uuid ? IdGeneration.Uuid : IdGeneration.Client, Fields = rules, Unique = tuples, Checks = checks,
                Index = indexed ? IndexRule.All : IndexRule.None,
            };
            return new Schema { Collections = new Dictionary<string, CollectionRules>(StringComparer.Ordinal) { ["products"] = products } };
        });

    [Fact]
    public void Diff_is_empty_exactly_when_the_schemas_are_the_same()
    {
        Gen.Select(RandomSchemas, RandomSchemas, Gen.Bool).Sample((a, b, same) =>
        {
            if (same) b = SchemaJson.Parse(SchemaJson.ToJson(a));   // equal rules, other objects
            bool equal = SchemaJson.ToJson(a) == SchemaJson.ToJson(b);
            var changes = SchemaDiff.Between(a, b);
            // Every difference is found, and nothing is found where there is none.
            Assert.Equal(equal, changes.Count == 0);
            // A removal or a retype is always breaking; an added collection or a removed constraint never is.
            Assert.All(changes.Where(c => c.Kind is SchemaChangeKind.FieldRemoved or SchemaChangeKind.FieldRetyped), c => Assert.True(c.Breaking));
            Assert.All(changes.Where(c => c.Kind is SchemaChangeKind.ConstraintRemoved or SchemaChangeKind.CollectionChanged), c => Assert.False(c.Breaking));
        }, iter: 2000);
    }

    [Fact]
    public async Task Additive_changes_apply_without_a_migration()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        var wider = DocumentModel.Of(typeof(ProductV1), typeof(Order));
        var diff = await wider.DiffAsync(db);
        Assert.Equal([SchemaChangeKind.CollectionAdded], diff.Select(c => c.Kind));
        var result = await wider.MigrateAsync(db);
        Assert.True(result.Applied);
        Assert.Equal((0, 0), (result.From, result.To));
        var schema = (await db.GetSchemaAsync()).Schema;
        Assert.NotNull(schema.For("orders"));
        Assert.Null(schema.Migration);
        Assert.Empty(await wider.DiffAsync(db));
    }

    [Fact]
    public async Task A_drop_without_a_declaration_fails_naming_the_field_and_writes_nothing()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        long before = (await db.GetSchemaAsync()).Version.Version;
        var withoutLegacy = DocumentModel.Build(m => m.Entity<ProductV1>(p => p.Property(x => x.Legacy).Ignore()));

        var refused = await Assert.ThrowsAsync<UndeclaredSchemaChangeException>(() => withoutLegacy.MigrateAsync(db));
        Assert.Equal(("products", "legacy", SchemaChangeKind.FieldRemoved), (refused.Collection, refused.Field, refused.Change.Kind));
        Assert.Contains("'products.legacy'", refused.Message);
        Assert.IsAssignableFrom<InvalidInputException>(refused);
        var after = await db.GetSchemaAsync();
        Assert.Equal(before, after.Version.Version);
        Assert.NotNull(after.Schema.For("products")!.Field("legacy"));

        // Declared, it applies.
        var declared = DocumentModel.Build(m => m.Entity<ProductV1>(p => p.Property(x => x.Legacy).Ignore())
            .Migration(Migration.Create(1, s => s.DropField("products", "legacy"))));
        var result = await declared.MigrateAsync(db);
        Assert.Equal((0, 1), (result.From, result.To));
        Assert.Null((await db.GetSchemaAsync()).Schema.For("products")!.Field("legacy"));
    }

    [Fact]
    public async Task Versions_apply_in_order_once_and_twice_is_a_no_op()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        await db.PutAsync("products", "p1", ValueJson.Parse("""{"title": "Chair", "stock": "12"}"""), null);

        // Version 1 gives legacy a default; versions 2 and 3 rename title → label → name: an old document reads
        // through both, oldest first.
        var chain = DocumentModel.Build(m => m.Entity<ProductV2>().Migration(
            Migration.Create(3, s => s.RenameField("products", "label", "name")),
            Migration.Create(1, s => s.AddField("products", "legacy", Value.String("none"))),
            Migration.Create(2, s => s.RenameField("products", "title", "label").RetypeField<string, long>("products", "stock", long.Parse))));
        Assert.Equal([1L, 2, 3], chain.Migrations.Migrations.Select(m => m.Version));
        var first = await chain.MigrateAsync(db);
        Assert.Equal((0, 3), (first.From, first.To));
        var info = await db.GetSchemaAsync();
        Assert.Equal(3, info.Schema.Migration);
        var product = await db.OpenSession(chain).LoadAsync<ProductV2>("p1");
        Assert.Equal(("Chair", 12L, "none"), (product!.Name, product.Stock.Value, product.Legacy));   // legacy: the default

        var second = await chain.MigrateAsync(db);
        Assert.False(second.Applied);
        Assert.Equal((3, 3), (second.From, second.To));
        Assert.Equal(info.Version.Version, (await db.GetSchemaAsync()).Version.Version);

        // A plain schema set keeps the version; code that knows fewer versions may not migrate.
        await chain.ApplyAsync(db);
        Assert.Equal(3, (await db.GetSchemaAsync()).Schema.Migration);
        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => V2.MigrateAsync(db));
        Assert.Contains("migration 3", refused.Message);
        Assert.Throws<InvalidInputException>(() => DocumentModel.Build(m => m.Entity<ProductV2>()
            .Migration(Migration.Create(2, _ => { }), Migration.Create(2, _ => { }))));
        Assert.Throws<InvalidInputException>(() => Migration.Create(0, _ => { }));
    }

    [Fact]
    public async Task Rename_and_retype_upcast_on_read_and_a_write_stores_the_new_fields()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        var old = db.OpenSession(V1);
        old.Store(new ProductV1 { Id = "p1", Title = "Chair", Stock = "12" });
        old.Store(new ProductV1 { Id = "p2", Title = "Lamp", Stock = "4" });
        await old.SaveChangesAsync();

        var result = await V2.MigrateAsync(db);
        Assert.Equal(2, result.To);
        Assert.Equal([SchemaChangeKind.FieldAdded, SchemaChangeKind.FieldRetyped, SchemaChangeKind.FieldRemoved], result.Changes.Select(c => c.Kind));

        var session = db.OpenSession(V2);
        var chair = await session.LoadAsync<ProductV2>("p1");
        Assert.Equal(("Chair", 12L), (chair!.Name, chair.Stock.Value));
        var lamp = (await session.Query<ProductV2>().Where(p => p.Id == "p2").ToListAsync()).Single();
        Assert.Equal(("Lamp", 4L), (lamp.Name, lamp.Stock.Value));
        // Reading rewrites nothing.
        Assert.Null(await session.SaveChangesAsync());
        var stored = (await db.GetAsync("products", "p1"))!;
        Assert.Equal(Value.String("12"), stored["stock"]);
        Assert.Null(stored["name"]);

        // A write of the object stores the new fields: the name as loaded, the count plus the increment.
        chair.Stock.Increment(3);
        await session.SaveChangesAsync();
        stored = (await db.GetAsync("products", "p1"))!;
        Assert.Equal(Value.Int(15), stored["stock"]);
        Assert.Equal(Value.String("Chair"), stored["name"]);
        Assert.Equal(Value.String("Chair"), stored["title"]);   // the old field stays for old readers
        lamp.Name = "Desk lamp";
        await session.SaveChangesAsync();
        stored = (await db.GetAsync("products", "p2"))!;
        Assert.Equal((Value.String("Desk lamp"), Value.Int(4)), (stored["name"], stored["stock"]));
        Assert.DoesNotContain((await db.GetSchemaAsync()).Violations, v => v.Id is "p1" or "p2");

        var fresh = await db.OpenSession(V2).LoadNoTrackingAsync<ProductV2>("p1");
        Assert.Equal(("Chair", 15L), (fresh!.Name, fresh.Stock.Value));
    }

    [Fact]
    public async Task Migrating_through_a_server_works_the_same_and_the_version_crosses_the_wire()
    {
        await using var server = await ServerFixture.StartAsync();
        using var client = server.CreateClient();
        var db = await client.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        await db.PutAsync("products", "p1", ValueJson.Parse("""{"title": "Chair", "stock": "12"}"""), null);
        await Assert.ThrowsAsync<UndeclaredSchemaChangeException>(() => DocumentModel.Of(typeof(ProductV2)).MigrateAsync(db));

        var result = await V2.MigrateAsync(db);
        Assert.Equal((0, 2), (result.From, result.To));
        Assert.Equal(2, result.Written!.Schema.Migration);
        Assert.Equal(2, (await db.GetSchemaAsync()).Schema.Migration);
        Assert.False((await V2.MigrateAsync(db)).Applied);
        var chair = await db.OpenSession(V2).LoadAsync<ProductV2>("p1");
        Assert.Equal(("Chair", 12L), (chair!.Name, chair.Stock.Value));
    }

    [Fact]
    public void The_schema_json_carries_the_migration_version()
    {
        var schema = SchemaJson.Parse("""{ "migration": 4, "collections": {} }""");
        Assert.Equal(4, schema.Migration);
        Assert.Contains("\"migration\":4", SchemaJson.ToJson(schema));
        Assert.Null(SchemaJson.Parse("""{ "collections": {} }""").Migration);
        foreach (string bad in new[] { "0", "-1", "1.5", "\"2\"" })
            Assert.Contains("'migration'", Assert.Throws<InvalidInputException>(() => SchemaJson.Parse($$"""{ "migration": {{bad}}, "collections": {} }""")).Message);
    }

    [Fact]
    public async Task A_value_the_retype_cannot_convert_is_a_type_mismatch_naming_the_field()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        await db.PutAsync("products", "bad", ValueJson.Parse("""{"title": "Box", "stock": "many"}"""), null);
        await V2.MigrateAsync(db);
        var refused = await Assert.ThrowsAsync<TypeMismatchException>(() => db.OpenSession(V2).LoadAsync<ProductV2>("bad"));
        Assert.Contains("products.stock", refused.Message);
    }

    [Fact]
    public async Task Two_replicas_that_migrate_at_different_times_read_the_same_objects_after_sync()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("shop");
        var dbB = await replicaB.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(dbA);
        var seed = dbA.OpenSession(V1);
        seed.Store(new ProductV1 { Id = "p1", Title = "Chair", Stock = "12" });
        await seed.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        // A migrates and writes in the new shape; B, still on version 1, writes in the old one.
        await Synced.MigrateAsync(dbA);
        var onA = dbA.OpenSession(Synced);
        onA.Store(new ProductSynced { Id = "a1", Name = "Table", Stock = new Counter(2) });
        var chairA = (await onA.LoadAsync<ProductSynced>("p1"))!;
        chairA.Stock.Increment(1);
        await onA.SaveChangesAsync();
        var onB = dbB.OpenSession(V1);
        onB.Store(new ProductV1 { Id = "b1", Title = "Stool", Stock = "7" });
        var chairB = (await onB.LoadAsync<ProductV1>("p1"))!;
        chairB.Legacy = "from B";
        await onB.SaveChangesAsync();
        Assert.Null((await dbB.GetSchemaAsync()).Schema.Migration);

        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        Assert.Equal(2, (await dbB.GetSchemaAsync()).Schema.Migration);
        var seen = new List<string>();
        foreach (var db in new[] { dbA, dbB })
        {
            var read = db.OpenSession(Synced);
            var products = await read.Query<ProductSynced>().ToListAsync();
            seen.Add(string.Join("; ", products.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => $"{p.Id} {p.Name} {p.Stock.Value} {p.Legacy}")));
        }
        Assert.Equal("a1 Table 2 ; b1 Stool 7 ; p1 Chair 13 from B", seen[0]);
        Assert.Equal(seen[0], seen[1]);
        // Nothing was rewritten behind anyone's back: B's document keeps its old shape until a new-version write.
        Assert.Equal(ValueJson.Parse("""{"stock": "7", "title": "Stool"}"""), (await dbA.GetAsync("products", "b1"))!.Fields);
        foreach (string id in new[] { "a1", "b1", "p1" })
            Assert.Equal((await dbA.GetAsync("products", id))!.Fields, (await dbB.GetAsync("products", id))!.Fields);
    }
}

[Causeway.Models.Collection("orders")]
public sealed class Order
{
    public string? Id { get; set; }
    public double Total { get; set; }
}

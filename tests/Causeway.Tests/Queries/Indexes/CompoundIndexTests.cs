using Causeway.Errors;
using Causeway.Queries;
using Causeway.Queries.Indexes;
using Causeway.Schemas;
using Causeway.Storage;
using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries.Indexes;

/// <summary>A top-K with <c>eq</c> on a compound index's leading paths and <c>orderBy</c> its last
/// path returns exactly what a replica without indexes (a scan) returns, over random histories of
/// puts, deletes and updates of either component, page by page through cursors, at the latest
/// position and in the past.</summary>
public sealed class CompoundIndexPropertyTests
{
    private const string Schema = """{ "collections": { "items": { "index": { "compound": [["category", "price"]] } } } }""";

    private static readonly string[] Ids = ["a", "b", "c", "d", "e", "f"];

    /// <summary>A long category: its key keeps only the first 64 units, which the two share.</summary>
    private static readonly string Long = new('L', 70);

    private static readonly Value?[] Categories = [Value.String("c0"), Value.String("c1"), Value.String(Long + "x"), Value.String(Long + "y"), null,
        Value.Array([Value.String("c0")])];

    private static readonly Value?[] Prices = [Value.Int(0), Value.Int(1), Value.Int(2), Value.Double(2.5), Value.Int(4), null, Value.Array([Value.Int(1)]), Value.String("p")];

    /// <summary>0 put both, 1 change the category only, 2 change the price only, 3 delete.</summary>
    private sealed record Op(int Kind, int Id, int Category, int Price)
    {
        public override string ToString() => $"{Kind switch { 0 => "put", 1 => "set category", 2 => "set price", _ => "delete" }} {Ids[Id]} c={Show(Categories[Category])} p={Show(Prices[Price])}";
    }

    private static string Show(Value? value) => value is null ? "-" : value.Kind == ValueKind.String && value.AsString().Length > 10 ? $"L..{value.AsString()[^1]}" : value.ToString()!;

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Frequency((4, Gen.Const(0)), (2, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Const(3))),
        Gen.Int[0, Ids.Length - 1], Gen.Int[0, Categories.Length - 1], Gen.Int[0, Prices.Length - 1]).Select((k, i, c, p) => new Op(k, i, c, p));

    /// <summary>Order: 0 price descending, 1 ascending with a bound that implies it is present, 2 ascending (no compound walk: missing prices come first).</summary>
    private sealed record Case(Op[] Ops, int Category, int Order, int Limit, int PastAt)
    {
        public override string ToString() => $"ops: {string.Join("; ", Ops.Select(o => o.ToString()))}\ncategory {Show(Categories[Category])}, order {Order}, limit {Limit}, past at op #{PastAt}";
    }

    private static readonly Gen<Case> CaseGen = Gen.Select(OpGen.Array[1, 30], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[1, 3], Gen.Int[0, 30])
        .Select((ops, category, order, limit, past) => new Case(ops, category, order, limit, past));

    [Fact]
    public async Task Compound_walks_answer_as_a_scan_does_now_and_in_the_past() => await CaseGen.SampleAsync(Check, iter: 100, threads: 1, print: c => c.ToString());

    private static async Task Check(Case c)
    {
        await using var indexed = Replica.OpenInMemory();
        await using var scanned = Replica.OpenInMemory(new ReplicaOptions { Indexes = false });
        var dbI = await indexed.CreateDatabaseAsync("d");
        var dbS = await scanned.CreateDatabaseAsync("d");
        var schema = SchemaJson.Parse(Schema);
        await dbI.SetSchemaAsync(schema);
        await dbS.SetSchemaAsync(schema);

        var current = new Dictionary<string, (Value? Category, Value? Price)>();
        long pastI = dbI.Position, pastS = dbS.Position;
        for (int i = 0; i < c.Ops.Length; i++)
        {
            var op = c.Ops[i];
            string id = Ids[op.Id];
            var (category, price) = current.GetValueOrDefault(id);
            if (op.Kind == 3)
            {
                if (current.Remove(id))
                {
                    await dbI.DeleteAsync("items", id);
                    await dbS.DeleteAsync("items", id);
                }
            }
            else
            {
                if (op.Kind is 0 or 1) category = Categories[op.Category];
                if (op.Kind is 0 or 2) price = Prices[op.Price];
                current[id] = (category, price);
                var fields = new List<KeyValuePair<string, Value>> { new("tag", Value.Int(i)) };
                if (category is not null) fields.Add(new("category", category));
                if (price is not null) fields.Add(new("price", price));
                await dbI.PutAsync("items", id, Value.Map(fields));
                await dbS.PutAsync("items", id, Value.Map(fields));
            }
            if (i == c.PastAt) (pastI, pastS) = (dbI.Position, dbS.Position);
        }

        var filter = Pred.Eq("category", Categories[c.Category]!);
        if (c.Order == 1) filter = Pred.And(filter, Pred.Gte("price", Value.Int(1)));
        var query = Query.In("items").Where(filter).OrderBy("price", desc: c.Order == 0).Take(c.Limit);
        foreach (var (atI, atS) in new[] { (ReadPoint.AtPosition(pastI), ReadPoint.AtPosition(pastS)), ((ReadPoint?)null, (ReadPoint?)null) })
        {
            var expected = await dbS.QueryAsync(query.Take(Query.MaxLimit).At(atS));
            var got = new List<string>();
            string? cursor = null;
            for (int page = 0; page < 20; page++)
            {
                var result = await dbI.QueryAsync(query.After(cursor).At(atI), explain: true);
                got.AddRange(result.Documents.Select(d => d.Id));
                // Missing prices come last descending: when the walk runs out, a fallback finds them.
                if (c.Order != 2)
                    Assert.True(result.Plan!.Order.StartsWith("index walk on category,price", StringComparison.Ordinal) || result.Plan.Fallback?.Contains("compound index category,price ran out") == true,
                        $"order '{result.Plan.Order}', fallback '{result.Plan.Fallback}'");
                cursor = result.Next;
                if (cursor is null) break;
            }
            Assert.Equal(expected.Documents.Select(d => d.Id), got);
        }
    }
}

/// <summary>Compound indexes as a user meets them: declared in the schema, walked for a filtered
/// top-K (explain says so), taken up only once the index holds them whole, rebuilt key for key.</summary>
public sealed class CompoundIndexTests
{
    private const string Schema = """{ "collections": { "items": { "index": { "compound": [["category", "price"]] } } } }""";

    private static async Task Fill(Database db, int from, int to)
    {
        await db.TransactAsync(tx =>
        {
            for (int i = from; i < to; i++)
                tx.Put("items", $"i{i:D4}", Value.Map([new("category", Value.String($"cat-{i % 10}")), new("price", Value.Int(i * 7 % 1000))]));
        });
    }

    private static Query TopOf(string category, int limit) => Query.In("items").Where(Pred.Eq("category", Value.String(category))).OrderBy("price", desc: true).Take(limit);

    private static async Task<List<string>> Expected(Database db, string category, int limit)
    {
        var rows = new List<(long Price, string Id)>();
        string? cursor = null;
        do
        {
            var page = await db.QueryAsync(Query.In("items").Take(Query.MaxLimit).After(cursor));
            rows.AddRange(page.Documents.Where(d => d.Fields.Get("category")!.AsString() == category).Select(d => (d.Fields.Get("price")!.AsInt(), d.Id)));
            cursor = page.Next;
        } while (cursor is not null);
        return [.. rows.OrderByDescending(r => r.Price).ThenBy(r => r.Id, StringComparer.Ordinal).Take(limit).Select(r => r.Id)];
    }

    [Fact]
    public async Task A_filtered_top_k_walks_the_compound_range_and_reads_only_its_page()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("d");
        await db.SetSchemaAsync(SchemaJson.Parse(Schema));
        await Fill(db, 0, 2000);
        var page = await db.QueryAsync(TopOf("cat-3", 5), explain: true);
        Assert.Equal(await Expected(db, "cat-3", 5), page.Documents.Select(d => d.Id));
        var plan = page.Plan!;
        Assert.Equal("index", plan.Access);
        Assert.Equal("index walk on category,price (descending)", plan.Order);
        Assert.Single(plan.Ranges);
        Assert.StartsWith("category,price = (\"cat-3\") then price", plan.Ranges[0]);
        Assert.True(plan.ExaminedRows <= 8, $"examined {plan.ExaminedRows}");
        Assert.True(plan.IndexKeysRead <= 12, $"read {plan.IndexKeysRead} index keys");
    }

    [Fact]
    public async Task A_replica_that_syncs_the_schema_and_documents_walks_the_compound()
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        var dbA = await a.CreateDatabaseAsync("d");
        var dbB = await b.CreateDatabaseAsync("d");
        await dbA.SetSchemaAsync(SchemaJson.Parse(Schema));
        await Fill(dbA, 0, 300);
        string highest = (await Expected(dbA, "cat-5", 1))[0];
        await dbA.DeleteAsync("items", highest);
        await dbB.SyncWithAsync(dbA);
        var page = await dbB.QueryAsync(TopOf("cat-5", 4), explain: true);
        Assert.Equal("index walk on category,price (descending)", page.Plan!.Order);
        Assert.Equal(await Expected(dbA, "cat-5", 4), page.Documents.Select(d => d.Id));
        Assert.DoesNotContain(highest, page.Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task A_compound_declared_over_existing_documents_is_used_only_once_built()
    {
        using var folder = new TempFolder();
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = await replica.CreateDatabaseAsync("d");
            await Fill(db, 0, 300);
            await db.SetSchemaAsync(SchemaJson.Parse(Schema));
            await Fill(db, 300, 400);
            var page = await db.QueryAsync(TopOf("cat-4", 7), explain: true);
            Assert.Equal(await Expected(db, "cat-4", 7), page.Documents.Select(d => d.Id));
            Assert.DoesNotContain("category,price", page.Plan!.Order);
        }
        await using (var reopened = await Replica.OpenAsync(folder.Path))
        {
            var db = reopened.GetDatabase("d");
            var page = await db.QueryAsync(TopOf("cat-4", 7), explain: true);
            Assert.Equal(await Expected(db, "cat-4", 7), page.Documents.Select(d => d.Id));
            Assert.Equal("index walk on category,price (descending)", page.Plan!.Order);
        }
    }

    [Fact]
    public async Task A_compound_declared_again_after_being_dropped_waits_for_a_build()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("d");
        await db.SetSchemaAsync(SchemaJson.Parse(Schema));
        await Fill(db, 0, 100);
        await db.SetSchemaAsync(SchemaJson.Parse("""{ "collections": { "items": {} } }"""));
        // Written while the compound is not declared: these have no compound entries.
        await db.PutAsync("items", "i0003", Value.Map([new("category", Value.String("cat-3")), new("price", Value.Int(5000))]));
        await db.SetSchemaAsync(SchemaJson.Parse(Schema));
        var page = await db.QueryAsync(TopOf("cat-3", 3), explain: true);
        Assert.Equal("i0003", page.Documents[0].Id);
        Assert.Equal(await Expected(db, "cat-3", 3), page.Documents.Select(d => d.Id));
        Assert.DoesNotContain("category,price", page.Plan!.Order);
    }

    [Fact]
    public async Task Rebuilding_the_index_gives_the_same_compound_keys()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("d");
        var schema = SchemaJson.Parse(Schema);
        await db.SetSchemaAsync(schema);
        await Fill(db, 0, 50);
        await db.PutAsync("items", "i0001", Value.Map([new("category", Value.String("cat-9")), new("price", Value.Int(3))]));
        await db.PutAsync("items", "i0002", Value.Map([new("category", Value.String("cat-2"))]));
        await db.DeleteAsync("items", "i0004");

        uint id = db.Stored.Runtime.Id;
        var compound = IndexKeys.CollectionPrefix(id, "items").Concat(IndexEntries.PathPrefix("category,price", IndexEntries.Kind.Compound)).ToArray();
        // 50 appeared; i0001 moved (its old entry disappears, a new one appears); i0002 (no price) and i0004 (deleted) disappear.
        Assert.Equal(50 + 2 + 1 + 1, replica.Store.ScanAll(compound).Count());
        var before = replica.Store.ScanAll(IndexKeys.DatabasePrefix(id)).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).ToList();
        PathIndex.Rebuild(replica.Store, id, db.Position, schema);
        var after = replica.Store.ScanAll(IndexKeys.DatabasePrefix(id)).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_compound_rule_reads_and_writes_in_the_schema()
    {
        var schema = SchemaJson.Parse("""{ "collections": { "a": { "index": { "exclude": ["z"], "compound": [["x", "y.v"], ["y.v", "x", "w"]] } }, "b": { "index": { "compound": [["p", "q"]] } } } }""");
        Assert.Equal(2, schema.For("a")!.Index.Compound.Count);
        Assert.Equal(["y.v", "x", "w"], schema.For("a")!.Index.Compound[1]);
        Assert.False(schema.For("b")!.Index.IsDefault);
        string json = SchemaJson.ToJson(schema);
        Assert.Contains("\"index\":{\"exclude\":[\"z\"],\"compound\":[[\"x\",\"y.v\"],[\"y.v\",\"x\",\"w\"]]}", json);
        Assert.Contains("\"index\":{\"compound\":[[\"p\",\"q\"]]}", json);
        var again = SchemaJson.Parse(json);
        Assert.Equal(schema.For("a")!.Index, again.For("a")!.Index);
        Assert.Equal(schema.For("b")!.Index, again.For("b")!.Index);
        Assert.NotEqual(schema.For("a")!.Index, again.For("b")!.Index);

        foreach (var bad in new[]
        {
            """{ "compound": [["x"]] }""", """{ "compound": [["x", "x"]] }""", """{ "compound": ["x"] }""", """{ "compound": [["x", 1]] }""",
            """{ "compound": [["x", "$y"]] }""", """{ "compound": [["x", "y"], ["x", "y"]] }""", """{ "exclude": ["y"], "compound": [["x", "y.z"]] }""",
            """{ "compound": [["a", "b", "c", "d", "e", "f", "g", "h", "i"]] }""", """{ "compound": {} }""",
        })
            Assert.Throws<InvalidInputException>(() => SchemaJson.Parse($$"""{ "collections": { "a": { "index": {{bad}} } } }"""));
    }
}

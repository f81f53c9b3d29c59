using Causeway.Errors;
using Causeway.Queries;
using Causeway.Queries.Indexes;
using Causeway.Storage;
using Causeway.Tests.Support;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Tests.Queries.Indexes;

/// <summary>The path index as a user meets it: queries that use it say so (explain), answer as a
/// scan would, count, stay in their budget, and survive a rebuild key for key.</summary>
public sealed class PathIndexTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("shop");
        for (int i = 0; i < 200; i++)
        {
            string tags = i % 10 == 0 ? """["gift", "sale"]""" : """["sale"]""";
            await _db.PutJsonAsync("orders", $"o-{i:D3}", $$"""{ "status": "{{(i % 4 == 0 ? "paid" : "new")}}", "total": {{(i % 3 == 0 ? $"{i}.5" : $"{i}")}}, "tags": {{tags}}, "ship": { "city": "{{(i % 2 == 0 ? "Rome" : "Oslo")}}" } }""");
        }
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    [Fact]
    public async Task Equality_reads_its_index_and_stops_at_the_page()
    {
        var page = await _db.QueryAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid"))).Take(5), explain: true);
        Assert.Equal(["o-000", "o-004", "o-008", "o-012", "o-016"], page.Documents.Select(d => d.Id));
        var plan = page.Plan!;
        Assert.Equal("index", plan.Access);
        Assert.Equal("id", plan.Order);
        Assert.Null(plan.Fallback);
        Assert.Equal(6, plan.ExaminedRows); // the page and the one that says another follows
        Assert.Contains(plan.Ranges, r => r.StartsWith("status = ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_filtered_top_k_walks_the_sort_index_and_stops_early()
    {
        var page = await _db.QueryAsync(Query.In("orders").Where(Pred.Eq("ship.city", Value.String("Rome"))).OrderBy("total", desc: true).Take(3), explain: true);
        Assert.Equal(["o-198", "o-196", "o-194"], page.Documents.Select(d => d.Id));
        Assert.Equal("index walk on total (descending)", page.Plan!.Order);
        Assert.True(page.Plan.ExaminedRows < 20, $"examined {page.Plan.ExaminedRows}");
    }

    [Fact]
    public async Task A_top_k_walk_asks_the_filter_by_probe_now_and_in_the_past()
    {
        long before = _db.Position;
        // Move some documents between cities, back and forth, so their entries have several events.
        for (int i = 0; i < 200; i += 7) await _db.PutJsonAsync("orders", $"o-{i:D3}", $$"""{ "total": {{1000 - i}}, "ship": { "city": "Oslo" } }""");
        for (int i = 0; i < 200; i += 14) await _db.PutJsonAsync("orders", $"o-{i:D3}", $$"""{ "total": {{2000 - i}}, "ship": { "city": "Rome" } }""");
        foreach (var at in new[] { ReadPoint.AtPosition(before), null })
        {
            var query = Query.In("orders").Where(Pred.Eq("ship.city", Value.String("Rome"))).OrderBy("total", desc: true).Take(5).At(at);
            var page = await _db.QueryAsync(query, explain: true);
            Assert.Equal("index walk on total (descending)", page.Plan!.Order);
            var all = new List<Document>();
            for (int i = 0; i < 200; i++)
                if (await _db.GetAsync("orders", $"o-{i:D3}", at) is { } d && d.Fields.Get("ship")?.Get("city") is { } city && city.AsString() == "Rome") all.Add(d);
            var expected = all.OrderByDescending(d => d.Fields.Get("total") is { Kind: ValueKind.Int } n ? n.AsInt() : d.Fields.Get("total")!.AsDouble()).ThenBy(d => d.Id, StringComparer.Ordinal).Take(5).Select(d => d.Id);
            Assert.Equal(expected, page.Documents.Select(d => d.Id));
        }
    }

    [Fact]
    public async Task A_top_k_walk_probes_an_equality_of_thousands_now_and_in_the_past()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("big");
        await db.TransactAsync(tx =>
        {
            for (int i = 0; i < 6000; i++)
                tx.Put("c", $"d{i:D4}", Value.Map([new("city", Value.String(i % 10 == 0 ? "Oslo" : "Rome")), new("n", Value.Int(i % 997))]));
        });
        long before = db.Position;
        // The highest n of Rome move to Oslo, and some come back: the probe must read events by position.
        await db.TransactAsync(tx =>
        {
            for (int i = 0; i < 6000; i++)
                if (i % 997 >= 990 && i % 10 != 0) tx.Put("c", $"d{i:D4}", Value.Map([new("city", Value.String(i % 3 == 0 ? "Rome" : "Oslo")), new("n", Value.Int(i % 997))]));
        });
        foreach (var at in new[] { ReadPoint.AtPosition(before), null })
        {
            var page = await db.QueryAsync(Query.In("c").Where(Pred.Eq("city", Value.String("Rome"))).OrderBy("n", desc: true).Take(8).At(at), explain: true);
            Assert.Equal("index walk on n (descending)", page.Plan!.Order);
            Assert.True(page.Plan.ExaminedRows < 40, $"examined {page.Plan.ExaminedRows}");
            var expected = new List<(long N, string Id)>();
            for (int i = 0; i < 6000; i++)
                if (await db.GetAsync("c", $"d{i:D4}", at) is { } d && d.Fields.Get("city")!.AsString() == "Rome") expected.Add((d.Fields.Get("n")!.AsInt(), d.Id));
            Assert.Equal(expected.OrderByDescending(e => e.N).ThenBy(e => e.Id, StringComparer.Ordinal).Take(8).Select(e => e.Id), page.Documents.Select(d => d.Id));
        }
    }

    [Fact]
    public async Task Range_contains_prefix_and_or_use_the_index()
    {
        async Task<QueryResult> Run(Predicate where) => await _db.QueryAsync(Query.In("orders").Where(where).Take(1000), explain: true);

        var range = await Run(Pred.Gte("total", Value.Int(10)) & Pred.Lt("total", Value.Double(12.5)));
        Assert.Equal(["o-010", "o-011"], range.Documents.Select(d => d.Id)); // o-012 has 12.5
        Assert.Single(range.Plan!.Ranges); // two bounds on one path are one range

        var gift = await Run(Pred.Contains("tags", Value.String("gift")));
        Assert.Equal(20, gift.Documents.Count);
        Assert.All(gift.Documents, d => Assert.Equal(0, int.Parse(d.Id[2..]) % 10));
        Assert.Equal("index", gift.Plan!.Access);

        var either = await Run(Pred.Eq("total", Value.Int(7)) | Pred.Prefix("_id", "o-19") | Pred.Eq("_id", Value.String("o-001")));
        Assert.Equal("scan", either.Plan!.Access); // a prefix of _id has no index, so neither has the or
        Assert.Contains("branch of 'or'", either.Plan.Fallback);

        var ids = await Run(Pred.Eq("total", Value.Int(7)) | Pred.In("_id", Value.String("o-001"), Value.String("o-002")));
        Assert.Equal(["o-001", "o-002", "o-007"], ids.Documents.Select(d => d.Id));
        Assert.Equal("index", ids.Plan!.Access);
    }

    [Fact]
    public async Task A_filter_no_index_answers_scans_and_says_why()
    {
        var page = await _db.QueryAsync(Query.In("orders").Where(Pred.Ne("status", Value.String("paid"))).Take(2), explain: true);
        Assert.Equal(["o-001", "o-002"], page.Documents.Select(d => d.Id));
        Assert.Equal("scan", page.Plan!.Access);
        Assert.Contains("without the field", page.Plan.Fallback);
    }

    [Fact]
    public async Task Numbers_of_every_kind_are_found_by_one_range()
    {
        await _db.PutJsonAsync("n", "int", """{ "v": 3 }""");
        await _db.PutJsonAsync("n", "double", """{ "v": 2.5 }""");
        await _db.PutJsonAsync("n", "decimal", """{ "v": { "$decimal": "2.0000000000000000000001" } }""");
        await _db.PutJsonAsync("n", "big", """{ "v": 1152921504606846976 }""");
        await _db.PutJsonAsync("n", "two", """{ "v": 2.0 }""");
        await _db.PutJsonAsync("n", "text", """{ "v": "3" }""");
        var page = await _db.QueryAsync(Query.In("n").Where(Pred.Gt("v", Value.Int(2))).OrderBy("v"), explain: true);
        Assert.Equal(["decimal", "double", "int", "big"], page.Documents.Select(d => d.Id));
        Assert.Equal("index", page.Plan!.Access);
    }

    [Fact]
    public async Task Count_counts_what_the_filter_matches_at_the_read_point()
    {
        Assert.Equal(50, (await _db.CountAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid"))))).Count);
        long before = _db.Position;
        await _db.DeleteAsync("orders", "o-000");
        Assert.Equal(49, (await _db.CountAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid"))))).Count);
        Assert.Equal(50, (await _db.CountAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid"))).At(ReadPoint.AtPosition(before)))).Count);
        Assert.Equal(199, (await _db.CountAsync(Query.In("orders"))).Count);
        Assert.Equal(before, (await _db.CountAsync(Query.In("orders").At(ReadPoint.AtPosition(before)))).Position);
    }

    [Fact]
    public async Task A_writer_sees_its_write_in_the_index_and_the_past_keeps_the_old_value()
    {
        long before = _db.Position;
        await _db.PutJsonAsync("orders", "o-001", """{ "status": "paid", "total": 1 }""");
        var now = await _db.QueryAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid")) & Pred.Lt("total", Value.Int(4))));
        Assert.Equal(["o-000", "o-001"], now.Documents.Select(d => d.Id));
        var then = await _db.QueryAsync(Query.In("orders").Where(Pred.Eq("status", Value.String("paid")) & Pred.Lt("total", Value.Int(4))).At(ReadPoint.AtPosition(before)));
        Assert.Equal(["o-000"], then.Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task A_query_past_its_budget_stops_with_query_timeout()
    {
        var query = Query.In("c").Where(Pred.Not(Pred.Eq("n", Value.Int(-1)))).OrderBy("n");
        var slow = Replica.OpenInMemory(new ReplicaOptions { Time = new AdvancingTime(TimeSpan.FromMilliseconds(300)), QueryBudget = TimeSpan.FromSeconds(1) });
        await using (slow)
        {
            var sdb = await slow.CreateDatabaseAsync("slow");
            await sdb.TransactAsync(tx =>
            {
                for (int i = 0; i < 2000; i++) tx.Put("c", $"d{i:D4}", Value.Map([new("n", Value.Int(i))]));
            });
            var error = await Assert.ThrowsAsync<QueryTimeoutException>(() => sdb.QueryAsync(query));
            Assert.Equal(ErrorCodes.QueryTimeout, error.Code);
            Assert.Equal(408, ErrorCodes.HttpStatus(error.Code));
        }
    }

    [Fact]
    public async Task Rebuilding_the_index_from_the_documents_gives_the_same_keys()
    {
        // History with changes, deletes and a recreation, so the index holds past events too.
        await _db.PutJsonAsync("orders", "o-003", """{ "status": "paid", "total": 3 }""");
        await _db.DeleteAsync("orders", "o-005");
        await _db.PutJsonAsync("orders", "o-005", """{ "status": "again", "tags": [1, 2, 2] }""");
        await _db.PutJsonAsync("orders", "o-007", """{ "status": "new", "ship": { "city": "Lima" } }""");

        var store = _replica.Store;
        uint id = _db.Stored.Runtime.Id;
        var before = store.ScanAll(IndexKeys.DatabasePrefix(id)).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).ToList();
        Assert.NotEmpty(before);
        PathIndex.Rebuild(store, id, _db.Position, Causeway.Schemas.Schema.Empty);
        var after = store.ScanAll(IndexKeys.DatabasePrefix(id)).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).ToList();
        Assert.Equal(before, after);
        Assert.True(PathIndex.Covers(store, id, _db.Position));
    }

    [Fact]
    public async Task A_replica_reopened_with_indexes_after_writing_without_them_rebuilds_and_answers()
    {
        using var folder = new TempFolder();
        await using (var plain = await Replica.OpenAsync(folder.Path, new ReplicaOptions { Indexes = false }))
        {
            var db = await plain.CreateDatabaseAsync("d");
            await db.PutJsonAsync("c", "a", """{ "k": 1 }""");
            await db.PutJsonAsync("c", "b", """{ "k": 2 }""");
            var page = await db.QueryAsync(Query.In("c").Where(Pred.Eq("k", Value.Int(2))), explain: true);
            Assert.Equal(["b"], page.Documents.Select(d => d.Id));
            Assert.Equal("scan", page.Plan!.Access);
        }
        await using var indexed = await Replica.OpenAsync(folder.Path);
        var again = await indexed.GetDatabase("d").QueryAsync(Query.In("c").Where(Pred.Eq("k", Value.Int(2))), explain: true);
        Assert.Equal(["b"], again.Documents.Select(d => d.Id));
        Assert.Equal("index", again.Plan!.Access);
    }

    [Fact]
    public async Task A_document_over_the_entry_cap_is_still_found()
    {
        var fields = Enumerable.Range(0, IndexEntries.MaxEntries + 10).Select(i => new KeyValuePair<string, Value>($"f{i:D4}", Value.Int(i)));
        await _db.PutAsync("wide", "w", Value.Map(fields));
        await _db.PutJsonAsync("wide", "x", """{ "f1005": 1005 }""");
        var page = await _db.QueryAsync(Query.In("wide").Where(Pred.Eq("f1005", Value.Int(1005))));
        Assert.Equal(["w", "x"], page.Documents.Select(d => d.Id));
    }

    /// <summary>A clock that moves on by a step every time it is read.</summary>
    private sealed class AdvancingTime(TimeSpan step) : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(Interlocked.Read(ref _ticks));
    }
}

/// <summary>Schemas that keep paths or collections out of the index (docs/indexes.md, "Opting out").</summary>
public sealed class IndexOptOutTests
{
    private static async Task<long> KeysUnder(Replica replica, Database db, string collection, string path)
    {
        var prefix = IndexKeys.CollectionPrefix(db.Stored.Runtime.Id, collection).Concat(IndexEntries.PathPrefix(path, IndexEntries.Kind.Value)).ToArray();
        await Task.Yield();
        return replica.Store.ScanAll(prefix).Count();
    }

    [Fact]
    public async Task An_excluded_path_has_no_entries_and_its_queries_scan_correctly()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("d");
        await db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "notes": { "index": { "exclude": ["body", "meta.raw"] } }, "logs": { "index": false } } }"""));
        await db.PutJsonAsync("notes", "n1", """{ "body": "hello", "title": "a", "meta": { "raw": "x", "kept": 1 } }""");
        await db.PutJsonAsync("notes", "n2", """{ "body": "world", "title": "b", "meta": { "raw": "y", "kept": 2 } }""");
        await db.PutJsonAsync("logs", "l1", """{ "level": "warn" }""");

        Assert.Equal(0, await KeysUnder(replica, db, "notes", "body"));
        Assert.Equal(0, await KeysUnder(replica, db, "notes", "meta.raw"));
        Assert.Equal(2, await KeysUnder(replica, db, "notes", "meta.kept"));
        Assert.Equal(0, await KeysUnder(replica, db, "logs", "level"));

        var body = await db.QueryAsync(Query.In("notes").Where(Pred.Eq("body", Value.String("world"))), explain: true);
        Assert.Equal(["n2"], body.Documents.Select(d => d.Id));
        Assert.Equal("scan", body.Plan!.Access);
        Assert.Contains("not indexed", body.Plan.Fallback);
        var title = await db.QueryAsync(Query.In("notes").Where(Pred.Eq("title", Value.String("a"))), explain: true);
        Assert.Equal("index", title.Plan!.Access);
        var logs = await db.QueryAsync(Query.In("logs").Where(Pred.Eq("level", Value.String("warn"))), explain: true);
        Assert.Equal(["l1"], logs.Documents.Select(d => d.Id));
        Assert.Contains("out of the index", logs.Plan!.Fallback);
    }

    [Fact]
    public async Task A_path_taken_back_in_scans_until_the_index_is_built_again()
    {
        using var folder = new TempFolder();
        await using (var replica = await Replica.OpenAsync(folder.Path))
        {
            var db = await replica.CreateDatabaseAsync("d");
            await db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "notes": { "index": { "exclude": ["body"] } } } }"""));
            await db.PutJsonAsync("notes", "n1", """{ "body": "hello" }""");
            await db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "notes": {} } }"""));
            await db.PutJsonAsync("notes", "n2", """{ "body": "hello" }""");
            var page = await db.QueryAsync(Query.In("notes").Where(Pred.Eq("body", Value.String("hello"))), explain: true);
            Assert.Equal(["n1", "n2"], page.Documents.Select(d => d.Id));
            Assert.Equal("scan", page.Plan!.Access);
        }
        await using (var reopened = await Replica.OpenAsync(folder.Path))
        {
            var page = await reopened.GetDatabase("d").QueryAsync(Query.In("notes").Where(Pred.Eq("body", Value.String("hello"))), explain: true);
            Assert.Equal(["n1", "n2"], page.Documents.Select(d => d.Id));
            Assert.Equal("index", page.Plan!.Access);
        }
    }

    [Fact]
    public void The_index_rule_reads_and_writes_in_the_schema()
    {
        var schema = Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "a": { "index": { "exclude": ["z", "b.c"] } }, "b": { "index": false }, "c": { "index": true } } }""");
        Assert.Equal(["b.c", "z"], schema.For("a")!.Index.Exclude);
        Assert.False(schema.For("b")!.Index.Enabled);
        Assert.True(schema.For("c")!.Index.IsDefault);
        string json = Causeway.Schemas.SchemaJson.ToJson(schema);
        Assert.Contains("\"index\":{\"exclude\":[\"b.c\",\"z\"]}", json);
        Assert.Contains("\"index\":false", json);
        Assert.Equal(schema.For("a")!.Index, Causeway.Schemas.SchemaJson.Parse(json).For("a")!.Index);
        Assert.Throws<InvalidInputException>(() => Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "a": { "index": { "exclude": ["$x"] } } } }"""));
        Assert.Throws<InvalidInputException>(() => Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "a": { "index": "no" } } }"""));
        Assert.Throws<InvalidInputException>(() => Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "a": { "index": { "only": [] } } } }"""));
    }
}

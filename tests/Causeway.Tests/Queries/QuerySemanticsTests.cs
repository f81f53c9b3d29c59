using Causeway.Documents;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Tests.Queries;

/// <summary>Each operator, the connectives, missing fields, mixed number kinds, nested paths, _id,
/// ordering with ties, limit and reads in the past, against a small fixed collection.</summary>
public sealed class QuerySemanticsTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("q");
        await _db.PutJsonAsync("items", "a", """{"n": 1, "s": "apple", "tags": [1, 2], "ship": {"city": "Oslo", "zip": 150}, "on": true}""");
        await _db.PutJsonAsync("items", "b", """{"n": 2.5, "s": "banana", "tags": [2], "ship": {"city": "Rome"}}""");
        await _db.PutJsonAsync("items", "c", """{"n": {"$decimal": "3"}, "s": "avocado", "nothing": null, "ship": {"city": 7}}""");
        await _db.PutJsonAsync("items", "d", """{"s": 5, "tags": [1.0, 2.0]}""");
        await _db.PutJsonAsync("items", "e", """{"n": "1", "s": "Apple"}""");
        await _db.PutJsonAsync("items", "f", """{"n": 1.0, "s": "", "on": false}""");
        await _db.PutJsonAsync("other", "x", """{"n": 1}""");
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private async Task<string[]> Ids(string where, string? orderBy = null, int? limit = null)
    {
        var json = $$"""{"collection": "items", "where": {{where}}{{(orderBy is null ? "" : $", \"orderBy\": {orderBy}")}}{{(limit is null ? "" : $", \"limit\": {limit}")}}}""";
        var result = await _db.QueryAsync(Query.Parse(json));
        return [.. result.Documents.Select(d => d.Id)];
    }

    [Theory]
    [InlineData("""{"path": "n", "eq": 1}""", "a,f")]                 // 1 == 1.0, but not "1"
    [InlineData("""{"path": "n", "eq": 1.0}""", "a,f")]
    [InlineData("""{"path": "n", "eq": {"$decimal": "3.00"}}""", "c")]  // decimal against decimal by value
    [InlineData("""{"path": "n", "eq": 3}""", "c")]
    [InlineData("""{"path": "n", "eq": "1"}""", "e")]
    [InlineData("""{"path": "n", "ne": 1}""", "b,c,d,e")]             // missing (d) and other kinds (e) are ne
    [InlineData("""{"path": "n", "lt": 3}""", "a,f,b")]               // the string "1" is not less than a number
    [InlineData("""{"path": "n", "lte": 3}""", "a,f,b,c")]
    [InlineData("""{"path": "n", "gt": 1}""", "b,c")]
    [InlineData("""{"path": "n", "gte": 1}""", "a,f,b,c")]
    [InlineData("""{"path": "n", "gt": "0"}""", "e")]                  // strings with strings
    [InlineData("""{"path": "s", "gte": "b"}""", "b")]                 // ordinal: "Apple" < "apple" < "b"
    [InlineData("""{"path": "s", "lt": "a"}""", "f,e")]
    [InlineData("""{"path": "n", "in": [2.5, "1", 7]}""", "b,e")]
    [InlineData("""{"path": "n", "in": []}""", "")]
    [InlineData("""{"path": "s", "prefix": "a"}""", "a,c")]            // case-sensitive; s of d is a number
    [InlineData("""{"path": "s", "prefix": ""}""", "f,e,a,c,b")]       // every string
    [InlineData("""{"path": "n", "exists": true}""", "a,b,c,e,f")]
    [InlineData("""{"path": "n", "exists": false}""", "d")]
    [InlineData("""{"path": "nothing", "exists": true}""", "c")]       // null is a present value
    [InlineData("""{"path": "nothing", "eq": null}""", "c")]
    [InlineData("""{"path": "on", "eq": true}""", "a")]
    [InlineData("""{"path": "on", "lt": true}""", "f")]
    public async Task Each_operator(string where, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids(where)));

    // Without orderBy, a filter that only ranges over one path comes in that path's order, then by id;
    // anything else comes in id order. Pages of either follow the same order to the end.
    [Theory]
    [InlineData("""{"path": "n", "gte": 1}""", "a,f,b,c")]
    [InlineData("""{"and": [{"path": "n", "gt": 0}, {"path": "n", "lt": 3}]}""", "a,f,b")]
    [InlineData("""{"path": "s", "prefix": "a"}""", "a,c")]
    [InlineData("""{"and": [{"path": "n", "gt": 0}, {"path": "s", "gt": ""}]}""", "a,b,c")]
    [InlineData("""{"or": [{"path": "n", "lt": 2}, {"path": "n", "gt": 2}]}""", "a,b,c,f")]
    [InlineData("""{"path": "n", "eq": 1}""", "a,f")]
    public async Task Without_orderBy_a_range_comes_in_its_paths_order_and_pages_follow_it(string where, string expected)
    {
        Assert.Equal(expected, string.Join(",", await Ids(where)));
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _db.QueryAsync(Query.Parse($$"""{"collection": "items", "where": {{where}}, "limit": 1}""").After(cursor));
            seen.AddRange(page.Documents.Select(d => d.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(expected, string.Join(",", seen));
    }

    [Theory]
    [InlineData("""{"path": "tags", "eq": [1, 2]}""", "a,d")]          // whole-array equality; 1.0 == 1 inside too
    [InlineData("""{"path": "tags", "eq": 2}""", "")]                  // no element matching
    [InlineData("""{"path": "tags", "in": [[2], 2]}""", "b")]
    [InlineData("""{"path": "tags", "gt": [1, 5]}""", "b")]            // arrays compare element by element
    [InlineData("""{"path": "tags", "exists": true}""", "a,b,d")]
    public async Task Arrays_compare_as_whole_values(string where, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids(where)));

    [Theory]
    [InlineData("""{"path": "ship.city", "eq": "Oslo"}""", "a")]
    [InlineData("""{"path": "ship.city", "prefix": "R"}""", "b")]
    [InlineData("""{"path": "ship.city", "gte": 0}""", "c")]
    [InlineData("""{"path": "ship.zip", "exists": true}""", "a")]
    [InlineData("""{"path": "ship", "eq": {"city": "Rome"}}""", "b")]
    [InlineData("""{"path": "s.deeper", "exists": true}""", "")]       // a path through a non-map finds nothing
    [InlineData("""{"path": "ship.city.x", "ne": 1}""", "a,b,c,d,e,f")]
    public async Task Nested_paths(string where, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids(where)));

    [Theory]
    [InlineData("""{"path": "_id", "eq": "c"}""", "c")]
    [InlineData("""{"path": "_id", "in": ["a", "f", "zz"]}""", "a,f")]
    [InlineData("""{"path": "_id", "gt": "d"}""", "e,f")]
    [InlineData("""{"path": "_id", "prefix": "b"}""", "b")]
    [InlineData("""{"path": "_id", "exists": false}""", "")]
    public async Task The_id_pseudo_path(string where, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids(where)));

    [Theory]
    [InlineData("""{"and": [{"path": "n", "gte": 1}, {"path": "s", "prefix": "a"}]}""", "a,c")]
    [InlineData("""{"or": [{"path": "n", "eq": "1"}, {"path": "s", "eq": 5}]}""", "d,e")]
    [InlineData("""{"not": {"path": "n", "lt": 3}}""", "c,d,e")]       // not includes the documents lt could not apply to
    [InlineData("""{"not": {"or": [{"path": "n", "exists": true}, {"path": "_id", "eq": "d"}]}}""", "")]
    [InlineData("""{"and": []}""", "a,b,c,d,e,f")]
    [InlineData("""{"or": []}""", "")]
    [InlineData("""{"and": [{"or": [{"path": "on", "exists": true}, {"path": "n", "eq": 2.5}]}, {"not": {"path": "on", "eq": false}}]}""", "a,b")]
    public async Task And_or_not(string where, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids(where)));

    [Theory]
    [InlineData("""[{"path": "n"}]""", "d,a,f,b,c,e")]                       // missing first; 1 and 1.0 tie, so ids decide; then strings
    [InlineData("""[{"path": "n", "desc": true}]""", "e,c,b,a,f,d")]         // missing last; ties still by id ascending
    [InlineData("""[{"path": "on"}, {"path": "_id", "desc": true}]""", "e,d,c,b,f,a")]
    [InlineData("""[{"path": "ship.city", "desc": false}, {"path": "s"}]""", "d,f,e,c,a,b")]
    [InlineData("""[{"path": "_id", "desc": true}]""", "f,e,d,c,b,a")]
    public async Task Ordering(string orderBy, string expected)
        => Assert.Equal(expected, string.Join(",", await Ids("null", orderBy)));

    [Fact]
    public async Task Limit_cuts_the_ordered_result_and_defaults_to_100()
    {
        Assert.Equal(["e", "c"], await Ids("null", """[{"path": "n", "desc": true}]""", limit: 2));
        var all = await _db.QueryAsync(Query.In("items"));
        Assert.Equal(6, all.Documents.Count);
        Assert.Null(all.Next);
        Assert.Equal(100, Query.In("items").Limit);
        var one = await _db.QueryAsync(Query.In("items").Take(1));
        Assert.Equal("a", Assert.Single(one.Documents).Id);
        Assert.NotNull(one.Next);
    }

    [Fact]
    public async Task Documents_come_back_with_fields_and_meta()
    {
        var result = await _db.QueryAsync(Query.In("items").Where(Pred.Eq("_id", Value.String("b"))));
        var doc = Assert.Single(result.Documents);
        Assert.Equal(await _db.GetAsync("items", "b") is { } b ? b.ToJson() : null, doc.ToJson());
        Assert.Equal(_db.Position, result.Position);
    }

    [Fact]
    public async Task The_builder_matches_the_json_form()
    {
        var built = Query.In("items")
            .Where(Pred.Gte("n", Value.Int(1)) & (Pred.Prefix("s", "a") | !Pred.Exists("ship.zip")))
            .OrderBy("n", desc: true).ThenBy("s")
            .Take(3);
        var parsed = Query.Parse("""
            {"collection": "items", "limit": 3,
             "where": {"and": [{"path": "n", "gte": 1}, {"or": [{"path": "s", "prefix": "a"}, {"not": {"path": "ship.zip", "exists": true}}]}]},
             "orderBy": [{"path": "n", "desc": true}, {"path": "s"}]}
            """);
        var a = await _db.QueryAsync(built);
        var b = await _db.QueryAsync(parsed);
        Assert.Equal(["c", "b", "f"], a.Documents.Select(d => d.Id));
        Assert.Equal(a.Documents.Select(d => d.Id), b.Documents.Select(d => d.Id));
        // Same query, so each one's cursor continues the other.
        var rest = await _db.QueryAsync(parsed.After(a.Next));
        Assert.Equal(["a"], rest.Documents.Select(d => d.Id));
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task Where_twice_requires_both_and_chained_ands_stay_flat()
    {
        var q = Query.In("items").Where(Pred.Exists("n")).Where(Pred.Lt("n", Value.Double(2.0)));
        Assert.Equal(["a", "f"], (await _db.QueryAsync(q)).Documents.Select(d => d.Id));
        var many = Enumerable.Range(0, 100).Select(i => Pred.Ne("n", Value.Int(i + 10))).Aggregate((x, y) => x & y);
        Assert.Equal(2, many.Depth);
        Assert.Equal(5, (await _db.QueryAsync(Query.In("items").Where(many).Where(Pred.Ne("_id", Value.String("a"))))).Documents.Count);
    }

    [Fact]
    public async Task Reads_in_the_past_see_the_old_state_and_never_deleted_documents()
    {
        var db = await _replica.CreateDatabaseAsync("past");
        var first = await db.PutJsonAsync("c", "1", """{"v": 1}""");
        await db.PutJsonAsync("c", "2", """{"v": 2}""");
        var beforeDelete = await db.PutJsonAsync("c", "1", """{"v": 10}""");
        await db.DeleteAsync("c", "2");
        await db.PutJsonAsync("c", "3", """{"v": 3}""");

        async Task<string> Read(ReadPoint? at, Predicate? where = null)
        {
            var q = Query.In("c").OrderBy("v").At(at);
            if (where is not null) q = q.Where(where);
            return string.Join(",", (await db.QueryAsync(q)).Documents.Select(d => $"{d.Id}={d["v"]}"));
        }

        Assert.Equal("", await Read(ReadPoint.AtPosition(0)));
        Assert.Equal("1=1", await Read(ReadPoint.AtPosition(first.Position)));
        Assert.Equal("2=2,1=10", await Read(ReadPoint.AtCommit(beforeDelete.Commit)));
        Assert.Equal("3=3,1=10", await Read(null));
        Assert.Equal("", await Read(null, Pred.Eq("_id", Value.String("2"))));
        Assert.Equal("1=1", await Read(ReadPoint.Parse(first.Position.ToString()), Pred.Lt("v", Value.Int(5))));
        Assert.Equal("1=10", await Read(ReadPoint.AtTime(DateTimeOffset.UtcNow.AddDays(1)), Pred.Gt("v", Value.Int(5))));

        // Recreated after the delete: back, with only the new fields.
        await db.PutJsonAsync("c", "2", """{"w": 1}""");
        Assert.Equal("2=,3=3,1=10", await Read(null));

        var future = await Assert.ThrowsAsync<InvalidInputException>(() => db.QueryAsync(Query.In("c").At(ReadPoint.AtPosition(db.Position + 1))));
        Assert.Equal(ErrorCodes.InvalidAt, future.Code);

        var json = Query.Parse($$"""{"collection": "c", "at": {{first.Position}}}""");
        Assert.Equal(["1"], (await db.QueryAsync(json)).Documents.Select(d => d.Id));
        Assert.Equal(["1"], (await db.QueryAsync(Query.Parse($$$"""{"collection": "c", "at": "{{{beforeDelete.Commit}}}", "where": {"path": "v", "gt": 5}}"""))).Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task Collections_are_separate_and_a_missing_collection_is_empty()
    {
        Assert.Equal(["x"], (await _db.QueryAsync(Query.In("other"))).Documents.Select(d => d.Id));
        Assert.Empty((await _db.QueryAsync(Query.In("nothing-here"))).Documents);
        // "item" is a prefix of "items" in the key space; the collection prefix ends in a 0 byte.
        await _db.PutJsonAsync("item", "z", "{}");
        Assert.Equal(["z"], (await _db.QueryAsync(Query.In("item"))).Documents.Select(d => d.Id));
        Assert.Equal(6, (await _db.QueryAsync(Query.In("items"))).Documents.Count);
    }

    [Fact]
    public async Task Ids_that_prefix_each_other_are_all_found_at_every_position()
    {
        var db = await _replica.CreateDatabaseAsync("ids");
        var positions = new List<long>();
        foreach (var id in new[] { "a", "a.b", "a-", "ab", "a.", "b", "a" })
            positions.Add((await db.PutAsync("c", id, Value.Map([new("id", Value.String(id)), new("at", Value.Int(positions.Count))]))).Position);
        var all = await db.QueryAsync(Query.In("c"));
        Assert.Equal(["a", "a-", "a.", "a.b", "ab", "b"], all.Documents.Select(d => d.Id));
        Assert.Equal(6, all.Documents.Single(d => d.Id == "a")["at"]!.AsInt());
        var early = await db.QueryAsync(Query.In("c").At(ReadPoint.AtPosition(positions[2])));
        Assert.Equal(["a", "a-", "a.b"], early.Documents.Select(d => d.Id));
        Assert.Equal(0, early.Documents[0]["at"]!.AsInt());
    }
}

using System.Linq.Expressions;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Tests.Http;
using Causeway.Values;

namespace Causeway.Tests.Typed;

/// <summary>The data and the cases of typed queries: each LINQ query beside the same query written as
/// the raw AST, run on any <see cref="IDocumentDatabase"/>.</summary>
internal static class TypedQueryCases
{
    public static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase), typeof(Sample));

    public static async Task SeedAsync(IDocumentDatabase db)
    {
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(100), Trades = new Counter(3), Badges = new AwSet<string>(["buyer", "early"]), Home = new Address { City = "Oslo", Zip = "0150" } });
        session.Store(new Player { Id = "bob", Name = "Bob", Credits = new BoundedCounter(40), Badges = new AwSet<string>(["seller"]), Home = new Address { City = "Bergen" } });
        session.Store(new Player { Id = "cyd", Name = "Cyd", Credits = new BoundedCounter(70), Trades = new Counter(1) });
        session.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", Price = 10, ForSale = new Flag(true), Tags = new RwSet<string>(["cute", "rare"]) });
        session.Store(new Item { Id = "cow", Species = "cow", Owner = "bob", Price = 25, Tags = new RwSet<string>(["big"]) });
        session.Store(new Item { Id = "camel", Species = "camel", Owner = "ann", Price = 40, ForSale = new Flag(true) });
        session.Store(new Item { Id = "dog", Species = "dog", Owner = "cyd", ForSale = new Flag(true), Tags = new RwSet<string>(["rare"]) });
        session.Store(new Item { Id = "eel", Species = "eel", Price = 3.5 });
        await session.SaveChangesAsync();
    }

    /// <summary>Every operator: the typed query, the raw filter it must equal, and the ids it finds.</summary>
    public static IEnumerable<(string Name, Func<DocumentSession, TypedQuery<Item>> Typed, Predicate Raw, string[] Ids)> ItemCases()
    {
        double low = 10, high = 25;
        string species = "cow";
        string[] pair = ["cat", "dog"];
        var list = new List<string> { "eel", "camel" };
        string? nobody = null;
        var annRef = new Ref<Player>("ann");
        yield return ("==", s => s.Query<Item>().Where(i => i.Species == "cat"), Pred.Eq("species", Value.String("cat")), ["cat"]);
        yield return ("== captured", s => s.Query<Item>().Where(i => i.Species == species), Pred.Eq("species", Value.String("cow")), ["cow"]);
        yield return ("!=", s => s.Query<Item>().Where(i => i.Species != "cat"), Pred.Ne("species", Value.String("cat")), ["camel", "cow", "dog", "eel"]);
        yield return ("<", s => s.Query<Item>().Where(i => i.Price < low), Pred.Lt("price", Value.Double(10)), ["eel"]);
        yield return ("<=", s => s.Query<Item>().Where(i => i.Price <= low), Pred.Lte("price", Value.Double(10)), ["eel", "cat"]);   // a range alone comes in its path's order
        yield return (">", s => s.Query<Item>().Where(i => i.Price > high), Pred.Gt("price", Value.Double(25)), ["camel"]);
        yield return (">=", s => s.Query<Item>().Where(i => i.Price >= high), Pred.Gte("price", Value.Double(25)), ["cow", "camel"]);
        yield return ("value on the left", s => s.Query<Item>().Where(i => 25 > i.Price), Pred.Lt("price", Value.Double(25)), ["eel", "cat"]);
        yield return ("&&", s => s.Query<Item>().Where(i => i.Price >= low && i.Price < 30), Pred.Gte("price", Value.Double(10)) & Pred.Lt("price", Value.Double(30)), ["cat", "cow"]);
        yield return ("||", s => s.Query<Item>().Where(i => i.Species == "cat" || i.Price > 30), Pred.Eq("species", Value.String("cat")) | Pred.Gt("price", Value.Double(30)), ["camel", "cat"]);
        yield return ("!", s => s.Query<Item>().Where(i => !(i.Price > 5)), Pred.Not(Pred.Gt("price", Value.Double(5))), ["dog", "eel"]);
        yield return ("Where twice", s => s.Query<Item>().Where(i => i.Price > 5).Where(i => i.Species != "cow"), Pred.Gt("price", Value.Double(5)) & Pred.Ne("species", Value.String("cow")), ["camel", "cat"]);
        yield return ("StartsWith", s => s.Query<Item>().Where(i => i.Species.StartsWith("ca")), Pred.Prefix("species", "ca"), ["camel", "cat"]);
        yield return ("StartsWith ordinal", s => s.Query<Item>().Where(i => i.Species.StartsWith("c", StringComparison.Ordinal)), Pred.Prefix("species", "c"), ["camel", "cat", "cow"]);
        yield return ("set Contains", s => s.Query<Item>().Where(i => i.Tags.Contains("rare")), Pred.Contains("tags", Value.String("rare")), ["cat", "dog"]);
        yield return ("array Contains", s => s.Query<Item>().Where(i => pair.Contains(i.Species)), Pred.In("species", Value.String("cat"), Value.String("dog")), ["cat", "dog"]);
        yield return ("list Contains", s => s.Query<Item>().Where(i => list.Contains(i.Species)), Pred.In("species", Value.String("eel"), Value.String("camel")), ["camel", "eel"]);
        yield return ("== null", s => s.Query<Item>().Where(i => i.Price == null), Pred.Exists("price", false) | Pred.Eq("price", Value.Null), ["dog"]);
        yield return ("!= null", s => s.Query<Item>().Where(i => i.Owner != null), Pred.Exists("owner") & Pred.Ne("owner", Value.Null), ["camel", "cat", "cow", "dog"]);
        yield return ("== captured null", s => s.Query<Item>().Where(i => i.Note == nobody), Pred.Exists("note", false) | Pred.Eq("note", Value.Null), ["camel", "cat", "cow", "dog", "eel"]);
        yield return ("Ref.Id ==", s => s.Query<Item>().Where(i => i.Owner!.Id == "ann"), Pred.Eq("owner", Value.String("ann")), ["camel", "cat"]);
        yield return ("Ref ==", s => s.Query<Item>().Where(i => i.Owner == annRef), Pred.Eq("owner", Value.String("ann")), ["camel", "cat"]);
        yield return ("flag", s => s.Query<Item>().Where(i => i.ForSale.IsEnabled), Pred.Eq("for_sale", Value.True), ["camel", "cat", "dog"]);
        yield return ("flag == false", s => s.Query<Item>().Where(i => i.ForSale.IsEnabled == false), Pred.Ne("for_sale", Value.True), ["cow", "eel"]);
        yield return ("flag as bool", s => s.Query<Item>().Where(i => !i.ForSale), Pred.Not(Pred.Eq("for_sale", Value.True)), ["cow", "eel"]);
        yield return ("_id", s => s.Query<Item>().Where(i => i.Id == "cow" || i.Id == "eel"), Pred.Eq("_id", Value.String("cow")) | Pred.Eq("_id", Value.String("eel")), ["cow", "eel"]);
    }

    public static IEnumerable<(string Name, Func<DocumentSession, TypedQuery<Player>> Typed, Predicate Raw, string[] Ids)> PlayerCases()
    {
        long rich = 70;
        yield return ("nested", s => s.Query<Player>().Where(p => p.Home!.City == "Oslo"), Pred.Eq("home.city", Value.String("Oslo")), ["ann"]);
        yield return ("nested == null", s => s.Query<Player>().Where(p => p.Home == null), Pred.Exists("home", false) | Pred.Eq("home", Value.Null), ["cyd"]);
        yield return ("counter", s => s.Query<Player>().Where(p => p.Credits.Value >= rich), Pred.Gte("credits", Value.Int(70)), ["cyd", "ann"]);
        yield return ("counter never written", s => s.Query<Player>().Where(p => p.Trades.Value > 0), Pred.Gt("trades", Value.Int(0)), ["cyd", "ann"]);
        yield return ("awset Contains", s => s.Query<Player>().Where(p => p.Badges.Contains("seller") || p.Badges.Contains("early")),
            Pred.Contains("badges", Value.String("seller")) | Pred.Contains("badges", Value.String("early")), ["ann", "bob"]);
    }

    public static string Json(Query query)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) query.WriteJson(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The typed query is the raw one, finds what the raw one finds, and that is <paramref name="ids"/>.</summary>
    public static async Task AssertSameAsync<T>(IDocumentDatabase db, string name, TypedQuery<T> typed, Query raw, string[] ids) where T : class
    {
        Assert.True(Json(raw) == Json(typed.ToQuery()), $"{name}: {typed.ToQuery()} is not {raw}");
        var expected = (await db.QueryAsync(raw)).Documents.Select(d => d.Id).ToList();
        var actual = (await typed.ToListAsync()).Select(x => (string)typeof(T).GetProperty("Id")!.GetValue(x)!).ToList();
        Assert.True(expected.SequenceEqual(actual), $"{name}: raw [{string.Join(",", expected)}], typed [{string.Join(",", actual)}]");
        Assert.True(ids.SequenceEqual(actual), $"{name}: expected [{string.Join(",", ids)}], got [{string.Join(",", actual)}]");
        Assert.Equal(ids.Length, await typed.CountAsync());
    }

    public static async Task AssertEveryOperatorAsync(IDocumentDatabase db)
    {
        var session = db.OpenSession(Model);
        foreach (var (name, typed, raw, ids) in ItemCases())
            await AssertSameAsync(db, name, typed(session), Query.In("items").Where(raw), ids);
        foreach (var (name, typed, raw, ids) in PlayerCases())
            await AssertSameAsync(db, name, typed(session), Query.In("players").Where(raw), ids);
        // Order: by a property, descending, then a tie-breaker.
        await AssertSameAsync(db, "order", session.Query<Item>().Where(i => i.Price > 0).OrderByDescending(i => i.Price),
            Query.In("items").Where(Pred.Gt("price", Value.Double(0))).OrderBy("price", desc: true), ["camel", "cow", "cat", "eel"]);
        await AssertSameAsync(db, "order then", session.Query<Item>().OrderBy(i => i.Owner!.Id).ThenByDescending(i => i.Species).Take(3),
            Query.In("items").OrderBy("owner").ThenBy("species", desc: true).Take(3), ["eel", "cat", "camel"]);
        await AssertSameAsync(db, "order by counter", session.Query<Player>().OrderBy(p => p.Credits.Value),
            Query.In("players").OrderBy("credits"), ["bob", "cyd", "ann"]);
    }
}

public sealed class TypedQueryTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private IDocumentDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("exchange");
        await TypedQueryCases.SeedAsync(_db);
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private DocumentSession Session() => _db.OpenSession(TypedQueryCases.Model);

    [Fact]
    public Task Typed_query_every_operator_equals_the_raw_ast() => TypedQueryCases.AssertEveryOperatorAsync(_db);

    [Fact]
    public async Task Typed_query_cached_shapes_take_new_values()
    {
        var session = Session();
        foreach (var (species, id) in new[] { ("cat", "cat"), ("cow", "cow"), ("dog", "dog") })
        {
            var found = await session.Query<Item>().Where(i => i.Species == species).ToListAsync();
            Assert.Equal(id, Assert.Single(found).Id);
        }
        foreach (var limit in new double[] { 5, 30 })
        {
            var query = session.Query<Item>().Where(i => i.Price < limit).ToQuery();
            Assert.Equal(Query.In("items").Where(Pred.Lt("price", Value.Double(limit))).ToString(), query.ToString());
        }
        // A value computed from captured ones is evaluated too.
        double low = 10;
        Assert.Equal(Query.In("items").Where(Pred.Lt("price", Value.Double(20))).ToString(), session.Query<Item>().Where(i => i.Price < low * 2).ToQuery().ToString());
        // One cached shape serves every value, and values that do not translate are still refused.
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase, StringComparison.Ordinal })
        {
            var query = session.Query<Item>().Where(i => i.Species.StartsWith("c", comparison));
            if (comparison == StringComparison.Ordinal) Assert.Equal(3, (await query.ToListAsync()).Count);
            else Assert.Contains("compares ordinally", Assert.Throws<UntranslatableQueryException>(() => query.ToQuery()).Message);
        }
        foreach (var home in new[] { null, new Address { City = "Oslo" }, null })
        {
            var query = session.Query<Player>().Where(p => p.Home == home);
            if (home is null) Assert.Equal("cyd", Assert.Single(await query.ToListAsync()).Id);
            else Assert.Equal("p.Home", Assert.Throws<UntranslatableQueryException>(() => query.ToQuery()).Expression);
        }
        // The same shape with a null value is a null test, not the cached comparison.
        string? none = null;
        string? cat = "cat";
        Assert.Equal("items where species eq \"cat\" limit 100", session.Query<Item>().Where(i => i.Species == cat).ToQuery().ToString());
        cat = none;
        Assert.Equal("items where (species exists false or species eq null) limit 100",
            session.Query<Item>().Where(i => i.Species == cat).ToQuery().ToString());
    }

    [Fact]
    public async Task Typed_query_results_are_tracked_unless_no_tracking()
    {
        var session = Session();
        var loaded = await session.LoadAsync<Item>("cat");
        var queried = await session.Query<Item>().Where(i => i.Species == "cat").FirstOrDefaultAsync();
        Assert.Same(loaded, queried);
        var cow = (await session.Query<Item>().Where(i => i.Id == "cow").FirstOrDefaultAsync())!;
        Assert.Same(cow, await session.LoadAsync<Item>("cow"));
        cow.Price = 26;
        cow.Tags.Add("horned");
        Assert.NotNull(await session.SaveChangesAsync());
        Assert.Equal(26, (await _db.GetAsync("items", "cow"))!["price"]!.AsDouble());

        var loose = await session.Query<Item>().AsNoTracking().Where(i => i.Id == "cow").FirstOrDefaultAsync();
        Assert.NotSame(cow, loose);
        Assert.Equal(["big", "horned"], loose!.Tags.Order());
        loose.Price = 1;
        Assert.Null(await session.SaveChangesAsync());
        Assert.Null(await session.Query<Item>().Where(i => i.Species == "yak").FirstOrDefaultAsync());
    }

    [Fact]
    public async Task Typed_query_pages_by_cursor_and_streams_every_page()
    {
        await _db.TransactAsync(tx =>
        {
            for (int i = 0; i < 250; i++) tx.Put("items", $"bulk-{i:D3}", ValueJson.Parse($$"""{"species": "ant", "price": {{i % 7}}}"""));
        });
        var session = Session();
        // Pages: two at a time, each with its cursor, in order, no gaps or repeats.
        var pageQuery = session.Query<Item>().Where(i => i.Species == "ant" && i.Price >= 5).OrderByDescending(i => i.Price).Take(20);
        var seen = new List<string>();
        int pages = 0;
        string? cursor = null;
        do
        {
            var page = await pageQuery.After(cursor).ToPageAsync();
            Assert.True(page.Items.Count <= 20);
            seen.AddRange(page.Items.Select(i => i.Id!));
            cursor = page.Next;
            pages++;
        } while (cursor is not null);
        var raw = Query.In("items").Where(Pred.Eq("species", Value.String("ant")) & Pred.Gte("price", Value.Int(5))).OrderBy("price", desc: true);
        var all = new List<string>();
        var rawPage = await _db.QueryAsync(raw.Take(1000));
        all.AddRange(rawPage.Documents.Select(d => d.Id));
        Assert.Equal(all, seen);
        Assert.Equal(70, seen.Count);
        Assert.Equal(4, pages);

        // Streaming without Take crosses pages of 100, all at the first page's snapshot.
        int count = 0;
        await foreach (var item in session.Query<Item>().AsNoTracking().Where(i => i.Species == "ant").AsAsyncEnumerable())
        {
            if (count++ == 0) await _db.PutAsync("items", "bulk-999", ValueJson.Parse("""{"species": "ant"}"""));
            Assert.Equal("ant", item.Species);
        }
        Assert.Equal(250, count);
        Assert.Equal(251, (await session.Query<Item>().Where(i => i.Species == "ant").ToListAsync()).Count);
        // Take over several pages: 150 of them, in id order.
        var first = await session.Query<Item>().Where(i => i.Species == "ant").Take(150).ToListAsync();
        Assert.Equal(150, first.Count);
        Assert.Equal("bulk-149", first[^1].Id);
        Assert.Equal(251, await session.Query<Item>().Where(i => i.Species == "ant").CountAsync());
        Assert.Equal(150, await session.Query<Item>().Where(i => i.Species == "ant").Take(150).CountAsync());
    }

    [Fact]
    public async Task Typed_query_reads_at_a_past_position()
    {
        long before = (await _db.InfoAsync()).Position;
        var session = Session();
        var cow = (await session.LoadAsync<Item>("cow"))!;
        cow.Price = 5;
        session.Store(new Item { Id = "fox", Species = "fox", Price = 7 });
        await session.SaveChangesAsync();

        var reader = Session();
        var now = await reader.Query<Item>().AsNoTracking().Where(i => i.Price < 10).OrderBy(i => i.Price).ToListAsync();
        Assert.Equal(["eel", "cow", "fox"], now.Select(i => i.Id));
        var then = await reader.Query<Item>().AsNoTracking().Where(i => i.Price < 10).OrderBy(i => i.Price).At(ReadPoint.AtPosition(before)).ToListAsync();
        Assert.Equal(["eel"], then.Select(i => i.Id));
        Assert.Equal(1, await reader.Query<Item>().Where(i => i.Price < 10).At(ReadPoint.AtPosition(before)).CountAsync());
        var page = await reader.Query<Item>().Where(i => i.Price < 10).At(ReadPoint.AtPosition(before)).ToPageAsync();
        Assert.Equal(before, page.Position);
    }

    [Fact]
    public async Task Typed_query_live_streams_typed_events()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var session = Session();
        await using var events = session.Query<Item>().Where(i => i.Tags.Contains("rare")).OrderBy(i => i.Price).LiveAsync(cancellation: timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(LiveQueryEventKind.Snapshot, events.Current.Kind);
        Assert.Equal(["dog", "cat"], events.Current.Entered.Select(i => i.Id));

        var writer = Session();
        writer.Store(new Item { Id = "owl", Species = "owl", Price = 12, Tags = new RwSet<string>(["rare"]) });
        await writer.SaveChangesAsync();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(LiveQueryEventKind.Delta, events.Current.Kind);
        var owl = Assert.Single(events.Current.Entered);
        Assert.Equal(12, owl.Price);
        Assert.Equal(["rare"], owl.Tags);

        var cat = (await writer.LoadAsync<Item>("cat"))!;
        cat.Tags.Remove("rare");
        await writer.SaveChangesAsync();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(["cat"], events.Current.Left);
        Assert.Empty(events.Current.Entered);
    }

    // Each query here is refused on purpose: the build-time checks that report them are silenced.
#pragma warning disable CW1001, CW1002, CW1003, CW1004, CW1005, CW1006, CW1008
    [Fact]
    public void Typed_query_untranslatable_expressions_name_the_sub_expression()
    {
        var session = Session();
        void Fails<T>(TypedQuery<T> query, string expression, string reason) where T : class
        {
            var e = Assert.Throws<UntranslatableQueryException>(() => query.ToQuery());
            Assert.Equal(ErrorCodes.InvalidOp, e.Code);
            Assert.IsAssignableFrom<InvalidInputException>(e);
            Assert.Equal(expression, e.Expression);
            Assert.StartsWith($"cannot translate '{expression}': ", e.Message);
            Assert.Contains(reason, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Fails(session.Query<Item>().Where(x => x.Species.ToUpper() == "A"), "x.Species.ToUpper()", "a property of Item");
        Fails(session.Query<Item>().Where(x => x.Price > x.DiscountedPrice), "(x.Price > x.DiscountedPrice)", "not with another property");
        Fails(session.Query<Item>().Where(x => x.Species.Contains("a")), "x.Species.Contains(\"a\")", "substring search");
        Fails(session.Query<Item>().Where(x => x.Tags.Count > 1), "x.Tags.Count", "a set's size");
        Fails(session.Query<Item>().Where(x => x.Species.StartsWith("a", StringComparison.OrdinalIgnoreCase)), "x.Species.StartsWith(\"a\", OrdinalIgnoreCase)", "ordinally");
        Fails(session.Query<Item>().Where(x => x.Species.Length > 3), "x.Species.Length", "String.Length");
        Fails(session.Query<Item>().OrderBy(x => x.Tags), "x.Tags", "not a set");
        Fails(session.Query<Player>().Where(p => p.Home!.City!.EndsWith("lo")), "p.Home.City.EndsWith(\"lo\")", "String.EndsWith has no query form");
        Fails(session.Query<Player>().Where(p => p.Home == new Address()), "p.Home", "compared only with null");
        // A value refused when the predicate is built is named as this query wrote it, not as the
        // query that put the shape in the cache did.
        _ = session.Query<Item>().Where(y => y.Species.StartsWith("z", StringComparison.Ordinal)).ToQuery();
        Fails(session.Query<Item>().Where(z => z.Species.StartsWith("q", StringComparison.CurrentCulture)), "z.Species.StartsWith(\"q\", CurrentCulture)", "ordinally");
        // The message names the sub-expression inside a larger condition.
        Fails(session.Query<Item>().Where(x => x.Price > 1 && (x.Species == "cat" || x.Note!.Trim() == "")), "x.Note.Trim()", "a property of Item");
    }
#pragma warning restore CW1001, CW1002, CW1003, CW1004, CW1005, CW1006, CW1008
}

/// <summary>The same operators through a real server and <see cref="Causeway.Client.RemoteDatabase"/>.</summary>
public sealed class RemoteTypedQueryTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private Causeway.Client.CausewayClient _client = null!;
    private IDocumentDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        _client = _server.CreateClient();
        _db = await _client.CreateDatabaseAsync("exchange");
        await TypedQueryCases.SeedAsync(_db);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Typed_query_remote_every_operator_pages_and_live()
    {
        await TypedQueryCases.AssertEveryOperatorAsync(_db);
        var session = _db.OpenSession(TypedQueryCases.Model);
        var first = await session.Query<Item>().OrderBy(i => i.Species).Take(2).ToPageAsync();
        Assert.Equal(["camel", "cat"], first.Items.Select(i => i.Id));
        var second = await session.Query<Item>().OrderBy(i => i.Species).Take(2).After(first.Next).ToPageAsync();
        Assert.Equal(["cow", "dog"], second.Items.Select(i => i.Id));
        Assert.Same(first.Items[0], await session.LoadAsync<Item>("camel"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = session.Query<Player>().Where(p => p.Credits.Value > 50).LiveAsync(cancellation: timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(["cyd", "ann"], events.Current.Entered.Select(p => p.Id));   // a range alone: by credits
        var edit = _db.OpenSession(TypedQueryCases.Model);
        var bob = (await edit.LoadAsync<Player>("bob"))!;
        bob.Credits.Increment(20);
        await edit.SaveChangesAsync();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(60, Assert.Single(events.Current.Entered).Credits.Value);
    }
}

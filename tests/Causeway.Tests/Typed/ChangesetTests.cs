using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Replication;
using Causeway.Tests.Support;

namespace Causeway.Tests.Typed;

/// <summary>Changesets on a replica on disk: casting untrusted input with permitted properties,
/// validators and the model's rules per property, and the database's refusals read back as errors
/// on the property they are about, with nothing written.</summary>
public sealed class ChangesetTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase), typeof(Sample));

    /// <summary>A replica in a temporary folder, with the exchange's schema and the player Ann (10 credits) and her cat.</summary>
    private sealed class Exchange : IAsyncDisposable
    {
        private readonly TempFolder _folder = new();

        public Replica Replica { get; private set; } = null!;
        public Database Db { get; private set; } = null!;

        public static async Task<Exchange> StartAsync()
        {
            var exchange = new Exchange();
            exchange.Replica = await Replica.OpenAsync(exchange._folder.Path);
            exchange.Db = await exchange.Replica.CreateDatabaseAsync("exchange");
            await Model.ApplyAsync(exchange.Db);
            var session = exchange.Db.OpenSession(Model);
            session.Store(new Player { Id = "ann", Name = "Ann", Credits = new BoundedCounter(10) });
            session.Store(new Item { Id = "cat", Species = "cat", Owner = "ann", Price = 10, DiscountedPrice = 8 });
            await session.SaveChangesAsync();
            return exchange;
        }

        public async ValueTask DisposeAsync()
        {
            await Replica.DisposeAsync();
            _folder.Dispose();
        }
    }

    private static Changeset<T> For<T>(T entity) where T : class => Changeset.For(entity, Model);

    private static (string Property, string Path, string Code, string Message)[] Described(IEnumerable<ChangesetError> errors)
        => [.. errors.Select(e => (e.Property, e.Path, e.Code, e.Message))];

    [Fact]
    public async Task Cast_takes_the_permitted_members_and_lists_the_others_as_ignored()
    {
        await using var exchange = await Exchange.StartAsync();
        var bob = new Player { Id = "bob" };
        var changeset = For(bob).Cast("""
            { "name": "Bob", "home": { "city": "Oslo", "zip": "0150" }, "credits": 1000000, "isAdmin": true, "trades": 5 }
            """, "name", "home.city");

        Assert.True(changeset.IsValid, string.Join("; ", changeset.Errors));
        Assert.Equal(["home.city", "name"], changeset.Changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["home.zip", "credits", "isAdmin", "trades"], changeset.Ignored);
        Assert.Equal("", bob.Name);   // nothing touches the object before it is applied
        Assert.Null(bob.Home);

        var session = exchange.Db.OpenSession(Model);
        var save = await session.SaveChangesAsync(changeset);
        Assert.True(save.Saved);
        Assert.NotNull(save.Transaction);

        var stored = (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Player>("bob"))!;
        Assert.Equal("Bob", stored.Name);
        Assert.Equal("Oslo", stored.Home!.City);
        Assert.Null(stored.Home.Zip);
        Assert.Equal(0, stored.Credits.Value);
        Assert.Equal(0, stored.Trades.Value);
    }

    [Fact]
    public void Cast_of_a_whole_nested_object_and_of_a_dictionary_with_paths_as_keys()
    {
        var whole = For(new Player { Id = "p" }).Cast("""{ "home": { "city": "Oslo", "zip": "0150" } }""", "home");
        Assert.Equal("Oslo", whole.ValueOf(p => p.Home!.City));
        Assert.Equal("0150", whole.ValueOf(p => p.Home!.Zip));
        Assert.Empty(whole.Ignored);

        var form = new Dictionary<string, object?>
        {
            ["name"] = "Cy",
            ["home.city"] = "Bergen",
            ["home"] = new Dictionary<string, object?> { ["zip"] = "5003" },
            ["role"] = "admin",
        };
        var changeset = For(new Player { Id = "p" }).Cast(form, p => p.Name, p => p.Home!);
        Assert.True(changeset.IsValid);
        Assert.Equal("Cy", changeset.ValueOf(p => p.Name));
        Assert.Equal("Bergen", changeset.ValueOf(p => p.Home!.City));
        Assert.Equal("5003", changeset.ValueOf(p => p.Home!.Zip));
        Assert.Equal(["role"], changeset.Ignored);

        // A cleared nested object reads as empty, and clears what an earlier cast put inside it.
        changeset.Cast("""{ "home": null }""", "home");
        Assert.Null(changeset.ValueOf(p => p.Home));
        Assert.Null(changeset.ValueOf(p => p.Home!.City));
        Assert.Equal(["home", "name"], changeset.Changes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Values_of_the_wrong_type_are_errors_on_their_property_not_exceptions()
    {
        var changeset = For(new Sample { Id = "s" }).Cast("""
            {
              "text": 12, "small": "twelve", "big": 1.5, "maybe": 99999999999999999999, "ratio": "fast",
              "money": true, "yes": "maybe", "when": "yesterday", "key": "not-a-uuid", "blob": "***",
              "numbers": [1, "two"], "words": "a", "on": 1, "hits": "x", "place": 5, "friend": 7
            }
            """, "text", "small", "big", "maybe", "ratio", "money", "yes", "when", "key", "blob", "numbers", "words", "on", "hits", "place", "friend");

        Assert.False(changeset.IsValid);
        Assert.Equal(
        [
            ("Text", "text", "invalid_type", "must be text"),
            ("Small", "small", "invalid_type", "must be a whole number"),
            ("Big", "big", "invalid_type", "must be a whole number"),
            ("Maybe", "maybe", "invalid_type", "is out of range"),
            ("Ratio", "ratio", "invalid_type", "must be a number"),
            ("Money", "money", "invalid_type", "must be a number"),
            ("Yes", "yes", "invalid_type", "must be true or false"),
            ("When", "when", "invalid_type", "must be a date and time"),
            ("Key", "key", "invalid_type", "must be a UUID"),
            ("Blob", "blob", "invalid_type", "must be base64 text"),
            ("Numbers", "numbers", "invalid_type", "element 2 must be a whole number"),
            ("Words", "words", "invalid_type", "must be a list"),
            ("On", "on", "invalid_type", "must be true or false"),
            ("Hits", "hits", "invalid_type", "must be a whole number"),
            ("Place", "place", "invalid_type", "must be an object"),
            ("Friend", "friend", "invalid_type", "must be an id"),
        ], Described(changeset.Errors));
        Assert.Empty(changeset.Changes);

        // A counter's new value is written as an increment, which must fit in a long.
        var stock = For(new Sample { Id = "s", Hits = new Counter(5) }).Cast("""{ "hits": -9223372036854775808 }""", "hits");
        Assert.Equal([("Hits", "hits", "invalid_type", "is out of range")], Described(stock.Errors));

        // Null where the property cannot hold it is blank, not a type error; a later good value replaces an error.
        changeset.Cast("""{ "small": null, "text": "fine" }""", "small", "text");
        Assert.Contains(changeset.Errors, e => e is { Path: "small", Code: "required", Message: "can't be blank" });
        Assert.DoesNotContain(changeset.Errors, e => e.Path == "text");
    }

    [Fact]
    public void Text_is_cast_to_numbers_booleans_dates_and_ids_as_forms_send_them()
    {
        var changeset = For(new Sample { Id = "s" }).Cast(new Dictionary<string, object?>
        {
            ["small"] = "42", ["big"] = "-9000000000", ["ratio"] = "0.25", ["money"] = "19.99", ["yes"] = "true",
            ["when"] = "2026-12-07T10:00:00Z", ["key"] = "0b7f3a1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", ["friend"] = "ann",
            ["numbers"] = new[] { "3", "1", "3" }, ["on"] = true, ["hits"] = 4,
        }, "small", "big", "ratio", "money", "yes", "when", "key", "friend", "numbers", "on", "hits");

        Assert.True(changeset.IsValid, string.Join("; ", changeset.Errors));
        Assert.Equal(42, changeset.ValueOf(s => s.Small));
        Assert.Equal(-9_000_000_000L, changeset.ValueOf(s => s.Big));
        Assert.Equal(0.25, changeset.ValueOf(s => s.Ratio));
        Assert.Equal(19.99m, changeset.ValueOf(s => s.Money));
        Assert.Equal(true, changeset.ValueOf(s => s.Yes));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), changeset.ValueOf(s => s.When));
        Assert.Equal(Guid.Parse("0b7f3a1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), changeset.ValueOf(s => s.Key));
        Assert.Equal(new Ref<Player>("ann"), changeset.ValueOf(s => s.Friend));
        Assert.Equal(new object[] { 3L, 1L }, changeset.ValueOf(s => s.Numbers));
        Assert.Equal(true, changeset.ValueOf(s => s.On));
        Assert.Equal(4L, changeset.ValueOf(s => s.Hits));
    }

    [Fact]
    public void Bad_use_is_a_typed_exception_bad_input_is_an_error()
    {
        var changeset = For(new Player { Id = "p" });
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<InvalidInputException>(() => changeset.Cast("{}", "nmae")).Code);
        Assert.Equal(ErrorCodes.InvalidJson, Assert.Throws<InvalidInputException>(() => changeset.Cast("{ not json", "name")).Code);
        Assert.Throws<InvalidInputException>(() => changeset.Cast("[1, 2]", "name"));
        Assert.Throws<InvalidInputException>(() => changeset.ValidateLength(p => p.Credits, min: 1));
        Assert.Throws<InvalidInputException>(() => changeset.ValidateRange(p => p.Name, min: 1));
        Assert.Throws<InvalidInputException>(() => changeset.ValidateFormat(p => p.Name, "(a)\\1"));   // a backreference needs backtracking
        Assert.Throws<InvalidInputException>(() => changeset.ValidateFormat(p => p.Name, "[unclosed"));
        Assert.Throws<InvalidInputException>(() => changeset.Validate(p => p.Badges, b => b.Count > 0, "needs a badge"));
        Assert.Throws<InvalidInputException>(() => Changeset.For(new Item { Id = "i" }, Model).CheckMessage("no_such_check", "x"));
    }

    [Fact]
    public void Each_validator_puts_its_code_and_message_on_its_property()
    {
        var changeset = For(new Item { Id = "i" })
            .Cast("""{ "species": "  ", "note": "ab", "tags": ["a", "b", "c"], "price": 1200, "owner": "x" }""", "species", "note", "tags", "price", "owner")
            .ValidateRequired(i => i.Owner, i => i.DiscountedPrice)
            .ValidateLength(i => i.Note, min: 3, max: 10)
            .ValidateLength(i => i.Tags, max: 2)
            .ValidateRange(i => i.Price, min: 1, max: 1000)
            .ValidateFormat(i => i.Note, "^[a-z]+$")
            .ValidateInclusion(i => i.Owner, [new Ref<Player>("ann"), new Ref<Player>("bob")], "must be a player")
            .Validate(i => i.Price, p => p % 2 == 1, "must be odd", "odd");

        Assert.Equal(
        [
            ("Species", "species", "required", "can't be blank"),     // [Required]: blank text is missing
            ("DiscountedPrice", "discountedPrice", "required", "can't be blank"),
            ("Note", "note", "too_short", "must have at least 3 characters"),
            ("Tags", "tags", "too_long", "must have at most 2 elements"),
            ("Price", "price", "too_large", "must be at most 1000"),
            ("Owner", "owner", "not_included", "must be a player"),
            ("Price", "price", "odd", "must be odd"),
        ], Described(changeset.Errors));
        Assert.Equal(["must be at most 1000", "must be odd"], changeset.ErrorsFor(i => i.Price!).Select(e => e.Message));
        Assert.Equal(["must be at most 1000", "must be odd"], changeset.ErrorsByPath()["price"]);

        // The same rules pass once the input is right: validators read the value as it would be.
        changeset.Cast("""{ "species": "cat", "note": "tabby", "tags": ["a"], "price": 9, "owner": "bob", "discountedPrice": 7 }""", "species", "note", "tags", "price", "owner", "discountedPrice");
        Assert.True(changeset.IsValid, string.Join("; ", changeset.Errors));
        changeset.Cast("""{ "note": "Tabby" }""", "note");
        Assert.Equal([("Note", "note", "invalid_format", "has an invalid format")], Described(changeset.Errors));
    }

    [Fact]
    public async Task The_models_own_required_bounds_and_checks_apply_to_every_changeset()
    {
        await using var exchange = await Exchange.StartAsync();
        var session = exchange.Db.OpenSession(Model);
        var ann = (await session.LoadAsync<Player>("ann"))!;
        var spend = For(ann).Cast("""{ "name": "", "credits": -5 }""", "name", "credits");
        Assert.Equal(
        [
            ("Name", "name", "required", "can't be blank"),
            ("Credits", "credits", "too_small", "must be at least 0"),
        ], Described(spend.Errors));

        var cat = (await session.LoadAsync<Item>("cat"))!;
        var discount = For(cat).Cast("""{ "discountedPrice": 12 }""", "discountedPrice");
        Assert.Equal(
        [
            ("DiscountedPrice", "discountedPrice", "check_failed", "does not pass the check discount_below_price"),
            ("Price", "price", "check_failed", "does not pass the check discount_below_price"),
        ], Described(discount.Errors));
        discount.CheckMessage("discount_below_price", "the discount must be below the price");
        Assert.All(discount.Errors, e => Assert.Equal("the discount must be below the price", e.Message));

        Assert.Throws<InvalidInputException>(() => spend.ApplyTo(session));

        // Refused before the database sees it: nothing was written, the loaded objects are as they were.
        var save = await session.SaveChangesAsync([spend, discount]);
        Assert.False(save.Saved);
        Assert.Equal(4, save.Errors.Count);
        Assert.Null(save.Transaction);
        Assert.Equal(8, cat.DiscountedPrice);
        Assert.Equal("Ann", ann.Name);
        Assert.Empty(session.ChangesOf(ann));
    }

    [Fact]
    public async Task A_name_taken_in_the_database_is_an_error_on_Name_and_nothing_is_written()
    {
        await using var exchange = await Exchange.StartAsync();
        var session = exchange.Db.OpenSession(Model);
        var changeset = For(new Player { Id = "ann2" }).Cast("""{ "name": "Ann", "home": { "city": "Oslo" } }""", "name", "home");
        Assert.True(changeset.IsValid);   // uniqueness is the database's to say

        var save = await session.SaveChangesAsync(changeset);

        Assert.False(save.Saved);
        Assert.Null(save.Transaction);
        Assert.Equal([("Name", "name", "taken", "has already been taken")], Described(changeset.Errors));
        Assert.Equal(changeset.Errors, save.Errors);
        Assert.Null(await exchange.Db.GetAsync("players", "ann2"));
        Assert.Equal(1, await exchange.Db.OpenSession(Model).Query<Player>().CountAsync());

        // Another name, the same changeset and session: the refusal is gone and the save goes through.
        changeset.Cast("""{ "name": "Annette" }""", "name");
        Assert.True(changeset.IsValid);
        Assert.True((await session.SaveChangesAsync(changeset)).Saved);
        Assert.Equal("Annette", (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Player>("ann2"))!.Name);
    }

    [Fact]
    public async Task A_reference_to_nothing_is_an_error_on_the_reference_and_the_whole_save_is_refused()
    {
        await using var exchange = await Exchange.StartAsync();
        var session = exchange.Db.OpenSession(Model);
        var bob = For(new Player { Id = "bob" }).Cast("""{ "name": "Bob" }""", "name");
        var dog = For(new Item { Id = "dog" }).Cast("""{ "species": "dog", "owner": "nobody", "price": 5 }""", "species", "owner", "price");
        var cat = (await session.LoadAsync<Item>("cat"))!;
        var reprice = For(cat).Cast("""{ "price": 20 }""", "price");

        var save = await session.SaveChangesAsync([bob, reprice, dog]);

        Assert.False(save.Saved);
        Assert.True(bob.IsValid);
        Assert.True(reprice.IsValid);
        Assert.Equal([("Owner", "owner", "does_not_exist", "does not exist")], Described(dog.Errors));
        Assert.Null(await exchange.Db.GetAsync("players", "bob"));    // one commit: none of it written
        Assert.Null(await exchange.Db.GetAsync("items", "dog"));
        Assert.Equal(10, (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Item>("cat"))!.Price);
    }

    [Fact]
    public async Task A_document_the_database_names_gets_its_id_and_its_refusals_all_the_same()
    {
        await using var exchange = await Exchange.StartAsync();
        var paid = For(new Purchase()).Cast("""{ "item": "cat", "paid": "10.50" }""", "item", "paid");
        var save = await exchange.Db.OpenSession(Model).SaveChangesAsync(paid);
        Assert.True(save.Saved);
        Assert.Equal(save.Transaction!.Created, [paid.Entity.Id!]);
        Assert.Equal(10.50m, (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Purchase>(paid.Entity.Id!))!.Paid);

        var unpaid = For(new Purchase()).Cast("""{ "item": "unicorn", "paid": 3 }""", "item", "paid");
        Assert.False((await exchange.Db.OpenSession(Model).SaveChangesAsync(unpaid)).Saved);
        Assert.Equal([("Item", "item", "does_not_exist", "does not exist")], Described(unpaid.Errors));
        Assert.Null(unpaid.Entity.Id);
        Assert.Equal(1, await exchange.Db.OpenSession(Model).Query<Purchase>().CountAsync());
    }

    [Fact]
    public async Task A_refusal_about_another_document_is_thrown_as_it_came()
    {
        await using var exchange = await Exchange.StartAsync();
        var session = exchange.Db.OpenSession(Model);
        session.Store(new Item { Id = "stray", Species = "dog", Owner = "nobody" });
        var bob = For(new Player { Id = "bob" }).Cast("""{ "name": "Bob" }""", "name");

        await Assert.ThrowsAsync<ConstraintViolationException>(() => session.SaveChangesAsync(bob));
        Assert.True(bob.IsValid);
        Assert.Null(await exchange.Db.GetAsync("players", "bob"));
    }

    [Fact]
    public async Task Checks_and_bounds_the_database_refuses_after_concurrent_writes_come_back_on_their_properties()
    {
        await using var exchange = await Exchange.StartAsync();
        var wallet = exchange.Db.OpenSession(Model);
        var spend = For((await wallet.LoadAsync<Player>("ann"))!).Cast("""{ "credits": 2 }""", "credits");    // 10 → 2: an increment of -8
        var shop = exchange.Db.OpenSession(Model);
        var discount = For((await shop.LoadAsync<Item>("cat"))!).Cast("""{ "discountedPrice": 9 }""", "discountedPrice");
        Assert.True(spend.IsValid);      // as loaded: 2 credits are allowed, and 9 is below the price of 10
        Assert.True(discount.IsValid);

        // Meanwhile another session spends 5 credits and lowers the price to 9.
        var other = exchange.Db.OpenSession(Model);
        (await other.LoadAsync<Player>("ann"))!.Credits.Decrement(5);
        (await other.LoadAsync<Item>("cat"))!.Price = 9;
        await other.SaveChangesAsync();

        var spent = await wallet.SaveChangesAsync(spend);
        Assert.False(spent.Saved);
        Assert.Equal([("Credits", "credits", "too_small", "must be at least 0")], Described(spend.Errors));

        discount.CheckMessage("discount_below_price", "must be below the price");
        var discounted = await shop.SaveChangesAsync(discount);
        Assert.False(discounted.Saved);
        Assert.Equal([("DiscountedPrice", "discountedPrice", "check_failed", "must be below the price"),
                      ("Price", "price", "check_failed", "must be below the price")], Described(discount.Errors));

        var now = exchange.Db.OpenSession(Model);
        Assert.Equal(5, (await now.LoadAsync<Player>("ann"))!.Credits.Value);
        var cat = (await now.LoadAsync<Item>("cat"))!;
        Assert.Equal(8, cat.DiscountedPrice);
        // Loaded afresh, the same input fails here already.
        Assert.Contains(For(cat).Cast("""{ "discountedPrice": 9 }""", "discountedPrice").Errors, e => e.Code == "check_failed");
    }

    [Fact]
    public async Task On_a_second_replica_rights_held_elsewhere_and_a_name_whose_holder_is_away_come_back_as_errors()
    {
        await using var exchange = await Exchange.StartAsync();
        using var folder = new TempFolder();
        await using var second = await Replica.OpenAsync(folder.Path);
        var away = await second.CreateDatabaseAsync("exchange");
        await exchange.Db.SyncWithAsync(away, SyncDirection.Both);

        // The home replica holds every right over Ann's credits, and the reservation of every name.
        var session = away.OpenSession(Model);
        var spend = For((await session.LoadAsync<Player>("ann"))!).Cast("""{ "credits": 4 }""", "credits");
        Assert.True(spend.IsValid);
        var refused = await session.SaveChangesAsync(spend);
        Assert.False(refused.Saved);
        var error = Assert.Single(spend.Errors);
        Assert.Equal(("Credits", "credits", "insufficient_rights"), (error.Property, error.Path, error.Code));

        var bob = For(new Player { Id = "bob" }).Cast("""{ "name": "Bob" }""", "name");
        var elsewhere = away.OpenSession(Model);
        var saved = await elsewhere.SaveChangesAsync(bob);
        Assert.False(saved.Saved);
        Assert.Equal([("Name", "name", "unavailable", "cannot be checked as unique now; try again shortly")], Described(bob.Errors));
        Assert.Null(await away.GetAsync("players", "bob"));
        Assert.Equal(10, (await away.OpenSession(Model).LoadNoTrackingAsync<Player>("ann"))!.Credits.Value);
    }

    [Fact]
    public async Task A_valid_changeset_is_one_commit_of_exactly_its_operations()
    {
        await using var exchange = await Exchange.StartAsync();
        var session = exchange.Db.OpenSession(Model);
        var ann = (await session.LoadAsync<Player>("ann"))!;
        ann.Badges.Add("old");
        await session.SaveChangesAsync();

        var edit = For(ann).Cast("""{ "credits": 25, "badges": ["new", "buyer"], "home": { "city": "Oslo" } }""", "credits", "badges", "home.city");
        var dog = For(new Item { Id = "dog" }).Cast("""{ "species": "dog", "owner": "ann", "for_sale": true, "tags": ["loud"] }""", "species", "owner", "for_sale", "tags");
        edit.ApplyTo(session);
        Assert.Equal(["increment credits 15", "remove badges", "add badges", "add badges", "set home.city"],
            session.ChangesOf(ann).Select(op => op.Kind == FieldOpKind.Increment ? $"increment {op.Path} {op.By}" : $"{FieldOp.WireName(op.Kind)} {op.Path}"));

        var save = await session.SaveChangesAsync([edit, dog]);   // applying again changes nothing more

        Assert.True(save.Saved);
        var annVersion = (await exchange.Db.HistoryAsync("players", "ann"))[^1];
        var dogVersion = (await exchange.Db.HistoryAsync("items", "dog"))[^1];
        Assert.Equal(save.Transaction!.Commit, annVersion.Commit);
        Assert.Equal(save.Transaction.Commit, dogVersion.Commit);
        var stored = (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Player>("ann"))!;
        Assert.Equal(25, stored.Credits.Value);
        Assert.Equal(["buyer", "new"], stored.Badges.Order(StringComparer.Ordinal));
        Assert.Equal("Oslo", stored.Home!.City);
        var storedDog = (await exchange.Db.OpenSession(Model).LoadNoTrackingAsync<Item>("dog"))!;
        Assert.True(storedDog.ForSale.IsEnabled);
        Assert.Equal(["loud"], storedDog.Tags);
        Assert.Equal("ann", storedDog.Owner!.Id);
    }
}

using Causeway.Documents;
using Causeway.Models;
using Causeway.Values;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Registers;

/// <summary>A headline that may not be cleared: its register is required.</summary>
[Collection("headlines")]
public sealed class Headline
{
    public string? Id { get; set; }
    [Required] public MvReg<string> Text { get; set; } = new();
}

/// <summary>The same documents read without the rule, so the database, not the changeset, refuses the clear.</summary>
[Collection("headlines")]
public sealed class LooseHeadline
{
    public string? Id { get; set; }
    public MvReg<string> Text { get; set; } = new();
}

/// <summary>A changeset cast into an <see cref="MvReg{T}"/>: a form resolves a conflict two replicas
/// made, a wrong value is an error on the register's path, null clears it. Run embedded and through
/// the remote client.</summary>
public abstract class MvRegChangesetContract : TwoReplicas
{
    private static readonly DocumentModel Headlines = DocumentModel.Of(typeof(Listing), typeof(Headline));

    /// <summary>A lamp whose title both replicas set at once, synced: conflicted on both.</summary>
    private async Task ConflictAsync()
    {
        var create = Here.OpenSession(Model);
        create.Store(new Listing { Id = "lamp", Title = new MvReg<string>("Lamp"), Rank = new MvReg<long>(3) });
        await create.SaveChangesAsync();
        await SyncAsync();
        var here = Here.OpenSession(Model);
        var there = There.OpenSession(Model);
        (await here.LoadAsync<Listing>("lamp"))!.Title.Set("Desk lamp");
        (await there.LoadAsync<Listing>("lamp"))!.Title.Set("Reading lamp");
        await here.SaveChangesAsync();
        await there.SaveChangesAsync();
        await SyncAsync();
    }

    private async Task<IReadOnlyList<string>> TitlesAsync(IDocumentDatabase db)
        => (await db.OpenSession(Model).LoadNoTrackingAsync<Listing>("lamp"))!.Title.Values;

    [Fact]
    public async Task MvReg_changeset_a_json_body_choosing_one_value_resolves_the_conflict_on_both_replicas()
    {
        await ConflictAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        Assert.True(lamp.Title.IsConflicted);
        Assert.Equal(["Desk lamp", "Reading lamp"], lamp.Title.Values.Order(StringComparer.Ordinal));

        // A form offers the values it showed; anything else is not one of them.
        var stale = Changeset.For(lamp, Model).Cast("""{ "title": "Lamp" }""", "title").ValidateInclusion(l => l.Title, lamp.Title.Values);
        Assert.Equal(["not_included"], stale.Errors.Select(e => e.Code));

        var changeset = Changeset.For(lamp, Model).Cast("""{ "title": "Reading lamp", "rank": "4" }""", "title", "rank")
            .ValidateInclusion(l => l.Title, lamp.Title.Values);
        Assert.True(changeset.IsValid);
        Assert.Equal("Reading lamp", changeset.Changes["title"]);
        Assert.Equal(4L, changeset.Changes["rank"]);
        Assert.Equal("Reading lamp", changeset.ValueOf(l => l.Title));
        Assert.True(lamp.Title.IsConflicted);   // untouched until applied

        changeset.ApplyTo(session);
        Assert.Equal([FieldOp.Set("title", Value.String("Reading lamp")), FieldOp.Set("rank", Value.Int(4))], session.ChangesOf(lamp));
        var save = await session.SaveChangesAsync(changeset);
        Assert.True(save.Saved);
        Assert.NotNull(save.Transaction);
        await SyncAsync();

        foreach (var db in new IDocumentDatabase[] { Here, There })
        {
            var read = (await db.OpenSession(Model).LoadAsync<Listing>("lamp"))!;
            Assert.Equal(["Reading lamp"], read.Title.Values);
            Assert.False(read.Title.IsConflicted);
            Assert.Equal([4L], read.Rank.Values);
            Assert.Equal([Value.String("Reading lamp")], (await db.GetAsync("listings", "lamp"))!["title"]!.AsArray());
        }
    }

    [Fact]
    public async Task MvReg_changeset_a_value_of_the_wrong_type_is_an_error_on_its_path_and_changes_nothing()
    {
        await ConflictAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        var changeset = Changeset.For(lamp, Model).Cast("""{ "title": 42, "rank": "many", "summary": "brass" }""", "title", "rank", "summary");
        Assert.False(changeset.IsValid);
        Assert.Equal([("Title", "title", "invalid_type", "must be text"), ("Rank", "rank", "invalid_type", "must be a whole number")],
            changeset.Errors.Select(e => (e.Property, e.Path, e.Code, e.Message)));
        Assert.Equal(["must be text"], changeset.ErrorsByPath()["title"]);
        Assert.Equal(["must be a whole number"], changeset.ErrorsFor(l => l.Rank).Select(e => e.Message));
        Assert.Equal(["summary"], changeset.Changes.Keys);

        var save = await session.SaveChangesAsync(changeset);
        Assert.False(save.Saved);
        Assert.Null(save.Transaction);
        Assert.True(lamp.Title.IsConflicted);
        Assert.Null(lamp.Summary);
        Assert.Empty(session.ChangesOf(lamp));
        await SyncAsync();
        foreach (var db in new IDocumentDatabase[] { Here, There })
            Assert.Equal(["Desk lamp", "Reading lamp"], (await TitlesAsync(db)).Order(StringComparer.Ordinal));

        // The corrected input cast into the same changeset drops the error and saves.
        changeset.Cast("""{ "title": "Desk lamp", "rank": 5 }""", "title", "rank");
        Assert.True((await session.SaveChangesAsync(changeset)).Saved);
        await SyncAsync();
        Assert.Equal(["Desk lamp"], await TitlesAsync(There));
    }

    [Fact]
    public async Task MvReg_changeset_null_clears_the_register_and_the_value_it_holds_writes_nothing()
    {
        var create = Here.OpenSession(Model);
        create.Store(new Listing { Id = "lamp", Title = new MvReg<string>("Lamp"), Rank = new MvReg<long>(3) });
        await create.SaveChangesAsync();

        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        var same = Changeset.For(lamp, Model).Cast(new Dictionary<string, object?> { ["title"] = "Lamp", ["rank"] = 3 }, l => l.Title, l => l.Rank);
        Assert.True(same.IsValid);
        var unchanged = await session.SaveChangesAsync(same);
        Assert.True(unchanged.Saved);
        Assert.Null(unchanged.Transaction);

        var clear = Changeset.For(lamp, Model).Cast("""{ "title": null }""", "title");
        Assert.True(clear.IsValid);
        Assert.True(clear.Changes.ContainsKey("title"));
        Assert.Null(clear.Changes["title"]);
        clear.ApplyTo(session);
        Assert.Equal([FieldOp.Unset("title")], session.ChangesOf(lamp));
        Assert.True((await session.SaveChangesAsync(clear)).Saved);
        await SyncAsync();
        foreach (var db in new IDocumentDatabase[] { Here, There })
        {
            Assert.Empty(await TitlesAsync(db));
            Assert.Null((await db.GetAsync("listings", "lamp"))!["title"]);
        }

        // A new object's register is made with the cast value.
        var fresh = Changeset.For(new Listing { Id = "desk", Title = null! }, Model).Cast("""{ "title": "Desk" }""", "title");
        Assert.True((await Here.OpenSession(Model).SaveChangesAsync(fresh)).Saved);
        Assert.Equal(["Desk"], (await Here.OpenSession(Model).LoadNoTrackingAsync<Listing>("desk"))!.Title.Values);
    }

    [Fact]
    public async Task MvReg_changeset_a_required_register_cast_null_is_an_error_and_the_database_refuses_the_clear_on_its_path()
    {
        await Headlines.ApplyAsync(Here);
        var create = Here.OpenSession(Headlines);
        create.Store(new Headline { Id = "spring", Text = new MvReg<string>("Spring sale") });
        await create.SaveChangesAsync();

        var session = Here.OpenSession(Headlines);
        var spring = (await session.LoadAsync<Headline>("spring"))!;
        var blank = Changeset.For(spring, Headlines).Cast("""{ "text": null }""", "text");
        Assert.False(blank.IsValid);
        Assert.Equal([("Text", "text", "required", "can't be blank")], blank.Errors.Select(e => (e.Property, e.Path, e.Code, e.Message)));
        Assert.False((await session.SaveChangesAsync(blank)).Saved);
        Assert.Equal(["Spring sale"], spring.Text.Values);

        // Without the rule in the model, the database's own required rule refuses it, on the same path.
        var loose = DocumentModel.Of(typeof(Listing), typeof(LooseHeadline));
        var looseSession = Here.OpenSession(loose);
        var read = (await looseSession.LoadAsync<LooseHeadline>("spring"))!;
        var cleared = Changeset.For(read, loose).Cast("""{ "text": null }""", "text");
        Assert.True(cleared.IsValid);
        var save = await looseSession.SaveChangesAsync(cleared);
        Assert.False(save.Saved);
        Assert.Equal(new Dictionary<string, string[]> { ["text"] = ["can't be blank"] }, cleared.ErrorsByPath());
        Assert.Equal(["Spring sale"], (await Here.OpenSession(Headlines).LoadNoTrackingAsync<Headline>("spring"))!.Text.Values);
    }

    [Fact]
    public async Task MvReg_changeset_validators_see_the_cast_value_or_the_chosen_one()
    {
        await ConflictAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        Changeset<Listing> Validated(string body) => Changeset.For(lamp, Model).Cast(body, "title", "rank")
            .ValidateRequired(l => l.Title)
            .ValidateLength(l => l.Title, min: 3, max: 20)
            .ValidateFormat(l => l.Title, "^[A-Z]")
            .Validate(l => l.Title, t => !t.EndsWith(' '), "can't end in a space", code: "trailing_space")
            .ValidateInclusion(l => l.Rank, [1L, 2L, 3L])
            .ValidateRange(l => l.Rank, min: 2);

        var wrong = Validated("""{ "title": "ab ", "rank": 9 }""");
        Assert.Equal([("title", "invalid_format"), ("title", "trailing_space"), ("rank", "not_included")],
            wrong.Errors.Select(e => (e.Path, e.Code)));
        Assert.Equal(["has an invalid format", "can't end in a space"], wrong.ErrorsByPath()["title"]);
        Assert.Equal([("title", "too_short"), ("rank", "too_small")], Validated("""{ "title": "Ab", "rank": 1 }""").Errors.Select(e => (e.Path, e.Code)));
        Assert.Equal([("title", "required")], Validated("""{ "title": null }""").Errors.Select(e => (e.Path, e.Code)));
        Assert.Equal([("title", "too_long")], Validated("""{ "title": "A very long reading lamp" }""").Errors.Select(e => (e.Path, e.Code)));

        // Not cast, the register is validated by the value it chooses of its conflicting ones.
        var uncast = Changeset.For(lamp, Model).ValidateInclusion(l => l.Title, [lamp.Title.Value!]);
        Assert.True(uncast.IsValid);
        Assert.Equal(lamp.Title.Value, uncast.ValueOf(l => l.Title));
        var other = lamp.Title.Values.Single(v => v != lamp.Title.Value);
        Assert.Equal(["not_included"], Changeset.For(lamp, Model).ValidateInclusion(l => l.Title, [other]).Errors.Select(e => e.Code));

        var right = Validated("""{ "title": "Desk lamp", "rank": 2 }""");
        Assert.True(right.IsValid);
        Assert.True((await session.SaveChangesAsync(right)).Saved);
        await SyncAsync();
        Assert.Equal(["Desk lamp"], await TitlesAsync(There));
    }
}

public sealed class EmbeddedMvRegChangesetTests : MvRegChangesetContract
{
    protected override Task<Side> OpenAsync() => Side.EmbeddedAsync();
}

public sealed class RemoteMvRegChangesetTests : MvRegChangesetContract
{
    protected override Task<Side> OpenAsync() => Side.RemoteAsync();
}

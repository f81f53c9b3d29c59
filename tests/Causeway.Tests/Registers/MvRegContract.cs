using Causeway.Documents;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Tests.Registers;

/// <summary>An <see cref="MvReg{T}"/> property across two replicas: concurrent sets all show, a later
/// <see cref="MvReg{T}.Set"/> resolves them everywhere. Run embedded and through the remote client.</summary>
public abstract class MvRegContract : TwoReplicas
{
    private async Task StoreLampAsync()
    {
        var create = Here.OpenSession(Model);
        create.Store(new Listing { Id = "lamp", Title = new MvReg<string>("Lamp"), Rank = new MvReg<long>(3), Note = "start" });
        await create.SaveChangesAsync();
        await SyncAsync();
    }

    /// <summary>Both replicas set the title (and the [MvReg] note) at once, and sync.</summary>
    private async Task ConflictAsync()
    {
        await StoreLampAsync();
        var here = Here.OpenSession(Model);
        var there = There.OpenSession(Model);
        var lampHere = (await here.LoadAsync<Listing>("lamp"))!;
        var lampThere = (await there.LoadAsync<Listing>("lamp"))!;
        lampHere.Title.Set("Desk lamp");
        lampThere.Title.Set("Reading lamp");
        lampHere.Note = "here";
        lampThere.Note = "there";
        Assert.Equal([FieldOp.Set("title", Value.String("Desk lamp")), FieldOp.Set("note", Value.String("here"))], here.ChangesOf(lampHere));
        await here.SaveChangesAsync();
        await there.SaveChangesAsync();
        await SyncAsync();
    }

    [Fact]
    public async Task MvReg_two_concurrent_sets_show_both_values_and_a_later_Set_resolves_them_on_both_replicas()
    {
        await ConflictAsync();
        var seen = new List<Listing>();
        foreach (var db in new IDocumentDatabase[] { Here, There })
        {
            var lamp = (await db.OpenSession(Model).LoadAsync<Listing>("lamp"))!;
            Assert.True(lamp.Title.IsConflicted);
            Assert.Equal(["Desk lamp", "Reading lamp"], lamp.Title.Values.Order(StringComparer.Ordinal));
            Assert.Equal(lamp.Title.Values[^1], lamp.Title.Value);
            Assert.Equal([3L], lamp.Rank.Values);
            Assert.False(lamp.Rank.IsConflicted);
            seen.Add(lamp);
        }
        // The same values in the same order, and the same chosen one, on both replicas.
        Assert.Equal(seen[0].Title.Values, seen[1].Title.Values);
        Assert.Equal(seen[0].Title.Value, seen[1].Title.Value);
        // [MvReg] on a plain property keeps working: it shows the chosen one of its values.
        Assert.Equal(seen[0].Note, seen[1].Note);
        Assert.Contains(seen[0].Note, new[] { "here", "there" });

        // Resolving on the other replica with one of the values: a set that supersedes both.
        var resolve = There.OpenSession(Model);
        var chosen = (await resolve.LoadAsync<Listing>("lamp"))!;
        chosen.Title.Set("Desk lamp");
        Assert.False(chosen.Title.IsConflicted);
        Assert.Equal([FieldOp.Set("title", Value.String("Desk lamp"))], resolve.ChangesOf(chosen));
        Assert.NotNull(await resolve.SaveChangesAsync());
        Assert.Empty(resolve.ChangesOf(chosen));
        await SyncAsync();

        foreach (var db in new IDocumentDatabase[] { Here, There })
        {
            var lamp = (await db.OpenSession(Model).LoadAsync<Listing>("lamp"))!;
            Assert.Equal(["Desk lamp"], lamp.Title.Values);
            Assert.Equal("Desk lamp", lamp.Title.Value);
            Assert.False(lamp.Title.IsConflicted);
            Assert.Equal([Value.String("Desk lamp")], (await db.GetAsync("listings", "lamp"))!["title"]!.AsArray());
        }
    }

    [Fact]
    public async Task MvReg_setting_the_value_it_holds_writes_nothing_and_Clear_unsets_it()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        lamp.Rank.Set(3);
        Assert.Empty(session.ChangesOf(lamp));
        Assert.Null(await session.SaveChangesAsync());

        lamp.Rank.Clear();
        Assert.Equal([FieldOp.Unset("rank")], session.ChangesOf(lamp));
        await session.SaveChangesAsync();
        var read = (await Here.OpenSession(Model).LoadAsync<Listing>("lamp"))!;
        Assert.Empty(read.Rank.Values);
        Assert.Equal(0L, read.Rank.Value);
        Assert.Null((await Here.GetAsync("listings", "lamp"))!["rank"]);

        // A new value after the clear is a set again.
        var again = Here.OpenSession(Model);
        var loaded = (await again.LoadAsync<Listing>("lamp"))!;
        loaded.Rank.Set(7);
        await again.SaveChangesAsync();
        Assert.Equal([7L], (await Here.OpenSession(Model).LoadNoTrackingAsync<Listing>("lamp"))!.Rank.Values);
    }

    [Fact]
    public async Task MvReg_a_document_the_database_names_stores_its_register_as_an_mvreg()
    {
        var model = DocumentModel.Of(typeof(Listing), typeof(Draft));
        await model.ApplyAsync(Here);
        var session = Here.OpenSession(model);
        var draft = new Draft { Title = new MvReg<string>("Untitled") };
        session.Store(draft);
        await session.SaveChangesAsync();
        Assert.NotNull(draft.Id);
        Assert.Equal([Value.String("Untitled")], (await Here.GetAsync("drafts", draft.Id!))!["title"]!.AsArray());
        draft.Title.Set("Spring sale");
        Assert.Equal([FieldOp.Set("title", Value.String("Spring sale"))], session.ChangesOf(draft));
        await session.SaveChangesAsync();
        Assert.Equal(["Spring sale"], (await Here.OpenSession(model).LoadAsync<Draft>(draft.Id!))!.Title.Values);
    }

    [Fact]
    public async Task MvReg_a_query_finds_a_listing_by_any_of_its_concurrent_values()
    {
        await ConflictAsync();
        var session = Here.OpenSession(Model);
        string wanted = "Reading lamp";
        Assert.Equal(Query.In("listings").Where(Pred.Contains("title", Value.String(wanted))).ToString(), session.Query<Listing>().Where(l => l.Title.Contains(wanted)).ToQuery().ToString());
        Assert.Equal(["lamp"], (await session.Query<Listing>().Where(l => l.Title.Contains(wanted)).ToListAsync()).Select(l => l.Id));
        Assert.Equal(["lamp"], (await session.Query<Listing>().Where(l => l.Title.Values.Contains("Desk lamp")).ToListAsync()).Select(l => l.Id));
        Assert.Empty(await session.Query<Listing>().Where(l => l.Title.Contains("Lamp")).ToListAsync());
        Assert.Equal(["lamp"], (await session.Query<Listing>().Where(l => l.Rank.Contains(3)).ToListAsync()).Select(l => l.Id));

        // An [MvReg] property compares with == as "one of its values is".
        Assert.Equal(["lamp"], (await session.Query<Listing>().Where(l => l.Note == "there").ToListAsync()).Select(l => l.Id));
        Assert.Equal(["lamp"], (await session.Query<Listing>().Where(l => l.Note == "here").ToListAsync()).Select(l => l.Id));
        Assert.Empty(await session.Query<Listing>().Where(l => l.Note != "here").ToListAsync());
        Assert.Empty(await session.Query<Listing>().Where(l => l.Note == "start").ToListAsync());

#pragma warning disable CW1009
        var chosen = Assert.Throws<UntranslatableQueryException>(() => session.Query<Listing>().Where(l => l.Title.Value == "Desk lamp").ToQuery());
        Assert.Equal("cannot translate 'l.Title.Value': a register's chosen value and whether it is conflicted have no query form; test its values with Contains", chosen.Message);
        var ordered = Assert.Throws<UntranslatableQueryException>(() => session.Query<Listing>().OrderBy(l => l.Note).ToQuery());
        Assert.Equal("cannot translate 'l.Note': an [MvReg] property holds every concurrent value, so it compares only with == and != (one of its values is the value); make it an MvReg<T> to see them all", ordered.Message);
#pragma warning restore CW1009
    }
}

public sealed class EmbeddedMvRegTests : MvRegContract
{
    protected override Task<Side> OpenAsync() => Side.EmbeddedAsync();
}

public sealed class RemoteMvRegTests : MvRegContract
{
    protected override Task<Side> OpenAsync() => Side.RemoteAsync();
}

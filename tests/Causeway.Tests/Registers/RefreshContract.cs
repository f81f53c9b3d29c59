using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Tests.Typed;
using Causeway.Values;

namespace Causeway.Tests.Registers;

/// <summary><see cref="DocumentSession.RefreshAsync{T}"/> and <c>LoadAsync(id, refresh: true)</c>: another
/// replica's or session's changes show in the object the session already holds, and saving after
/// writes nothing but what changed after the refresh. Run embedded and through the remote client.</summary>
public abstract class RefreshContract : TwoReplicas
{
    private async Task StoreLampAsync()
    {
        var create = Here.OpenSession(Model);
        create.Store(new Listing
        {
            Id = "lamp", Title = new MvReg<string>("Lamp"), Summary = "brass", Views = new Counter(1),
            Tags = new AwSet<string>(["light"]), Place = new Address { City = "Oslo" },
        });
        await create.SaveChangesAsync();
        await SyncAsync();
    }

    [Fact]
    public async Task Refresh_shows_another_replicas_changes_in_the_same_object_and_a_save_after_writes_only_what_changed_since()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        var place = lamp.Place!;

        var there = There.OpenSession(Model);
        var elsewhere = (await there.LoadAsync<Listing>("lamp"))!;
        elsewhere.Summary = "copper";
        elsewhere.Views.Increment(2);
        elsewhere.Tags.Add("desk");
        elsewhere.Title.Set("Desk lamp");
        elsewhere.Place!.City = "Bergen";
        await there.SaveChangesAsync();
        await SyncAsync();

        Assert.Equal("brass", (await session.LoadAsync<Listing>("lamp"))!.Summary);   // the identity map's object, as loaded
        await session.RefreshAsync(lamp);
        Assert.Same(lamp, await session.LoadAsync<Listing>("lamp"));
        Assert.Same(place, lamp.Place);
        Assert.Equal(("copper", 3L, "Desk lamp", "Bergen"), (lamp.Summary, lamp.Views.Value, lamp.Title.Value, lamp.Place!.City));
        Assert.Equal(["desk", "light"], lamp.Tags.Order(StringComparer.Ordinal));
        Assert.Empty(session.ChangesOf(lamp));
        Assert.Null(await session.SaveChangesAsync());

        lamp.Summary = "bronze";
        Assert.Equal([FieldOp.Set("summary", Value.String("bronze"))], session.ChangesOf(lamp));
        await session.SaveChangesAsync();
        var stored = (await Here.GetAsync("listings", "lamp"))!;
        Assert.Equal(Value.String("bronze"), stored["summary"]);
        Assert.Equal(Value.Int(3), stored["views"]);
    }

    [Fact]
    public async Task Refresh_discards_changes_not_saved_yet_a_pending_delete_included()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        lamp.Summary = "mine";
        lamp.Views.Increment(5);
        lamp.Tags.Add("mine");
        lamp.Title.Set("Mine");
        Assert.Equal(4, session.ChangesOf(lamp).Count);

        await session.RefreshAsync(lamp);
        Assert.Equal(("brass", 1L, "Lamp"), (lamp.Summary, lamp.Views.Value, lamp.Title.Value));
        Assert.Equal(["light"], lamp.Tags);
        Assert.Empty(session.ChangesOf(lamp));

        session.Delete(lamp);
        await session.RefreshAsync(lamp);
        Assert.Null(await session.SaveChangesAsync());
        Assert.NotNull(await Here.GetAsync("listings", "lamp"));
        Assert.Same(lamp, await session.LoadAsync<Listing>("lamp"));
    }

    [Fact]
    public async Task Refresh_LoadAsync_with_refresh_reads_another_sessions_change_into_the_tracked_instance()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;

        var other = Here.OpenSession(Model);
        (await other.LoadAsync<Listing>("lamp"))!.Summary = "copper";
        await other.SaveChangesAsync();

        Assert.Equal("brass", (await session.LoadAsync<Listing>("lamp", refresh: false))!.Summary);
        var fresh = await session.LoadAsync<Listing>("lamp", refresh: true);
        Assert.Same(lamp, fresh);
        Assert.Equal("copper", lamp.Summary);
        Assert.Null(await session.SaveChangesAsync());
        // An id the session does not hold yet loads as usual.
        Assert.Null(await session.LoadAsync<Listing>("desk", refresh: true));
    }

    [Fact]
    public async Task Refresh_of_a_document_deleted_meanwhile_throws_not_found_and_the_session_forgets_the_object()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        lamp.Summary = "mine";
        var other = Here.OpenSession(Model);
        other.Delete((await other.LoadAsync<Listing>("lamp"))!);
        await other.SaveChangesAsync();

        var gone = await Assert.ThrowsAsync<NotFoundException>(() => session.RefreshAsync(lamp));
        Assert.Equal("Listing 'lamp' no longer exists in 'listings': it was deleted, and this session no longer tracks it.", gone.Message);
        Assert.Throws<InvalidInputException>(() => session.ChangesOf(lamp));
        Assert.Null(await session.SaveChangesAsync());
        Assert.Null(await Here.GetAsync("listings", "lamp"));

        Assert.Null(await Here.OpenSession(Model).LoadAsync<Listing>("lamp"));
    }

    [Fact]
    public async Task Refresh_LoadAsync_with_refresh_answers_null_for_a_document_deleted_meanwhile()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var lamp = (await session.LoadAsync<Listing>("lamp"))!;
        var other = Here.OpenSession(Model);
        other.Delete((await other.LoadAsync<Listing>("lamp"))!);
        await other.SaveChangesAsync();

        Assert.Same(lamp, await session.LoadAsync<Listing>("lamp"));
        Assert.Null(await session.LoadAsync<Listing>("lamp", refresh: true));
        Assert.Null(await session.LoadAsync<Listing>("lamp"));
        Assert.Throws<InvalidInputException>(() => session.ChangesOf(lamp));
    }

    [Fact]
    public async Task Refresh_refuses_an_object_the_session_does_not_track_or_has_not_saved()
    {
        await StoreLampAsync();
        var session = Here.OpenSession(Model);
        var untracked = (await session.LoadNoTrackingAsync<Listing>("lamp"))!;
        var notTracked = await Assert.ThrowsAsync<InvalidInputException>(() => session.RefreshAsync(untracked));
        Assert.Equal("This session does not track that Listing; load it to read it.", notTracked.Message);

        var desk = new Listing { Id = "desk", Summary = "new" };
        session.Store(desk);
        var unsaved = await Assert.ThrowsAsync<InvalidInputException>(() => session.RefreshAsync(desk));
        Assert.Equal("Listing 'desk' is stored in this session but not saved yet; there is nothing to read again.", unsaved.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => session.LoadAsync<Listing>("desk", refresh: true));
        Assert.Equal("new", desk.Summary);
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.RefreshAsync<Listing>(null!));
    }
}

public sealed class EmbeddedRefreshTests : RefreshContract
{
    protected override Task<Side> OpenAsync() => Side.EmbeddedAsync();
}

public sealed class RemoteRefreshTests : RefreshContract
{
    protected override Task<Side> OpenAsync() => Side.RemoteAsync();
}

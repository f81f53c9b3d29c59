using Causeway.Errors;
using Causeway.Queries;

namespace Causeway.Tests.Invariants;

/// <summary>References never dangle, on any replica, even when the parent's delete and a child's
/// write happen on two partitioned replicas: add-wins keeps the parent, remove-wins hides the child.</summary>
public sealed class ReferenceTests
{
    private const string Tournaments = """
        { "collections": {
            "players":     { "fields": { "name": { "type": "string" } } },
            "tournaments": { "fields": { "title": { "type": "string" } } },
            "enrolments":  { "fields": { "player": { "references": "players", "policy": "add-wins" },
                                         "tournament": { "references": "tournaments", "policy": "remove-wins" } } } } }
        """;

    private static async Task<TwoReplicas> SeededAsync()
    {
        var pair = await TwoReplicas.StartAsync(Tournaments);
        await pair.A.PutAsync("players", "p", Doc.Of("""{"name": "Ann"}"""));
        await pair.A.PutAsync("tournaments", "t", Doc.Of("""{"title": "Open"}"""));
        await pair.SyncAsync();
        return pair;
    }

    /// <summary>The seed's example: enroll(p, t) concurrent with rem_tourn(t).</summary>
    [Fact]
    public async Task Enrolling_concurrently_with_removing_the_tournament_leaves_no_enrolment_pointing_at_it()
    {
        await using var pair = await SeededAsync();
        await pair.A.DeleteAsync("tournaments", "t");                                                    // rem_tourn(t)
        await pair.B.PutAsync("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));       // enroll(p, t)
        Assert.NotNull(await pair.B.GetAsync("enrolments", "e"));                                        // B has not heard of the delete yet

        await pair.SyncAsync();

        foreach (var db in new[] { pair.A, pair.B })
        {
            Assert.Null(await db.GetAsync("tournaments", "t"));
            Assert.Null(await db.GetAsync("enrolments", "e"));
            Assert.Empty((await db.QueryAsync(Query.In("enrolments"))).Documents);
        }
        Assert.Equal((await pair.A.InfoAsync()).Heads, (await pair.B.InfoAsync()).Heads);
    }

    [Fact]
    public async Task An_add_wins_child_written_concurrently_with_its_parents_delete_keeps_the_parent()
    {
        await using var pair = await SeededAsync();
        await pair.A.DeleteAsync("players", "p");
        await pair.B.PutAsync("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));

        await pair.SyncAsync();

        foreach (var db in new[] { pair.A, pair.B })
        {
            var player = await db.GetAsync("players", "p");
            Assert.NotNull(player);
            Assert.Equal("Ann", player.Fields.Get("name")!.AsString());   // restored whole
            Assert.NotNull(await db.GetAsync("enrolments", "e"));
        }
    }

    [Fact]
    public async Task A_child_must_name_a_parent_that_exists()
    {
        await using var pair = await SeededAsync();
        var e = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PutAsync("enrolments", "e", Doc.Of("""{"player": "nobody", "tournament": "t"}""")));
        Assert.Contains("players/nobody", e.Message);
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.TransactAsync(tx =>
        {
            tx.Delete("tournaments", "t");
            tx.Put("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));
            return Task.CompletedTask;
        }));
        Assert.NotNull(await pair.A.GetAsync("tournaments", "t"));   // the refused transaction left nothing
        // A parent and its child in one transaction is fine.
        await pair.A.TransactAsync(tx =>
        {
            tx.Put("players", "q", Doc.Of("""{"name": "Bo"}"""));
            tx.Put("enrolments", "e2", Doc.Of("""{"player": "q", "tournament": "t"}"""));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Deleting_a_parent_refuses_while_add_wins_children_name_it_and_cascades_to_remove_wins_ones()
    {
        await using var pair = await SeededAsync();
        await pair.A.PutAsync("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));

        var refused = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.DeleteAsync("players", "p"));
        Assert.Contains("enrolments/e", refused.Message);
        Assert.NotNull(await pair.A.GetAsync("players", "p"));

        await pair.A.DeleteAsync("tournaments", "t");
        Assert.Null(await pair.A.GetAsync("enrolments", "e"));
        var history = await pair.A.HistoryAsync("enrolments", "e");
        Assert.True(history[^1].Deleted);                      // the cascade is in the ledger, not only in reads
        await pair.A.DeleteAsync("players", "p");              // nothing names the player any more
        await pair.SyncAsync();
        Assert.Null(await pair.B.GetAsync("enrolments", "e"));
        Assert.Null(await pair.B.GetAsync("players", "p"));
    }

    [Fact]
    public async Task A_partial_replica_shows_children_of_parents_it_does_not_hold_and_refuses_to_vouch_for_them()
    {
        await using var pair = await SeededAsync();
        await pair.A.PutAsync("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));
        await using var phone = Replica.OpenInMemory();
        var partial = await phone.CreateDatabaseAsync("shop", Causeway.Replication.Subscription.Of([Causeway.Replication.CollectionSelector.Parse("enrolments")]));
        await partial.SyncWithAsync(pair.A, Causeway.Replication.SyncDirection.Pull);

        Assert.NotNull(await partial.GetAsync("enrolments", "e"));
        Assert.Single((await partial.QueryAsync(Query.In("enrolments"))).Documents);
        var e = await Assert.ThrowsAsync<NotHeldException>(() => partial.PutAsync("enrolments", "e2", Doc.Of("""{"player": "p", "tournament": "t"}""")));
        Assert.Contains("does not hold", e.Message);
    }

    [Fact]
    public async Task A_hidden_child_comes_back_if_its_parent_is_restored()
    {
        await using var pair = await SeededAsync();
        await pair.A.DeleteAsync("tournaments", "t");
        await pair.B.PutAsync("enrolments", "e", Doc.Of("""{"player": "p", "tournament": "t"}"""));
        await pair.SyncAsync();
        long hidden = pair.A.Position;
        Assert.Null(await pair.A.GetAsync("enrolments", "e"));
        // Visibility is evaluated on the state a read sees: restoring the parent shows the child again,
        // and a read of the past still sees what was visible then.
        await pair.A.PutAsync("tournaments", "t", Doc.Of("""{"title": "Open again"}"""));
        Assert.NotNull(await pair.A.GetAsync("enrolments", "e"));
        Assert.Null(await pair.A.GetAsync("enrolments", "e", ReadPoint.AtPosition(hidden)));
    }
}

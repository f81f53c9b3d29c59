using Causeway.Documents;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Tests.Invariants;
using Causeway.Values;

namespace Causeway.Tests.Queries.Live;

/// <summary>Live queries on an embedded database: the snapshot, then one delta per commit that changes
/// the result (entered, changed, left), the window of an ordered and limited query, deletes and
/// recreations, children hidden by a remove-wins parent, replicated commits, resuming from a
/// position, and a subscriber too slow to keep up.</summary>
public sealed class LiveQueryTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("shop");
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private Task<WriteResult> Put(string id, string json, string collection = "orders") => _db.PutJsonAsync(collection, id, json);

    private static Query Paid => Query.In("orders").Where(Pred.Eq("status", Value.String("paid")));

    private static string[] Ids(IEnumerable<Document> documents) => [.. documents.Select(d => d.Id)];

    [Fact]
    public async Task A_snapshot_then_one_delta_per_commit_that_changes_the_result()
    {
        await Put("o1", """{"status": "paid", "total": 10}""");
        await Put("o2", """{"status": "open", "total": 20}""");
        await using var live = new LiveEvents(_db, Paid);

        var snapshot = await live.NextAsync();
        Assert.Equal(LiveQueryEventKind.Snapshot, snapshot.Kind);
        Assert.Equal(_db.Position, snapshot.Position);
        Assert.Equal(["o1"], Ids(snapshot.Entered));
        Assert.Null(snapshot.Commit);
        Assert.Null(snapshot.Origin);
        Assert.Empty(snapshot.Changed);
        Assert.Empty(snapshot.Left);

        var w3 = await Put("o3", """{"status": "paid", "total": 30}""");
        var entered = await live.NextAsync();
        Assert.Equal(LiveQueryEventKind.Delta, entered.Kind);
        Assert.Equal(w3.Position, entered.Position);
        Assert.Equal(w3.Commit, entered.Commit);
        Assert.Equal(_replica.Did, entered.Origin);
        Assert.True(entered.Local);
        Assert.Equal(["o3"], Ids(entered.Entered));
        Assert.Equal(30, entered.Entered[0]["total"]!.AsInt());
        Assert.Equal(w3.Commit, entered.Entered[0].Commit);

        // Commits that do not change the result make no event: another collection, a document that
        // does not match before or after.
        await Put("x", """{"status": "paid"}""", "invoices");
        await Put("o2", """{"status": "open", "total": 21}""");
        await _db.PatchAsync("orders", "o1", FieldOp.Set("total", Value.Int(11)));
        var changed = await live.NextAsync();
        Assert.Equal(_db.Position, changed.Position);
        Assert.Equal(["o1"], Ids(changed.Changed));
        Assert.Equal(11, changed.Changed[0]["total"]!.AsInt());
        Assert.Empty(changed.Entered);
        Assert.Empty(changed.Left);

        await Put("o2", """{"status": "paid", "total": 22}""");
        Assert.Equal(["o2"], Ids((await live.NextAsync()).Entered));
        await Put("o1", """{"status": "open", "total": 11}""");
        Assert.Equal(["o1"], (await live.NextAsync()).Left);
        await _db.DeleteAsync("orders", "o3");
        var deleted = await live.NextAsync();
        Assert.Equal(["o3"], deleted.Left);
        Assert.Empty(deleted.Entered);

        // Deleted, then created again: it enters again.
        await Put("o3", """{"status": "paid", "total": 33}""");
        var recreated = await live.NextAsync();
        Assert.Equal(["o3"], Ids(recreated.Entered));
        Assert.Equal(33, recreated.Entered[0]["total"]!.AsInt());
    }

    [Fact]
    public async Task One_commit_of_several_documents_is_one_delta()
    {
        await Put("a", """{"status": "paid"}""");
        await Put("b", """{"status": "paid"}""");
        await using var live = new LiveEvents(_db, Paid);
        await live.NextAsync();
        var result = await _db.TransactAsync(tx =>
        {
            tx.Put("orders", "a", ValueJson.Parse("""{"status": "open"}"""));
            tx.Put("orders", "b", ValueJson.Parse("""{"status": "paid", "n": 1}"""));
            tx.Put("orders", "c", ValueJson.Parse("""{"status": "paid"}"""));
        });
        var delta = await live.NextAsync();
        Assert.Equal(result.Position, delta.Position);
        Assert.Equal(["c"], Ids(delta.Entered));
        Assert.Equal(["b"], Ids(delta.Changed));
        Assert.Equal(["a"], delta.Left);
    }

    /// <summary>With orderBy and limit the result is a window: a document that enters beyond its last
    /// place changes nothing, one that enters before it pushes the last one out, and one that leaves a
    /// full window lets the next one in.</summary>
    [Fact]
    public async Task An_ordered_limited_query_keeps_its_window()
    {
        for (int i = 1; i <= 5; i++) await Put($"o{i}", $$"""{"total": {{i * 10}}}""");
        var query = Query.In("orders").OrderBy("total", desc: true).Take(3);
        await using var live = new LiveEvents(_db, query);
        var model = new LiveResult();
        model.Apply(await live.NextAsync());
        model.AssertEquals(await _db.QueryAsync(query));

        await Put("o6", """{"total": 5}""");                        // beyond the last place: nothing
        await Put("o7", """{"total": 45}""");                       // second place: o3 (30) leaves
        var pushed = await live.NextAsync();
        Assert.Equal(_db.Position, pushed.Position);
        Assert.Equal(["o7"], Ids(pushed.Entered));
        Assert.Equal(["o3"], pushed.Left);
        model.Apply(pushed);

        await _db.DeleteAsync("orders", "o5");                     // the first leaves: o3 comes back
        var refilled = await live.NextAsync();
        Assert.Equal(["o5"], refilled.Left);
        Assert.Equal(["o3"], Ids(refilled.Entered));
        model.Apply(refilled);

        await Put("o4", """{"total": 1}""");                        // falls out of the window: o3... no, o2 (20) comes in
        var moved = await live.NextAsync();
        Assert.Equal(["o4"], moved.Left);
        Assert.Equal(["o2"], Ids(moved.Entered));
        model.Apply(moved);

        await Put("o7", """{"total": 46}""");                       // moves within the window
        var within = await live.NextAsync();
        Assert.Equal(["o7"], Ids(within.Changed));
        model.Apply(within);
        model.AssertEquals(await _db.QueryAsync(query), "after the writes");
    }

    [Fact]
    public async Task A_query_without_order_is_the_first_page_by_id()
    {
        for (int i = 1; i <= 4; i++) await Put($"o{i}", "{}");
        await using var live = new LiveEvents(_db, Query.In("orders").Take(2));
        Assert.Equal(["o1", "o2"], Ids((await live.NextAsync()).Entered));
        await Put("o0", "{}");
        var e = await live.NextAsync();
        Assert.Equal(["o0"], Ids(e.Entered));
        Assert.Equal(["o2"], e.Left);
    }

    private const string Tournaments = """
        { "collections": {
            "players":     { "fields": { "name": { "type": "string" } } },
            "tournaments": { "fields": { "title": { "type": "string" } } },
            "enrolments":  { "fields": { "player": { "references": "players", "policy": "add-wins" },
                                         "tournament": { "references": "tournaments", "policy": "remove-wins" } } } } }
        """;

    /// <summary>Deleting a remove-wins parent hides its children: the commit touches only the parent,
    /// and the children leave the result of a query on theirs. Synced from another replica, the
    /// delta says it was not made here.</summary>
    [Fact]
    public async Task Children_hidden_by_their_remove_wins_parent_leave_and_replicated_commits_are_not_local()
    {
        await using var pair = await TwoReplicas.StartAsync(Tournaments);
        await pair.A.PutAsync("players", "p", Doc.Of("""{"name": "Ann"}"""));
        await pair.A.PutAsync("tournaments", "t", Doc.Of("""{"title": "Open"}"""));
        await pair.A.PutAsync("tournaments", "u", Doc.Of("""{"title": "Cup"}"""));
        await pair.A.PutAsync("enrolments", "e1", Doc.Of("""{"player": "p", "tournament": "t"}"""));
        await pair.A.PutAsync("enrolments", "e2", Doc.Of("""{"player": "p", "tournament": "u"}"""));
        await pair.SyncAsync();

        var enrolments = Query.In("enrolments");
        await using var onA = new LiveEvents(pair.A, enrolments);
        await using var onB = new LiveEvents(pair.B, enrolments);
        Assert.Equal(["e1", "e2"], Ids((await onA.NextAsync()).Entered));
        Assert.Equal(["e1", "e2"], Ids((await onB.NextAsync()).Entered));

        var deleted = await pair.A.DeleteAsync("tournaments", "t");
        var hidden = await onA.NextAsync();
        Assert.Equal(deleted.Position, hidden.Position);
        Assert.Equal(["e1"], hidden.Left);
        Assert.True(hidden.Local);

        await pair.SyncAsync();
        var synced = await onB.NextAsync();
        Assert.Equal(["e1"], synced.Left);
        Assert.False(synced.Local);
        Assert.Equal(pair.ReplicaA.Did, synced.Origin);
        Assert.Equal(deleted.Commit, synced.Commit);

        // A write on B is local there, and replicated on A.
        await pair.B.PutAsync("enrolments", "e3", Doc.Of("""{"player": "p", "tournament": "u"}"""));
        var local = await onB.NextAsync();
        Assert.True(local.Local);
        Assert.Equal(pair.ReplicaB.Did, local.Origin);
        await pair.SyncAsync();
        var remote = await onA.NextAsync();
        Assert.Equal(["e3"], Ids(remote.Entered));
        Assert.False(remote.Local);
    }

    /// <summary>A subscriber that reads some events, goes away and subscribes again from the position of
    /// the last event it read gets exactly the events a subscriber that never left got after it.</summary>
    [Fact]
    public async Task Resuming_from_a_position_misses_and_repeats_no_event()
    {
        var query = Query.In("orders").Where(Pred.Gte("n", Value.Int(3))).OrderBy("n").Take(4);
        await using var steady = new LiveEvents(_db, query);
        var first = new LiveEvents(_db, query);
        var all = new List<LiveQueryEvent> { await steady.NextAsync() };
        var seen = new List<LiveQueryEvent> { await first.NextAsync() };
        var rnd = new Random(7);

        async Task WriteAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                string id = $"o{rnd.Next(8)}";
                if (rnd.Next(5) == 0 && await _db.GetAsync("orders", id) is not null) await _db.DeleteAsync("orders", id);
                else await Put(id, $$"""{"n": {{rnd.Next(10)}}}""");
            }
        }

        // A marker first in the window (n = 3, an id before the others), put and deleted: the steady
        // subscriber has every event up to the database's position once it has the marker's delete.
        async Task DrainAsync()
        {
            await Put("m", """{"n": 3}""");
            long end = (await _db.DeleteAsync("orders", "m")).Position;
            while (all[^1].Position < end) all.Add(await steady.NextAsync());
        }

        await WriteAsync(30);
        await DrainAsync();
        for (int i = 0; i < 5; i++) seen.Add(await first.NextAsync());
        await first.DisposeAsync();
        Assert.Equal(all.Take(seen.Count).Select(Describe), seen.Select(Describe));
        long last = seen[^1].Position;

        await WriteAsync(30);
        await DrainAsync();
        var expected = all.Where(e => e.Position > last).ToList();
        Assert.True(expected.Count > 10);
        await using var resumed = new LiveEvents(_db, query, since: last);
        var got = new List<LiveQueryEvent>();
        while (got.Count < expected.Count) got.Add(await resumed.NextAsync());
        Assert.All(got, e => Assert.Equal(LiveQueryEventKind.Delta, e.Kind));
        Assert.Equal(expected.Select(Describe), got.Select(Describe));

        // And the resumed subscription goes on live: the next change is its next event.
        var next = await Put("a", """{"n": 3}""");
        Assert.Equal(next.Position, (await resumed.NextAsync()).Position);

        var model = new LiveResult();
        foreach (var e in all) model.Apply(e);
        model.AssertEquals(await _db.QueryAsync(query.At(ReadPoint.AtPosition(all[^1].Position))));
    }

    private static string Describe(LiveQueryEvent e)
        => $"{e.Kind} {e.Position} {e.Commit} +[{string.Join(",", e.Entered.Select(d => d.ToJson()))}] ~[{string.Join(",", e.Changed.Select(d => d.ToJson()))}] -[{string.Join(",", e.Left)}]";

    /// <summary>A subscriber that leaves more events unread than its buffer holds is cut off with
    /// subscriber_too_slow, after the events that fit, and can resume from the last one.</summary>
    [Fact]
    public async Task A_subscriber_too_slow_is_cut_off_with_a_typed_error()
    {
        await using var replica = Replica.OpenInMemory(new ReplicaOptions { LiveQueryBuffer = 4 });
        var db = await replica.CreateDatabaseAsync("slow");
        await db.PutJsonAsync("c", "d0", """{"n": 0}""");
        var query = Query.In("c");
        await using var live = new LiveEvents(db, query);
        await live.NextAsync();
        live.Ask();                                                  // joins the dispatcher, then waits
        await db.PutJsonAsync("c", "d0", """{"n": 1}""");
        var first = await live.NextAsync();                          // the reader took this one
        for (int i = 2; i <= 12; i++) await db.PutJsonAsync("c", "d0", $$"""{"n": {{i}}}""");
        var until = DateTime.UtcNow + LiveEvents.Timeout;
        while (db.LiveQueries.Count > 0 && DateTime.UtcNow < until) await Task.Delay(10);
        Assert.Equal(0, db.LiveQueries.Count);                       // cut off: nothing of it stays with the dispatcher

        var buffered = new List<LiveQueryEvent>();
        var error = await Assert.ThrowsAsync<SubscriberTooSlowException>(async () => { while (true) buffered.Add(await live.NextAsync()); });
        Assert.Equal(ErrorCodes.SubscriberTooSlow, error.Code);
        Assert.Equal(4, buffered.Count);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => first.Position + i), buffered.Select(e => e.Position));

        // Resumed from the last event received: the rest, none missed.
        await using var resumed = new LiveEvents(db, query, since: buffered[^1].Position);
        for (long position = buffered[^1].Position + 1; position <= db.Position; position++)
            Assert.Equal(position, (await resumed.NextAsync()).Position);
    }

    [Fact]
    public async Task Bad_input_is_refused_at_the_call()
    {
        await Put("o1", "{}");
        var query = Query.In("orders");
        var page = await _db.QueryAsync(query.Take(1));
        await Put("o2", "{}");
        page = await _db.QueryAsync(query.Take(1));
        Assert.NotNull(page.Next);
        Assert.Equal(ErrorCodes.InvalidCursor, Assert.Throws<InvalidInputException>(() => _db.LiveQueryAsync(query.After(page.Next))).Code);
        Assert.Equal(ErrorCodes.InvalidCursor, Assert.Throws<InvalidInputException>(() => _db.LiveQueryAsync(query, since: -1)).Code);
        Assert.Equal(ErrorCodes.InvalidCursor, Assert.Throws<InvalidInputException>(() => _db.LiveQueryAsync(query, since: _db.Position + 1)).Code);
        Assert.Equal(ErrorCodes.InvalidAt, Assert.Throws<InvalidInputException>(() => _db.LiveQueryAsync(query.At(ReadPoint.AtPosition(99)))).Code);
    }

    /// <summary>A snapshot read in the past (<c>at</c>) is followed by the deltas since then.</summary>
    [Fact]
    public async Task A_snapshot_in_the_past_is_followed_by_every_delta_since()
    {
        var w1 = await Put("o1", """{"status": "paid"}""");
        await Put("o2", """{"status": "paid"}""");
        await Put("o1", """{"status": "open"}""");
        await using var live = new LiveEvents(_db, Paid.At(ReadPoint.AtPosition(w1.Position)));
        var model = new LiveResult();
        var snapshot = await live.NextAsync();
        Assert.Equal(w1.Position, snapshot.Position);
        Assert.Equal(["o1"], Ids(snapshot.Entered));
        model.Apply(snapshot);
        model.Apply(await live.NextAsync());
        model.Apply(await live.NextAsync());
        model.AssertEquals(await _db.QueryAsync(Paid));
    }

    [Fact]
    public async Task Dropping_the_database_ends_the_events_and_closing_the_replica_ends_them_with_an_error()
    {
        await Put("o1", """{"status": "paid"}""");
        await using (var live = new LiveEvents(_db, Paid))
        {
            await live.NextAsync();
            live.Ask();
            await Put("o2", """{"status": "paid"}""");
            await live.NextAsync();
            await _replica.DropDatabaseAsync("shop");
            await live.EndsAsync();
        }

        var other = await _replica.CreateDatabaseAsync("other");
        await other.PutJsonAsync("c", "d", "{}");
        await using var closing = new LiveEvents(other, Query.In("c"));
        await closing.NextAsync();
        closing.Ask();
        await other.PutJsonAsync("c", "e", "{}");
        await closing.NextAsync();
        await _replica.DisposeAsync();
        await Assert.ThrowsAsync<UnavailableException>(closing.NextAsync);
    }
}

using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;

namespace Causeway.Tests.Invariants;

/// <summary>Bounded counters: each replica spends only the rights it holds, so partitioned replicas
/// can never together take a balance below its minimum; rights move by transfer on request.</summary>
public sealed class BoundedCounterTests
{
    private const string Players = """
        { "collections": { "players": { "fields": { "name": { "type": "string" }, "credits": { "kind": "bcounter", "min": 0 } } } } }
        """;

    private static async Task<TwoReplicas> WithPlayerAsync(long credits, ReplicaOptions? options = null)
    {
        var pair = await TwoReplicas.StartAsync(Players, options);
        await pair.A.PutAsync("players", "p", Doc.Of($$"""{"name": "Ann", "credits": {{credits}}}"""));
        await pair.SyncAsync();
        return pair;
    }

    private static long Credits(Document? doc) => doc!.Fields.Get("credits")!.AsInt();

    [Fact]
    public async Task Partitioned_replicas_cannot_together_spend_below_the_minimum()
    {
        await using var pair = await WithPlayerAsync(100);
        // A made the credits, so A holds the 100 rights; B holds none and fails fast, changing nothing.
        await pair.A.PatchAsync("players", "p", FieldOp.Increment("credits", -70));
        var e = await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -70)));
        Assert.Equal(ErrorCodes.InsufficientRights, e.Code);
        Assert.Equal(new RightsShortage("players", "p", "credits", BoundSide.Lower, 70), e.Shortage);
        Assert.Equal(100, Credits(await pair.B.GetAsync("players", "p")));
        // Past the minimum as A sees it: no right anywhere could allow it, so it is refused at once.
        var past = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PatchAsync("players", "p", FieldOp.Increment("credits", -31)));
        Assert.Contains("below its minimum 0", past.Message);

        await pair.SyncAsync();
        Assert.Equal(30, Credits(await pair.A.GetAsync("players", "p")));
        Assert.Equal(30, Credits(await pair.B.GetAsync("players", "p")));
    }

    [Fact]
    public async Task Increments_give_rights_to_the_replica_that_makes_them()
    {
        await using var pair = await WithPlayerAsync(0);
        await pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", 5));
        await pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -5));
        await pair.A.PatchAsync("players", "p", FieldOp.Increment("credits", 10));   // rights of A's
        await pair.SyncAsync();
        await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -1)));
        // A whole-document write moves the counter by the difference, and is checked the same way.
        await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.PutAsync("players", "p", Doc.Of("""{"name": "Ann", "credits": 4}""")));
        var unset = await Assert.ThrowsAsync<SchemaViolationException>(() => pair.B.PatchAsync("players", "p", FieldOp.Unset("credits")));
        Assert.Contains("rights cannot be reset", unset.Message);
    }

    [Fact]
    public async Task A_write_that_waits_gets_rights_transferred_from_a_connected_peer()
    {
        await using var pair = await WithPlayerAsync(100);
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => pair.A.Peers.List().Any(p => p.State == "live"));

        // Failing fast still asks: the grant arrives for the next try.
        await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -10)));
        using (Database.WaitingForRights(TimeSpan.FromSeconds(10)))
            await pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -40));

        await Eventually.TrueAsync(async () => Credits(await pair.A.GetAsync("players", "p")) == 60);
        var (_, heldByB) = pair.B.Reservations.RightsHeld(new Reservation(Reservation.Rights, "players", "p", "credits", BoundSide.Lower, 1));
        var (_, heldByA) = pair.A.Reservations.RightsHeld(new Reservation(Reservation.Rights, "players", "p", "credits", BoundSide.Lower, 1));
        Assert.True(heldByB >= 0 && heldByA >= 0);
        Assert.Equal(60, heldByA + heldByB);   // rights always add up to value − min
        Assert.True(pair.B.Reservations.Granted >= 1);
        // The transfer is a signed commit of A's, in both ledgers.
        var history = await pair.B.HistoryAsync("players", "p");
        Assert.Contains(history, v => v.Origin == pair.ReplicaA.Did && v.Changes.Any(c => c.Op == "transfer"));
        Assert.True((await pair.B.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Only_the_peer_known_to_hold_the_most_rights_is_asked_so_one_need_is_granted_once()
    {
        // Rights move only when asked here: rebalancing would move them too.
        var asked = new ReplicaOptions { RebalanceInterval = null };
        await using var pair = await WithPlayerAsync(100, asked);
        await using var c = Replica.OpenInMemory(asked);
        var dbC = await c.CreateDatabaseAsync("shop");
        await pair.B.SyncWithAsync(dbC, SyncDirection.Both);
        // C gets rights of its own by raising the balance: A holds 100, C 30, B none.
        await dbC.PatchAsync("players", "p", FieldOp.Increment("credits", 30));
        await pair.B.SyncWithAsync(dbC, SyncDirection.Both);
        await pair.SyncAsync();
        await using var toA = pair.B.Replicate(pair.A);
        await using var toC = pair.B.Replicate(dbC);
        await Eventually.TrueAsync(() => pair.B.Peers.List().Count(p => p.State == "live") == 2);

        using (Database.WaitingForRights(TimeSpan.FromSeconds(10)))
            await pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -10));
        await Eventually.TrueAsync(async () => Credits(await pair.A.GetAsync("players", "p")) == 120 && Credits(await dbC.GetAsync("players", "p")) == 120);
        var transfers = (await pair.B.HistoryAsync("players", "p")).Where(v => v.Changes.Any(ch => ch.Op == "transfer")).ToList();
        var grant = Assert.Single(transfers);
        Assert.Equal(pair.ReplicaA.Did, grant.Origin);
        var (_, heldByC) = dbC.Reservations.RightsHeld(new Reservation(Reservation.Rights, "players", "p", "credits", BoundSide.Lower, 1));
        Assert.Equal(30, heldByC);
    }

    [Fact]
    public async Task A_wait_without_a_reachable_peer_ends_with_insufficient_rights_at_the_timeout()
    {
        await using var pair = await WithPlayerAsync(10);
        using var scope = Database.WaitingForRights(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<InsufficientRightsException>(() => pair.B.PatchAsync("players", "p", FieldOp.Increment("credits", -1)));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(10, Credits(await pair.B.GetAsync("players", "p")));
    }

    /// <summary>Found by the Animal Exchange demo: the home replica must be able to hand on its initial
    /// upper slack over a counter it has no state for, or no other replica could ever raise it.</summary>
    [Fact]
    public async Task The_home_grants_its_initial_upper_rights_over_a_counter_it_holds_no_state_for()
    {
        await using var pair = await TwoReplicas.StartAsync("""{ "collections": { "items": { "fields": { "available": { "kind": "bcounter", "min": 0, "max": 1 } } } } }""");
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => link.Status.State == "live");
        using (Database.WaitingForRights(TimeSpan.FromSeconds(10)))
            await pair.B.PutAsync("items", "i", Doc.Of("""{"available": 1}"""));
        Assert.Equal(1, (await pair.B.GetAsync("items", "i"))!.Fields.Get("available")!.AsInt());
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.B.PatchAsync("items", "i", FieldOp.Increment("available", 1)));
    }

    /// <summary>A change that would take the counter past its bound even with every right in the
    /// database is refused at once as a constraint violation, also inside a wait: no transfer can fix it.</summary>
    [Fact]
    public async Task A_change_past_the_bound_is_a_constraint_violation_at_once_even_when_waiting()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse(Players));
        await db.PutAsync("players", "p", Doc.Of("""{"name": "Ann", "credits": 6}"""));
        using var wait = Database.WaitingForRights(TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAsync<ConstraintViolationException>(() => db.PatchAsync("players", "p", FieldOp.Increment("credits", -7)));
        Assert.Equal(ErrorCodes.ConstraintViolation, e.Code);
        // Not waited on: a write that waits for rights is made again after each wait, and this one was made once.
        int runs = 0;
        await Assert.ThrowsAsync<ConstraintViolationException>(() => db.TransactAsync(tx =>
        {
            runs++;
            tx.Patch("players", "p", FieldOp.Increment("credits", -7));
            return Task.CompletedTask;
        }));
        Assert.Equal(1, runs);
        Assert.Contains("'credits' would be -1, below its minimum 0", e.Message);
        Assert.Equal(6, Credits(await db.GetAsync("players", "p")));
        await db.PatchAsync("players", "p", FieldOp.Increment("credits", -6));   // down to the bound is fine
    }

    /// <summary>Found by the demo: two replicas short of the same rights, asking each other, each give
    /// up at their own timeout (neither waits out the other's relay).</summary>
    [Fact]
    public async Task Two_replicas_waiting_for_the_same_missing_rights_each_give_up_at_their_timeout()
    {
        // The rights are C's, and C is away: A and B hold none and can only ask each other.
        await using var pair = await WithPlayerAsync(0);
        await using var c = Replica.OpenInMemory();
        var dbC = await c.CreateDatabaseAsync("shop");
        await pair.B.SyncWithAsync(dbC, SyncDirection.Both);
        await dbC.PatchAsync("players", "p", FieldOp.Increment("credits", 10));
        await pair.B.SyncWithAsync(dbC, SyncDirection.Both);
        await pair.SyncAsync();
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => link.Status.State == "live");
        async Task<TimeSpan> SpendOneAsync(Database db)
        {
            using var wait = Database.WaitingForRights(TimeSpan.FromMilliseconds(300));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAsync<InsufficientRightsException>(() => db.PatchAsync("players", "p", FieldOp.Increment("credits", -1)));
            return clock.Elapsed;
        }
        var waits = await Task.WhenAll(SpendOneAsync(pair.A), SpendOneAsync(pair.B));
        // Waiting out the other's relay would take at least its RelayTimeout; the margin absorbs a loaded machine.
        Assert.All(waits, w => Assert.True(w < Causeway.Invariants.Reservations.RelayTimeout, $"a 300 ms wait for rights lasted {w.TotalMilliseconds:0} ms"));
    }

    /// <summary>A transaction that waited for rights decides again on what it reads after the wait.</summary>
    [Fact]
    public async Task A_transaction_body_runs_again_after_waiting_for_rights()
    {
        await using var pair = await WithPlayerAsync(100);
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => link.Status.State == "live");
        int runs = 0;
        using (Database.WaitingForRights(TimeSpan.FromSeconds(10)))
            await pair.B.TransactAsync(async tx =>
            {
                runs++;
                var player = await tx.GetAsync("players", "p");
                tx.Patch("players", "p", FieldOp.Increment("credits", -10), FieldOp.Set("seen", Causeway.Values.Value.Int(Credits(player))));
            });
        Assert.True(runs >= 2, $"{runs} runs");
        Assert.Equal(90, Credits(await pair.B.GetAsync("players", "p")));
    }

    [Fact]
    public async Task Rebalancing_moves_rights_toward_the_replica_that_spends_them_without_being_asked()
    {
        var manual = new ReplicaOptions { RebalanceInterval = null };
        await using var a = Replica.OpenInMemory(manual);
        await using var b = Replica.OpenInMemory(manual);
        var dbA = await a.CreateDatabaseAsync("shop");
        var dbB = await b.CreateDatabaseAsync("shop");
        await dbA.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse(Players));
        await dbA.PutAsync("players", "p", Doc.Of("""{"name": "Ann", "credits": 1000}"""));
        await dbA.SyncWithAsync(dbB);
        // B spends (its own small rights: an increment it made), A sees it and has not spent at all.
        await dbB.PatchAsync("players", "p", FieldOp.Increment("credits", 3));
        await dbB.PatchAsync("players", "p", FieldOp.Increment("credits", -3));
        await dbA.SyncWithAsync(dbB);

        Assert.Equal(0, await dbB.Reservations.RebalanceAsync());   // B holds nothing to hand on
        Assert.Equal(1, await dbA.Reservations.RebalanceAsync());
        Assert.True(dbA.Reservations.Rebalanced > 0);
        await dbA.SyncWithAsync(dbB);

        for (int i = 0; i < 10; i++) await dbB.PatchAsync("players", "p", FieldOp.Increment("credits", -50));
        Assert.Equal(0, dbB.Reservations.Asked);                     // never had to ask
        Assert.Equal(500, Credits(await dbB.GetAsync("players", "p")));
        await dbA.SyncWithAsync(dbB);
        Assert.Equal(500, Credits(await dbA.GetAsync("players", "p")));
        Assert.Equal(0, await dbA.Reservations.RebalanceAsync());   // nothing new was spent
    }
}

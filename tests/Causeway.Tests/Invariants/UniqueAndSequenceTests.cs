using Causeway.Errors;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Tests.Support;

namespace Causeway.Tests.Invariants;

/// <summary>Unique values and sequence ids by reservation: one replica at a time may hand out a value
/// (or a block of numbers); the others ask it, and fail with reservation_unavailable rather than risk
/// a duplicate when it cannot be reached.</summary>
public sealed class UniqueAndSequenceTests
{
    private const string Schema = """
        { "collections": {
            "players":   { "fields": { "name": { "type": "string", "required": true } }, "unique": [ ["name"] ] },
            "purchases": { "id": "sequence", "fields": { "note": { "type": "string" } } } } }
        """;

    private static async Task<int> CountNamedAsync(Database db, string name)
        => (await db.QueryAsync(Query.In("players").Where(Pred.Eq("name", Causeway.Values.Value.String(name))))).Documents.Count;

    [Fact]
    public async Task The_home_replica_hands_out_values_and_refuses_a_duplicate()
    {
        await using var pair = await TwoReplicas.StartAsync(Schema);
        await pair.A.PutAsync("players", "p1", Doc.Of("""{"name": "Ann"}"""));
        var duplicate = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PutAsync("players", "p2", Doc.Of("""{"name": "Ann"}""")));
        Assert.Contains("already used by players/p1", duplicate.Message);
        // Renaming frees the old value; updating other fields of a document keeps its own.
        await pair.A.PutAsync("players", "p1", Doc.Of("""{"name": "Anna"}"""));
        await pair.A.PutAsync("players", "p2", Doc.Of("""{"name": "Ann"}"""));
        await pair.A.PutAsync("players", "p1", Doc.Of("""{"name": "Anna", "level": 2}"""));
        // A deleted document gives its value up, and keeps no claim if it is brought back.
        await pair.A.DeleteAsync("players", "p2");
        await pair.A.PutAsync("players", "p3", Doc.Of("""{"name": "Ann"}"""));
        Assert.Equal(1, await CountNamedAsync(pair.A, "Ann"));
    }

    [Fact]
    public async Task A_new_unique_constraint_reports_the_duplicates_already_stored()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.PutAsync("players", "a", Doc.Of("""{"name": "Ann"}"""));
        await db.PutAsync("players", "b", Doc.Of("""{"name": "Ann"}"""));
        await db.PutAsync("players", "c", Doc.Of("""{"name": "Cy"}"""));
        var info = await db.SetSchemaAsync(SchemaJson.Parse(Schema));
        var duplicate = Assert.Single(info.Violations);
        Assert.Equal("b", duplicate.Id);
        Assert.Contains("also used by players/a", duplicate.Problem);
    }

    [Fact]
    public async Task Values_stored_before_the_constraint_are_claimed_and_later_versions_keep_reservations_and_ranges()
    {
        await using var pair = await TwoReplicas.StartAsync();
        await pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Ann"}"""));
        await pair.A.SetSchemaAsync(SchemaJson.Parse(Schema));
        // "Ann" was stored before the constraint: it is claimed, so no new document takes it.
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PutAsync("players", "b", Doc.Of("""{"name": "Ann"}""")));
        await pair.A.HandOutValueRangeAsync("players", ["name"], "0-f", pair.ReplicaB.Did);
        await pair.SyncAsync();
        await pair.B.PutAsync("players", "c", Doc.Of("""{"name": "Cy"}"""));

        // Version 2 puts a new tuple first: the name's reservations and ranges stay where they were.
        const string second = """
            { "collections": { "players": { "fields": { "name": { "type": "string", "required": true }, "email": { "type": "string" } },
                                            "unique": [ ["email"], ["name"] ] } } }
            """;
        await pair.A.SetSchemaAsync(SchemaJson.Parse(second));
        await pair.SyncAsync();
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.B.PutAsync("players", "d", Doc.Of("""{"name": "Cy"}""")));
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.PutAsync("players", "e", Doc.Of("""{"name": "Ann"}""")));
        await pair.B.PutAsync("players", "f", Doc.Of("""{"name": "Flo"}"""));
        // The new tuple's values are the home's: B must ask for an email, A for a name.
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.PutAsync("players", "f", Doc.Of("""{"name": "Flo", "email": "flo@example.com"}""")));
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.A.PutAsync("players", "g", Doc.Of("""{"name": "Gus", "email": "gus@example.com"}""")));
        await pair.SyncAsync();
        Assert.Equal(1, await CountNamedAsync(pair.A, "Ann"));
        Assert.Equal(1, await CountNamedAsync(pair.A, "Cy"));
        Assert.Empty((await pair.A.GetSchemaAsync()).Violations);
    }

    [Fact]
    public async Task Partitioned_replicas_never_both_use_a_value()
    {
        await using var pair = await TwoReplicas.StartAsync(Schema);
        await pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Cat"}"""));
        var offline = await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.PutAsync("players", "b", Doc.Of("""{"name": "Cat"}""")));
        Assert.Equal(ErrorCodes.ReservationUnavailable, offline.Code);
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.PutAsync("players", "b", Doc.Of("""{"name": "Dog"}""")));
        Assert.Null(await pair.B.GetAsync("players", "b"));
        await pair.SyncAsync();
        Assert.Equal(1, await CountNamedAsync(pair.B, "Cat"));
        Assert.Equal(0, await CountNamedAsync(pair.B, "Dog"));
    }

    [Fact]
    public async Task A_connected_replica_gets_the_value_handed_over_and_then_holds_it()
    {
        await using var pair = await TwoReplicas.StartAsync(Schema);
        await using var link = pair.A.Replicate(pair.B);
        await Eventually.TrueAsync(() => pair.A.Peers.List().Any(p => p.State == "live"));

        await pair.B.PutAsync("players", "b", Doc.Of("""{"name": "Bob"}"""));          // asked A, which handed "Bob" over
        var taken = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Bob"}""")));
        Assert.Contains("players/b", taken.Message);                                     // A asked B, which uses it
        await pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Al"}"""));
        await Eventually.TrueAsync(async () => await pair.B.GetAsync("players", "a") is not null);
        Assert.Equal(1, await CountNamedAsync(pair.A, "Bob"));
        Assert.True((await pair.B.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_range_of_values_handed_out_in_advance_is_used_without_asking()
    {
        await using var pair = await TwoReplicas.StartAsync(Schema);
        var refused = await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.HandOutValueRangeAsync("players", ["name"], "0-f", pair.ReplicaA.Did));
        Assert.Contains("home replica", refused.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => pair.A.HandOutValueRangeAsync("players", ["name"], "g", pair.ReplicaB.Did));
        await Assert.ThrowsAsync<InvalidInputException>(() => pair.A.HandOutValueRangeAsync("players", ["nick"], "0", pair.ReplicaB.Did));
        await pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Ann"}"""));
        await pair.A.HandOutValueRangeAsync("players", ["name"], "0-f", pair.ReplicaB.Did);
        await pair.SyncAsync();

        // Partitioned again: B gives new names on its own; A no longer can, but keeps the one it used.
        await pair.B.PutAsync("players", "b", Doc.Of("""{"name": "Bob"}"""));
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.A.PutAsync("players", "c", Doc.Of("""{"name": "Cy"}""")));
        await pair.A.PutAsync("players", "a", Doc.Of("""{"name": "Ann", "level": 1}"""));
        await Assert.ThrowsAsync<ReservationUnavailableException>(() => pair.B.PutAsync("players", "x", Doc.Of("""{"name": "Ann"}""")));
        await pair.SyncAsync();
        Assert.Equal(1, await CountNamedAsync(pair.A, "Bob"));
        Assert.Equal(1, await CountNamedAsync(pair.B, "Ann"));
    }

    [Fact]
    public async Task Sequence_ids_are_dense_blocks_from_the_home_replica_and_survive_restarts()
    {
        using var folder = new TempFolder();
        string pathA = Path.Combine(folder.Path, "a");
        var options = new ReplicaOptions { RebalanceInterval = null };
        string[] first;
        await using (var a = await Replica.OpenAsync(pathA, options))
        {
            var db = await a.CreateDatabaseAsync("shop");
            await db.SetSchemaAsync(SchemaJson.Parse(Schema));
            first = [(await db.CreateAsync("purchases", Doc.Of("{}"))).Id, (await db.CreateAsync("purchases", Doc.Of("{}"))).Id];
            var explicitId = await Assert.ThrowsAsync<SchemaViolationException>(() => db.PutAsync("purchases", "77", Doc.Of("{}")));
            Assert.Contains("generated (sequence)", explicitId.Message);
        }
        Assert.Equal(["1", "2"], first);

        await using var reopened = await Replica.OpenAsync(pathA, options);
        var home = reopened.GetDatabase("shop");
        Assert.Equal("3", (await home.CreateAsync("purchases", Doc.Of("{}"))).Id);   // never 1 or 2 again

        await using var b = Replica.OpenInMemory(options);
        var other = await b.CreateDatabaseAsync("shop");
        await home.SyncWithAsync(other);   // the home hands the replica it syncs with a block, in that same sync
        var ids = new List<long>();
        for (int i = 0; i < 3; i++) ids.Add(long.Parse((await other.CreateAsync("purchases", Doc.Of("{}"))).Id));
        Assert.Equal([101, 102, 103], ids);                                              // B's block, used while apart
        await home.SyncWithAsync(other);
        Assert.Equal(6, (await home.QueryAsync(Query.In("purchases"))).Documents.Count);

        // A replica that used up its block and never synced again has to reach the home.
        for (int i = 0; i < 97; i++) await other.CreateAsync("purchases", Doc.Of("{}"));
        var unreachable = await Assert.ThrowsAsync<ReservationUnavailableException>(() => other.CreateAsync("purchases", Doc.Of("{}")));
        Assert.Contains("home replica", unreachable.Message);
    }

    /// <summary>With background work on, a replica that runs below the low-water mark asks the home for
    /// its next block while it still has ids, so a partition that starts then does not stop it.</summary>
    [Fact]
    public async Task A_replica_below_the_low_water_mark_gets_its_next_block_before_it_runs_out()
    {
        await using var pair = await TwoReplicas.StartAsync(Schema);   // the sync hands B a block of 100
        var ids = new HashSet<string>();
        await using (var link = pair.A.Replicate(pair.B))
        {
            await Eventually.TrueAsync(() => pair.A.Peers.List().Any(p => p.State == "live"));
            for (int i = 0; i < 60; i++) Assert.True(ids.Add((await pair.B.CreateAsync("purchases", Doc.Of("{}"))).Id));
            // 40 left, below the mark: the next block is asked for and arrives without a write waiting for it.
            await Eventually.TrueAsync(() => Causeway.Invariants.SequenceRules.Load(
                pair.B.Stored.ReadVersion(Causeway.Schemas.SystemCollections.Sequences, "purchases", pair.B.Position)?.State, pair.ReplicaB.Did).Remaining >= 100);
        }
        // Apart now: the 40 left and the new block's 100 all work.
        for (int i = 0; i < 140; i++) Assert.True(ids.Add((await pair.B.CreateAsync("purchases", Doc.Of("{}"))).Id));
        await pair.SyncAsync();
        Assert.Equal(140 + 60, (await pair.A.QueryAsync(Query.In("purchases").Take(1000))).Documents.Count);
    }
}

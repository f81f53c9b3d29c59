using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Replication;
using Causeway.Tests.Support;
using Causeway.Values;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Mapping;

[Collection("pantries")]
public sealed class Pantry
{
    public string? Id { get; set; }
    public Dictionary<string, long> Counts { get; set; } = [];
    public Dictionary<string, string?> Notes { get; set; } = [];
}

/// <summary>A <c>Dictionary&lt;string, T&gt;</c> of scalars is a nested map, one <c>lww</c> value per
/// key: a save writes only the entries that changed, so different keys merge across replicas.</summary>
public sealed class DictionaryMappingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Pantry));

    [Fact]
    public async Task A_dictionary_is_a_nested_map_and_a_save_writes_only_the_entries_that_changed()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Pantry { Id = "home", Counts = new() { ["flour"] = 2, ["salt"] = 1 }, Notes = new() { ["flour"] = "rye", ["salt"] = null } });
        await session.SaveChangesAsync();
        Assert.Equal(ValueJson.Parse("""{"counts": {"flour": 2, "salt": 1}, "notes": {"flour": "rye"}}"""), (await db.GetAsync("pantries", "home"))!.Fields);

        var edit = db.OpenSession(Model);
        var home = (await edit.LoadAsync<Pantry>("home"))!;
        Assert.Equal(new Dictionary<string, long> { ["flour"] = 2, ["salt"] = 1 }, home.Counts);
        Assert.Equal(new Dictionary<string, string?> { ["flour"] = "rye" }, home.Notes);
        Assert.Empty(edit.ChangesOf(home));
        home.Counts["flour"] = 3;
        home.Counts.Remove("salt");
        home.Counts["yeast"] = 1;
        Assert.Equal(["set counts.flour 3", "set counts.yeast 1", "unset counts.salt"],
            edit.ChangesOf(home).Select(op => $"{FieldOp.WireName(op.Kind)} {op.Path}{(op.Value is { } v ? $" {v}" : "")}"));
        await edit.SaveChangesAsync();

        var again = (await db.OpenSession(Model).LoadNoTrackingAsync<Pantry>("home"))!;
        Assert.Equal(new Dictionary<string, long> { ["flour"] = 3, ["yeast"] = 1 }, again.Counts);
    }

    [Fact]
    public async Task Two_replicas_that_change_different_keys_at_once_both_keep_their_change()
    {
        await using var replicaA = Replica.OpenInMemory();
        await using var replicaB = Replica.OpenInMemory();
        var dbA = await replicaA.CreateDatabaseAsync("kitchen");
        var dbB = await replicaB.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(dbA);
        var create = dbA.OpenSession(Model);
        create.Store(new Pantry { Id = "home", Counts = new() { ["flour"] = 2, ["salt"] = 1 } });
        await create.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        var onA = dbA.OpenSession(Model);
        (await onA.LoadAsync<Pantry>("home"))!.Counts["flour"] = 5;
        var onB = dbB.OpenSession(Model);
        var homeB = (await onB.LoadAsync<Pantry>("home"))!;
        homeB.Counts.Remove("salt");
        homeB.Counts["sugar"] = 4;
        await onA.SaveChangesAsync();
        await onB.SaveChangesAsync();
        await dbA.SyncWithAsync(dbB, SyncDirection.Both);

        foreach (var db in new[] { dbA, dbB })
            Assert.Equal(new Dictionary<string, long> { ["flour"] = 5, ["sugar"] = 4 }, (await db.OpenSession(Model).LoadNoTrackingAsync<Pantry>("home"))!.Counts);
    }

    [Fact]
    public async Task A_query_reads_a_dictionary_entry_by_its_key()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Pantry { Id = "home", Counts = new() { ["flour"] = 2, ["salt"] = 1 }, Notes = new() { ["flour"] = "rye" } });
        session.Store(new Pantry { Id = "cabin", Counts = new() { ["flour"] = 5 }, Notes = new() { ["flour"] = "wheat" } });
        session.Store(new Pantry { Id = "boat" });
        await session.SaveChangesAsync();
        var read = db.OpenSession(Model);
        async Task<string[]> Ids(TypedQuery<Pantry> query) => [.. (await query.ToListAsync()).Select(p => p.Id!)];

        Assert.Equal(["cabin"], await Ids(read.Query<Pantry>().Where(p => p.Counts["flour"] > 2)));
        // One shape, two keys: each query reads its own key.
        foreach (var (key, expected) in new[] { ("salt", new[] { "home" }), ("flour", new[] { "cabin", "home" }) })
            Assert.Equal(expected, await Ids(read.Query<Pantry>().Where(p => p.Counts[key] >= 1).OrderBy(p => p.Id)));
        Assert.Equal(["home"], await Ids(read.Query<Pantry>().Where(p => p.Notes["flour"]!.StartsWith("r"))));
        Assert.Equal(["cabin", "home"], await Ids(read.Query<Pantry>().Where(p => p.Counts["flour"] > 0).OrderByDescending(p => p.Counts["flour"])));
        Assert.Equal(["boat"], await Ids(read.Query<Pantry>().Where(p => p.Notes["flour"] == null)));

        string bad = "a.b";
        var refused = Assert.Throws<UntranslatableQueryException>(() => read.Query<Pantry>().Where(p => p.Counts[bad] == 1).ToQuery());
        Assert.Contains("a dictionary key is a field name", refused.Message);
    }

    [Fact]
    public async Task A_key_that_is_no_field_name_and_a_dictionary_that_does_not_map_are_refused()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("kitchen");
        var session = db.OpenSession(Model);
        session.Store(new Pantry { Id = "bad", Counts = new() { ["a.b"] = 1 } });
        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => session.SaveChangesAsync());
        Assert.Contains("Pantry.Counts: a key is a field name", refused.Message);
        Assert.Null(await db.GetAsync("pantries", "bad"));

        var byNumber = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(ByNumber)));
        Assert.Contains("ByNumber.Names is a Dictionary`2, which does not map: a dictionary's keys are strings", byNumber.Message);

        await db.PutAsync("pantries", "flat", ValueJson.Parse("""{"counts": {"flour": "two"}}"""));
        Assert.Contains("Pantry.Counts", (await Assert.ThrowsAsync<TypeMismatchException>(() => db.OpenSession(Model).LoadAsync<Pantry>("flat"))).Message);
    }

    private sealed class ByNumber
    {
        public string? Id { get; set; }
        public Dictionary<int, string> Names { get; set; } = [];
    }
}

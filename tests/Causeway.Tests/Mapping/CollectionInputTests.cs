using Causeway.Models;
using Causeway.Tests.Support;

namespace Causeway.Tests.Mapping;

/// <summary>A changeset casts a JSON list into a list or array property and a JSON object into a
/// dictionary, each element as its scalar, and says in a form's words what is wrong.</summary>
public sealed class CollectionInputTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Recipe), typeof(Pantry));

    [Fact]
    public async Task A_cast_list_and_dictionary_are_saved_and_read_back()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(db);

        var recipe = Changeset.For(new Recipe { Id = "bread" }, Model)
            .Cast("""{ "steps": ["mix", "bake"], "sizes": [2, "3"], "history": ["Packed", "Shipped"] }""", "steps", "sizes", "history");
        var pantry = Changeset.For(new Pantry { Id = "home" }, Model)
            .Cast("""{ "counts": { "flour": 2, "salt": "1" }, "notes": { "flour": "rye", "salt": null } }""", "counts", "notes");
        Assert.True(recipe.IsValid, string.Join("; ", recipe.Errors));
        Assert.True(pantry.IsValid, string.Join("; ", pantry.Errors));
        Assert.True((await db.OpenSession(Model).SaveChangesAsync([recipe, pantry])).Saved);

        var read = db.OpenSession(Model);
        var bread = (await read.LoadNoTrackingAsync<Recipe>("bread"))!;
        Assert.Equal(["mix", "bake"], bread.Steps);
        Assert.Equal([2, 3], bread.Sizes!);
        Assert.Equal([ParcelStatus.Packed, ParcelStatus.Shipped], bread.History);
        var home = (await read.LoadNoTrackingAsync<Pantry>("home"))!;
        Assert.Equal(new Dictionary<string, long> { ["flour"] = 2, ["salt"] = 1 }, home.Counts);
        Assert.Equal(new Dictionary<string, string?> { ["flour"] = "rye" }, home.Notes);
    }

    [Fact]
    public void Wrong_input_is_an_error_on_the_property()
    {
        string[] Errors<T>(T entity, string json, params string[] permitted) where T : class
            => [.. Changeset.For(entity, Model).Cast(json, permitted).Errors.Select(e => $"{e.Path}: {e.Message}")];

        Assert.Equal(["steps: must be a list"], Errors(new Recipe { Id = "r" }, """{ "steps": "mix" }""", "steps"));
        Assert.Equal(["sizes: element 2 must be a whole number"], Errors(new Recipe { Id = "r" }, """{ "sizes": [1, "two"] }""", "sizes"));
        Assert.Equal(["steps: element 1 can't be blank"], Errors(new Recipe { Id = "r" }, """{ "steps": [null] }""", "steps"));
        Assert.Equal(["history: element 1 must be one of Packed, Shipped, Delivered, Returned"], Errors(new Recipe { Id = "r" }, """{ "history": ["Lost"] }""", "history"));
        Assert.Equal(["counts: must be an object"], Errors(new Pantry { Id = "p" }, """{ "counts": [1] }""", "counts"));
        Assert.Equal(["counts: entry 'flour' must be a whole number"], Errors(new Pantry { Id = "p" }, """{ "counts": { "flour": "lots" } }""", "counts"));
        Assert.Equal(["counts: has a key that is not a field name ('a.b')"], Errors(new Pantry { Id = "p" }, """{ "counts": { "a.b": 1 } }""", "counts"));
    }
}

using Causeway.Errors;
using Causeway.Models;
using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Mapping;

[Collection("recipes")]
public sealed class Recipe
{
    public string? Id { get; set; }
    public List<string> Steps { get; set; } = [];
    public int[]? Sizes { get; set; }
    public List<ParcelStatus> History { get; set; } = [];
}

/// <summary>A <c>List&lt;T&gt;</c> or <c>T[]</c> of scalars is one <c>lww</c> array value: stored in
/// order, loaded back equal, written again whole when anything in it changes.</summary>
public sealed class ListMappingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Recipe));

    [Fact]
    public async Task A_list_and_an_array_are_stored_in_order_and_load_back()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(db);
        Assert.Equal(Causeway.Schemas.ValueType.Array, Model.Schema.Collections["recipes"].Fields["steps"].Type);
        Assert.Equal("lww", Model.Schema.Collections["recipes"].Fields["steps"].Kind);

        var session = db.OpenSession(Model);
        session.Store(new Recipe { Id = "bread", Steps = ["mix", "knead", "bake", "knead"], Sizes = [3, 1, 2], History = [ParcelStatus.Packed] });
        session.Store(new Recipe { Id = "water" });
        await session.SaveChangesAsync();

        var stored = (await db.GetAsync("recipes", "bread"))!;
        Assert.Equal(ValueJson.Parse("""["mix", "knead", "bake", "knead"]"""), stored["steps"]);
        Assert.Equal(ValueJson.Parse("""["Packed"]"""), stored["history"]);
        Assert.Null((await db.GetAsync("recipes", "water"))!["sizes"]);   // a null array is no field

        var edit = db.OpenSession(Model);
        var bread = (await edit.LoadAsync<Recipe>("bread"))!;
        Assert.Equal(["mix", "knead", "bake", "knead"], bread.Steps);
        Assert.Equal([3, 1, 2], bread.Sizes!);
        Assert.Equal([ParcelStatus.Packed], bread.History);
        Assert.Empty(edit.ChangesOf(bread));
        bread.Steps.Insert(0, "weigh");                 // changed in place: the whole list is written again
        var op = Assert.Single(edit.ChangesOf(bread));
        Assert.Equal(ValueJson.Parse("""["weigh", "mix", "knead", "bake", "knead"]"""), op.Value);
        bread.Sizes = null;
        await edit.SaveChangesAsync();

        var again = (await db.OpenSession(Model).LoadNoTrackingAsync<Recipe>("bread"))!;
        Assert.Equal(["weigh", "mix", "knead", "bake", "knead"], again.Steps);
        Assert.Null(again.Sizes);
        var water = (await db.OpenSession(Model).LoadNoTrackingAsync<Recipe>("water"))!;
        Assert.Empty(water.Steps);
        Assert.Null(water.Sizes);
    }

    [Fact]
    public async Task A_query_finds_an_element_of_a_list_with_Contains()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("kitchen");
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Recipe { Id = "bread", Steps = ["mix", "bake"], Sizes = [1, 2] });
        session.Store(new Recipe { Id = "salad", Steps = ["chop", "mix"], Sizes = [3] });
        await session.SaveChangesAsync();

        var read = db.OpenSession(Model);
        Assert.Equal(["bread", "salad"], (await read.Query<Recipe>().Where(r => r.Steps.Contains("mix")).OrderBy(r => r.Id).ToListAsync()).Select(r => r.Id));
        Assert.Equal(["salad"], (await read.Query<Recipe>().Where(r => r.Sizes!.Contains(3)).ToListAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task A_stored_value_that_is_not_a_list_of_the_element_type_is_a_type_mismatch()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("kitchen");
        await db.PutAsync("recipes", "odd", ValueJson.Parse("""{"sizes": ["three"]}"""));
        await db.PutAsync("recipes", "flat", ValueJson.Parse("""{"steps": "mix"}"""));
        foreach (var id in new[] { "odd", "flat" })
            Assert.Contains("Recipe.", (await Assert.ThrowsAsync<TypeMismatchException>(() => db.OpenSession(Model).LoadAsync<Recipe>(id))).Message);
    }

    /// <summary>The codec: any list of any scalar element type comes back from its stored form equal,
    /// in order, with its repeats.</summary>
    [Fact]
    public void The_list_codec_round_trips_any_list()
    {
        Gen.Long.List[0, 8].Sample(list => Assert.Equal(list, ScalarCodec<List<long>>.Decode(ScalarCodec<List<long>>.Encode(list)!)));
        Gen.String.Array[0, 8].Sample(array => Assert.Equal(array, ScalarCodec<string[]>.Decode(ScalarCodec<string[]>.Encode(array)!)));
        Gen.Double.Array[0, 8].Sample(array => Assert.Equal(array, ScalarCodec<double[]>.Decode(ScalarCodec<double[]>.Encode(array)!)));
        Gen.Enum<ParcelStatus>().List[0, 8].Sample(list => Assert.Equal(list, ScalarCodec<List<ParcelStatus>>.Decode(ScalarCodec<List<ParcelStatus>>.Encode(list)!)));
        Gen.Int.Array[0, 8].Sample(array =>
        {
            var stored = ScalarCodec<int[]>.Encode(array)!;
            Assert.Equal(array.Length, stored.AsArray().Count);
            Assert.Equal(array.Select(i => (long)i), stored.AsArray().Select(v => v.AsInt()));
        });
    }
}

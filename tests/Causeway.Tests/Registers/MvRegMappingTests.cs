using Causeway.Errors;
using Causeway.Models;
using Causeway.Schemas;

namespace Causeway.Tests.Registers;

/// <summary>What an <see cref="MvReg{T}"/> property maps to, without a database.</summary>
public sealed class MvRegMappingTests
{
    [Fact]
    public void MvReg_a_property_of_type_MvReg_is_an_mvreg_field_without_the_attribute()
    {
        var expected = SchemaJson.ToJson(SchemaJson.Parse("""
            { "collections": { "listings": { "fields": {
                "title": { "kind": "mvreg", "type": "string" },
                "rank": { "kind": "mvreg", "type": "integer" },
                "note": { "kind": "mvreg", "type": "string" },
                "price": { "kind": "mvreg", "type": "number" },
                "summary": { "kind": "lww", "type": "string" },
                "views": { "kind": "counter" },
                "tags": { "kind": "awset", "type": "string" },
                "place.city": { "kind": "lww", "type": "string" },
                "place.zip": { "kind": "lww", "type": "string" } } } } }
            """));
        Assert.Equal(expected, TwoReplicas.Model.ToSchemaJson());
    }

    [Fact]
    public void MvReg_of_a_non_scalar_is_refused_when_the_model_is_built()
    {
        var refused = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(ObjectRegister)));
        Assert.Equal("ObjectRegister.Home is a MvReg`1, which does not map: a register's values are scalars (string, bool, int, long, double, decimal, DateTimeOffset, byte[], Guid, Ref<T>, enums (and nullable ones), not nullable).", refused.Message);
    }

    [Fact]
    public void MvReg_in_memory_Set_replaces_every_value_and_Clear_leaves_none()
    {
        var title = new MvReg<string>();
        Assert.Empty(title.Values);
        Assert.Null(title.Value);
        Assert.False(title.IsConflicted);
        title.Set("Lamp");
        Assert.Equal(["Lamp"], title.Values);
        Assert.Equal("Lamp", title.Value);
        Assert.True(title.Contains("Lamp"));
        Assert.Equal("Lamp", title.ToString());
        title.Clear();
        Assert.Empty(title.Values);
        Assert.False(title.Contains("Lamp"));
        Assert.Throws<ArgumentNullException>(() => title.Set(null!));
    }

    [Fact]
    public void MvReg_a_changeset_casts_a_register_to_its_value_type_and_leaves_the_object_alone()
    {
        var lamp = new Listing { Id = "lamp" };
        var cast = Changeset.For(lamp, TwoReplicas.Model).Cast("""{ "title": "Lamp", "rank": "12", "summary": "brass" }""", "title", "rank");
        Assert.Equal(["summary"], cast.Ignored);
        Assert.Equal("Lamp", cast.Changes["title"]);
        Assert.Equal(12L, cast.ValueOf(l => l.Rank));
        Assert.Empty(lamp.Title.Values);
        Assert.Equal(["Rank is a MvReg<Int64>; a length is validated on text, a register of text or a set."], [Assert.Throws<InvalidInputException>(() => cast.ValidateLength(l => l.Rank, min: 1)).Message]);
        Assert.Equal("Title is a MvReg<String>; a range is validated on a number, a counter or a register of numbers.", Assert.Throws<InvalidInputException>(() => cast.ValidateRange(l => l.Title, min: 1)).Message);
    }
}

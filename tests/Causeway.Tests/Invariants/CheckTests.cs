using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Tests.Invariants;

/// <summary>Check constraints on one document: the fields a check reads are written as one group,
/// so whichever concurrent write wins a merge, the check holds.</summary>
public sealed class CheckTests
{
    private const string Items = """
        { "collections": { "items": {
            "fields": { "price": { "type": "number" }, "discounted_price": { "type": "number" }, "name": { "type": "string" } },
            "checks": [ { "name": "discount_below_price", "expr": "discounted_price > 0 and price > discounted_price" } ] } } }
        """;

    [Fact]
    public async Task Concurrent_writes_of_two_fields_of_one_check_never_merge_into_a_violation()
    {
        await using var pair = await TwoReplicas.StartAsync(Items);
        await pair.A.PutAsync("items", "i", Doc.Of("""{"price": 20, "discounted_price": 10, "name": "fox"}"""));
        await pair.SyncAsync();

        await pair.A.PatchAsync("items", "i", FieldOp.Set("price", Value.Int(12)));             // fine alone: 12 > 10
        await pair.B.PatchAsync("items", "i", FieldOp.Set("discounted_price", Value.Int(15)));  // fine alone: 20 > 15
        await pair.B.PatchAsync("items", "i", FieldOp.Set("name", Value.String("red fox")));    // outside the group
        await pair.SyncAsync();

        var a = (await pair.A.GetAsync("items", "i"))!.Fields;
        var b = (await pair.B.GetAsync("items", "i"))!.Fields;
        Assert.Equal(a, b);
        double price = a.Get("price")!.AsInt(), discount = a.Get("discounted_price")!.AsInt();
        Assert.True(discount > 0 && price > discount, $"merged into price {price}, discount {discount}");
        Assert.Contains((price, discount), new[] { (12.0, 10.0), (20.0, 15.0) });  // one write won whole
        Assert.Equal("red fox", a.Get("name")!.AsString());
    }

    [Fact]
    public async Task Every_write_is_checked()
    {
        await using var pair = await TwoReplicas.StartAsync(Items);
        var e = await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PutAsync("items", "i", Doc.Of("""{"price": 5, "discounted_price": 10}""")));
        Assert.Contains("discount_below_price", e.Message);
        Assert.Equal(ErrorCodes.ConstraintViolation, e.Code);
        await pair.A.PutAsync("items", "i", Doc.Of("""{"price": 20, "discounted_price": 10}"""));
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PatchAsync("items", "i", FieldOp.Set("discounted_price", Value.Int(0))));
        await Assert.ThrowsAsync<ConstraintViolationException>(() => pair.A.PatchAsync("items", "i", FieldOp.Set("price", Value.Int(10))));
        Assert.Equal(20, (await pair.A.GetAsync("items", "i"))!.Fields.Get("price")!.AsInt());
        // Unknown is not false (SQL semantics): a document without the fields passes.
        await pair.A.PutAsync("items", "j", Doc.Of("""{"name": "no price yet"}"""));
    }
}

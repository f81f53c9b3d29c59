using Causeway.Errors;
using Causeway.Models;
using Causeway.Tests.Support;
using Causeway.Values;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Mapping;

[Collection("shipments")]
public sealed record Shipment(string? Id, string Carrier, ParcelStatus Status, Destination? To)
{
    // Computed by the constructor: it shows which arguments the constructor was given.
    [Ignore] public string Label { get; } = $"{Id}: {Carrier}";

    public Counter Scans { get; init; } = new();
}

public sealed record Destination(string City, string? Zip);

/// <summary>A record with a positional constructor and no parameterless one maps: a load calls that
/// constructor with the stored values and the id, then fills in the other properties.</summary>
public sealed class RecordMappingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Shipment));

    [Fact]
    public async Task A_positional_record_is_stored_and_loaded_through_its_constructor()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("post");
        await Model.ApplyAsync(db);
        var session = db.OpenSession(Model);
        session.Store(new Shipment("s1", "Posten", ParcelStatus.Shipped, new Destination("Oslo", "0150")) { Scans = new Counter(2) });
        session.Store(new Shipment("s2", "Bring", ParcelStatus.Packed, null));
        await session.SaveChangesAsync();
        Assert.Equal(ValueJson.Parse("""{"carrier": "Posten", "scans": 2, "status": "Shipped", "to": {"city": "Oslo", "zip": "0150"}}"""), (await db.GetAsync("shipments", "s1"))!.Fields);

        var edit = db.OpenSession(Model);
        var s1 = (await edit.LoadAsync<Shipment>("s1"))!;
        Assert.Equal(("s1", "Posten", ParcelStatus.Shipped, new Destination("Oslo", "0150"), 2L), (s1.Id, s1.Carrier, s1.Status, s1.To, s1.Scans.Value));
        Assert.Equal("s1: Posten", s1.Label);
        s1.Scans.Increment();                            // the record's mutable parts are tracked as any object's
        Assert.Single(edit.ChangesOf(s1));
        await edit.SaveChangesAsync();

        var s2 = (await db.OpenSession(Model).LoadNoTrackingAsync<Shipment>("s2"))!;
        Assert.Equal(("Bring", (Destination?)null, "s2: Bring"), (s2.Carrier, s2.To, s2.Label));

        // A record is changed by storing a copy (with) under its id in a new session: a put of the whole object.
        var replace = db.OpenSession(Model);
        replace.Store(s2 with { Status = ParcelStatus.Delivered, To = new Destination("Bergen", null) });
        await replace.SaveChangesAsync();
        var read = db.OpenSession(Model);
        Assert.Equal(3, (await read.LoadNoTrackingAsync<Shipment>("s1"))!.Scans.Value);
        Assert.Equal(["s2"], (await read.Query<Shipment>().Where(s => s.Status == ParcelStatus.Delivered && s.To!.City == "Bergen").ToListAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task A_changeset_fills_a_positional_record_and_makes_its_nested_one()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("post");
        await Model.ApplyAsync(db);
        var changeset = Changeset.For(new Shipment("s3", "Posten", ParcelStatus.Packed, null), Model)
            .Cast("""{ "status": "Shipped", "to": { "city": "Oslo" } }""", "status", "to");
        Assert.True(changeset.IsValid, string.Join("; ", changeset.Errors));
        Assert.True((await db.OpenSession(Model).SaveChangesAsync(changeset)).Saved);

        var s3 = (await db.OpenSession(Model).LoadNoTrackingAsync<Shipment>("s3"))!;
        Assert.Equal(("Posten", ParcelStatus.Shipped, new Destination("Oslo", null)), (s3.Carrier, s3.Status, s3.To));
    }

    [Fact]
    public async Task A_stored_value_the_constructor_cannot_take_is_a_type_mismatch()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("post");
        await db.PutAsync("shipments", "bad", ValueJson.Parse("""{"carrier": "Posten", "status": "Lost"}"""));
        var refused = await Assert.ThrowsAsync<TypeMismatchException>(() => db.OpenSession(Model).LoadAsync<Shipment>("bad"));
        Assert.Contains("Shipment.Status", refused.Message);
    }

    [Fact]
    public void A_class_with_no_constructor_to_load_through_is_refused_when_the_model_is_built()
    {
        var refused = Assert.Throws<InvalidInputException>(() => DocumentModel.Of(typeof(Sealed)));
        Assert.Equal("Sealed needs a public parameterless constructor, or one whose parameters are its properties (a positional record), to be loaded.", refused.Message);
    }

    private sealed class Sealed(int code)
    {
        public string? Id { get; set; }
        public string Code { get; set; } = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

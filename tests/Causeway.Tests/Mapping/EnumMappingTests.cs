using Causeway.Errors;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Mapping;

public enum ParcelStatus { Packed, Shipped, Delivered, Returned }

[Flags]
public enum Handling { None = 0, Fragile = 1, Gift = 2, Heavy = 4 }

[Collection("parcels")]
public sealed class Parcel
{
    public string? Id { get; set; }
    public ParcelStatus Status { get; set; }
    public ParcelStatus? Previous { get; set; }
    public Handling Handling { get; set; }
    public AwSet<ParcelStatus> Seen { get; set; } = new();
}

/// <summary>An enum property is stored as its name (an <c>lww</c> string), loads back as the value,
/// and queries compare it by name.</summary>
public sealed class EnumMappingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Parcel));

    private static async Task<(TempFolder Folder, Replica Replica, Database Db)> OpenAsync()
    {
        var folder = new TempFolder();
        var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("post");
        await Model.ApplyAsync(db);
        return (folder, replica, db);
    }

    [Fact]
    public async Task An_enum_is_stored_as_its_name_and_loads_back()
    {
        var (folder, replica, db) = await OpenAsync();
        using var _ = folder;
        await using var __ = replica;
        var session = db.OpenSession(Model);
        session.Store(new Parcel { Id = "p1", Status = ParcelStatus.Shipped, Handling = Handling.Fragile | Handling.Gift, Seen = new([ParcelStatus.Packed, ParcelStatus.Shipped]) });
        await session.SaveChangesAsync();

        var stored = (await db.GetAsync("parcels", "p1"))!;
        Assert.Equal(Value.String("Shipped"), stored["status"]);
        Assert.Equal(Value.String("Fragile, Gift"), stored["handling"]);
        Assert.Null(stored["previous"]);
        Assert.Equal(Causeway.Schemas.ValueType.String, Model.Schema.Collections["parcels"].Fields["status"].Type);

        var edit = db.OpenSession(Model);
        var parcel = (await edit.LoadAsync<Parcel>("p1"))!;
        Assert.Equal((ParcelStatus.Shipped, (ParcelStatus?)null, Handling.Fragile | Handling.Gift), (parcel.Status, parcel.Previous, parcel.Handling));
        Assert.Equal([ParcelStatus.Packed, ParcelStatus.Shipped], parcel.Seen.Order());
        parcel.Previous = parcel.Status;
        parcel.Status = ParcelStatus.Delivered;
        Assert.Equal(2, edit.ChangesOf(parcel).Count);   // a set of each changed enum, nothing else
        await edit.SaveChangesAsync();

        var again = (await db.OpenSession(Model).LoadNoTrackingAsync<Parcel>("p1"))!;
        Assert.Equal((ParcelStatus.Delivered, (ParcelStatus?)ParcelStatus.Shipped), (again.Status, again.Previous));
    }

    [Fact]
    public async Task Queries_compare_an_enum_by_its_name()
    {
        var (folder, replica, db) = await OpenAsync();
        using var _ = folder;
        await using var __ = replica;
        var session = db.OpenSession(Model);
        session.Store(new Parcel { Id = "a", Status = ParcelStatus.Packed });
        session.Store(new Parcel { Id = "b", Status = ParcelStatus.Shipped, Previous = ParcelStatus.Packed, Seen = new([ParcelStatus.Packed]) });
        session.Store(new Parcel { Id = "c", Status = ParcelStatus.Delivered, Previous = ParcelStatus.Shipped, Seen = new([ParcelStatus.Packed, ParcelStatus.Shipped]) });
        await session.SaveChangesAsync();
        var read = db.OpenSession(Model);

        async Task<string[]> Ids(TypedQuery<Parcel> query) => [.. (await query.OrderBy(p => p.Id).ToListAsync()).Select(p => p.Id!)];

        Assert.Equal(["b"], await Ids(read.Query<Parcel>().Where(p => p.Status == ParcelStatus.Shipped)));
        var wanted = ParcelStatus.Delivered;
        Assert.Equal(["c"], await Ids(read.Query<Parcel>().Where(p => wanted == p.Status)));
        Assert.Equal(["a", "c"], await Ids(read.Query<Parcel>().Where(p => p.Status != ParcelStatus.Shipped)));
        Assert.Equal(["c"], await Ids(read.Query<Parcel>().Where(p => p.Previous == ParcelStatus.Shipped)));
        Assert.Equal(["a"], await Ids(read.Query<Parcel>().Where(p => p.Previous == null)));
        ParcelStatus[] moving = [ParcelStatus.Packed, ParcelStatus.Shipped];
        Assert.Equal(["a", "b"], await Ids(read.Query<Parcel>().Where(p => moving.Contains(p.Status))));
        Assert.Equal(["c"], await Ids(read.Query<Parcel>().Where(p => p.Seen.Contains(ParcelStatus.Shipped))));
        Assert.Contains("status eq \"Shipped\"", read.Query<Parcel>().Where(p => p.Status == ParcelStatus.Shipped).ToQuery().ToString());

        // Names order alphabetically, not as the enum does: an ordering comparison is refused.
        var refused = Assert.Throws<UntranslatableQueryException>(() => read.Query<Parcel>().Where(p => p.Status > ParcelStatus.Packed).ToQuery());
        Assert.Contains("compares only with == and !=", refused.Message);
    }

    [Fact]
    public async Task A_value_the_enum_does_not_name_is_refused_both_ways()
    {
        var (folder, replica, db) = await OpenAsync();
        using var _ = folder;
        await using var __ = replica;
        var session = db.OpenSession(Model);
        session.Store(new Parcel { Id = "p1", Status = (ParcelStatus)42 });
        var unnamed = await Assert.ThrowsAsync<InvalidInputException>(() => session.SaveChangesAsync());
        Assert.Contains("42 is not a named value of ParcelStatus", unnamed.Message);
        Assert.Null(await db.GetAsync("parcels", "p1"));

        await db.PutAsync("parcels", "p2", ValueJson.Parse("""{"status": "Lost"}"""));
        await db.PutAsync("parcels", "p3", ValueJson.Parse("""{"status": "1"}"""));
        foreach (var id in new[] { "p2", "p3" })
            Assert.Contains("Parcel.Status", (await Assert.ThrowsAsync<TypeMismatchException>(() => db.OpenSession(Model).LoadAsync<Parcel>(id))).Message);
    }

    [Fact]
    public void A_changeset_casts_an_enum_from_its_name_only()
    {
        var named = Changeset.For(new Parcel { Id = "p1" }, Model).Cast("""{ "status": "Returned", "previous": null }""", "status", "previous");
        Assert.True(named.IsValid);
        Assert.Equal(ParcelStatus.Returned, named.ValueOf(p => p.Status));

        var numbered = Changeset.For(new Parcel { Id = "p1" }, Model).Cast("""{ "status": "2" }""", "status");
        var error = Assert.Single(numbered.Errors);
        Assert.Equal(("Status", ChangesetErrorCodes.InvalidType, "must be one of Packed, Shipped, Delivered, Returned"), (error.Property, error.Code, error.Message));
    }

    /// <summary>The codec: every named value, and every combination of a [Flags] enum's names, comes
    /// back from its stored form as itself; every number the enum does not name is refused.</summary>
    [Fact]
    public void The_enum_codec_round_trips_every_named_value_and_refuses_the_rest()
    {
        Gen.Enum<ParcelStatus>().Sample(status =>
        {
            var stored = ScalarCodec<ParcelStatus>.Encode(status)!;
            Assert.Equal(Enum.GetName(status), stored.AsString());
            Assert.Equal(status, ScalarCodec<ParcelStatus>.Decode(stored));
        });
        Gen.Int[0, 7].Sample(bits =>
        {
            var handling = (Handling)bits;
            Assert.Equal(handling, ScalarCodec<Handling>.Decode(ScalarCodec<Handling>.Encode(handling)!));
            Assert.Equal(handling, ScalarCodec<Handling?>.Decode(ScalarCodec<Handling?>.Encode(handling)!));
        });
        Gen.Int.Where(n => n is < 0 or > 3).Sample(n =>
        {
            Assert.Throws<InvalidInputException>(() => ScalarCodec<ParcelStatus>.Encode((ParcelStatus)n));
            Assert.Throws<FormatException>(() => ScalarCodec<ParcelStatus>.Decode(Value.String(n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        });
        Assert.Null(ScalarCodec<ParcelStatus?>.Encode(null));
    }
}

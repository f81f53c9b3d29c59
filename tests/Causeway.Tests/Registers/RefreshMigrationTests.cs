using Causeway.Documents;
using Causeway.Models;
using Causeway.Models.Migrations;
using Causeway.Tests.Models;
using Causeway.Values;

namespace Causeway.Tests.Registers;

/// <summary>Version 2 of the products with only the rename: the title is now the name.</summary>
[Causeway.Models.Collection("products")]
public sealed class ProductRenamed
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Stock { get; set; }
    public string? Legacy { get; set; }
}

/// <summary>A refresh reads an older document through the migrations' upcasts, as a load does: what
/// the upcast shows is what a later write stores, from the document as it is now.</summary>
public sealed class RefreshMigrationTests
{
    private static readonly DocumentModel V1 = DocumentModel.Of(typeof(ProductV1));
    private static readonly DocumentModel V2 = DocumentModel.Build(m => m.Entity<ProductRenamed>()
        .Migration(Migration.Create(2, s => s.RenameField("products", "title", "name"))));

    [Fact]
    public async Task Refresh_of_a_document_an_old_writer_changed_shows_it_upcast_and_a_later_write_stores_that()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await V1.ApplyAsync(db);
        var old = db.OpenSession(V1);
        old.Store(new ProductV1 { Id = "p1", Title = "Chair", Stock = "12" });
        await old.SaveChangesAsync();
        await V2.MigrateAsync(db);

        var session = db.OpenSession(V2);
        var chair = (await session.LoadAsync<ProductRenamed>("p1"))!;
        Assert.Equal("Chair", chair.Name);

        // A writer still on version 1 renames it under the old field.
        await db.TransactAsync(tx => tx.Patch("products", "p1", [FieldOp.Set("title", Value.String("Armchair"))]));

        await session.RefreshAsync(chair);
        Assert.Equal("Armchair", chair.Name);
        Assert.Empty(session.ChangesOf(chair));
        Assert.Null(await session.SaveChangesAsync());
        Assert.Null((await db.GetAsync("products", "p1"))!["name"]);   // reading rewrote nothing

        chair.Legacy = "kept";
        await session.SaveChangesAsync();
        var stored = (await db.GetAsync("products", "p1"))!;
        Assert.Equal((Value.String("Armchair"), Value.String("kept")), (stored["name"], stored["legacy"]));
    }
}

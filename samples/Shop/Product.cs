using Causeway.Models;

namespace Causeway.Samples.Shop;

/// <summary>A product on the shelf. Each property is a CRDT field: two replicas that change different
/// properties, or move the stock at once, both keep their change after they sync.</summary>
[Collection("products")]
public sealed class Product
{
    public string? Id { get; set; }

    // One product per name, on every replica: the database reserves the name.
    [Required, Unique] public string Name { get; set; } = "";

    public double Price { get; set; }

    // Never below 0, even when two replicas sell at once: each may only spend the stock it holds rights to.
    [Bounds(Min = 0)] public BoundedCounter Stock { get; set; } = new();

    // Sales add up across replicas; a save writes this session's increment, never the total.
    public Counter Sold { get; set; } = new();

    public AwSet<string> Tags { get; set; } = new();

    public Origin? Origin { get; set; }
}

/// <summary>Stored inside the product, at dotted paths (<c>origin.country</c>, <c>origin.maker</c>).</summary>
public sealed class Origin
{
    public string? Country { get; set; }
    public string? Maker { get; set; }
}

/// <summary>A sale. The database numbers orders (1, 2, …) and refuses one whose product does not exist.</summary>
[Collection("orders"), GeneratedId(IdKind.Sequence)]
public sealed class Order
{
    public string? Id { get; set; }

    [Required, References] public Ref<Product>? Product { get; set; }

    public long Quantity { get; set; }
}

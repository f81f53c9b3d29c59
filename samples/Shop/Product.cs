using Causeway.Models;

namespace Causeway.Samples.Shop;

[Collection("products")]
public sealed class Product
{
    public string? Id { get; set; }
    [Required] public string Name { get; set; } = "";
    public double Price { get; set; }
    [Bounds(Min = 0)] public BoundedCounter Stock { get; set; } = new();
    public AwSet<string> Tags { get; set; } = new();
    public Origin? Origin { get; set; }
}

public sealed class Origin
{
    public string? Country { get; set; }
    public string? Maker { get; set; }
}

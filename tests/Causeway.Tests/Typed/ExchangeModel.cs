using Causeway.Models;
using Causeway.Schemas;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Typed;

// The Animal Exchange as typed documents: players with bounded credits and unique names, items
// with a reference to their owner, purchases numbered by the database.

[Collection("players")]
public sealed class Player
{
    public string? Id { get; set; }

    [Required, Unique]
    public string Name { get; set; } = "";

    [Bounds(Min = 0)]
    public BoundedCounter Credits { get; set; } = new();

    public Counter Trades { get; set; } = new();

    public AwSet<string> Badges { get; set; } = new();

    public Address? Home { get; set; }
}

public sealed class Address
{
    public string? City { get; set; }
    public string? Zip { get; set; }
}

[Collection("items")]
[Check("discount_below_price", "discountedPrice > 0 and price > discountedPrice")]
public sealed class Item
{
    public string? Id { get; set; }

    [Required]
    public string Species { get; set; } = "";

    [References]
    public Ref<Player>? Owner { get; set; }

    public double? Price { get; set; }
    public double? DiscountedPrice { get; set; }

    [Field("for_sale")]
    public Flag ForSale { get; set; } = new();

    public RwSet<string> Tags { get; set; } = new();

    [MvReg]
    public string? Note { get; set; }
}

[Collection("purchases"), GeneratedId(IdKind.Sequence)]
public sealed class Purchase
{
    public string? Id { get; set; }

    [References(Policy = ReferencePolicy.RemoveWins)]
    public Ref<Item>? Item { get; set; }

    public decimal Paid { get; set; }
}

/// <summary>Every kind of property the mapping knows, for round trips.</summary>
[Collection("samples")]
public sealed class Sample
{
    public string? Id { get; set; }
    public string? Text { get; set; }
    public int Small { get; set; }
    public long Big { get; set; }
    public long? Maybe { get; set; }
    public double Ratio { get; set; }
    public decimal Money { get; set; }
    public bool Yes { get; set; }
    public DateTimeOffset When { get; set; }
    public byte[]? Blob { get; set; }
    public Guid Key { get; set; }
    public Counter Hits { get; set; } = new();

    [Bounds(Min = -5, Max = 100)]
    public BoundedCounter Stock { get; set; } = new();

    public AwSet<long> Numbers { get; set; } = new();
    public RwSet<string> Words { get; set; } = new();
    public Flag On { get; set; } = new();

    [DisableWins]
    public Flag Off { get; set; } = new();

    public Address? Place { get; set; }

    [MvReg]
    public string? Label { get; set; }

    public Ref<Player>? Friend { get; set; }

    [Ignore]
    public string Scratch { get; set; } = "not stored";
}

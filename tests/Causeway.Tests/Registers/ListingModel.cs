using Causeway.Models;
using Causeway.Schemas;
using Causeway.Tests.Typed;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Registers;

// A marketplace listing two editors change at once: its title and rank are multi-value registers,
// so concurrent edits both show until someone picks one.

[Collection("listings")]
public sealed class Listing
{
    public string? Id { get; set; }
    public MvReg<string> Title { get; set; } = new();
    public MvReg<long> Rank { get; set; } = new();

    [MvReg]
    public string? Note { get; set; }

    [MvReg]
    public double? Price { get; set; }

    public string? Summary { get; set; }
    public Counter Views { get; set; } = new();
    public AwSet<string> Tags { get; set; } = new();
    public Address? Place { get; set; }
}

/// <summary>A register of an object: refused, since a register holds scalars.</summary>
public sealed class ObjectRegister
{
    public string? Id { get; set; }
    public MvReg<Address> Home { get; set; } = new();
}

/// <summary>A document the database names: stored whole, so its register is written as a plain value.</summary>
[Collection("drafts"), GeneratedId(IdKind.Sequence)]
public sealed class Draft
{
    public string? Id { get; set; }
    public MvReg<string> Title { get; set; } = new();
}

using Causeway.Authority;
using Causeway.Authority.Policies;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>The policy helpers scope a delegation as they say: a database and its children (never a
/// name that merely starts the same), a collection, an id prefix, one document.</summary>
public sealed class ScopeTests
{
    private static bool Allows(Value policy, string? db, string? coll = null, string? id = null) => Policy.Parse(policy).Matches(Resource.Of(db, coll, id));

    [Fact]
    public void A_database_covers_its_children_and_nothing_that_only_starts_alike()
    {
        var acme = Scope.Database("acme");
        Assert.True(Allows(acme, "acme"));
        Assert.True(Allows(acme, "acme.shop"));
        Assert.True(Allows(acme, "acme.shop.eu", "orders", "o1"));
        Assert.False(Allows(acme, "acmecorp"));
        Assert.False(Allows(acme, "acme-shop"));
        Assert.False(Allows(acme, "shop.acme"));
        Assert.False(Allows(acme, null));
        Assert.False(Allows(Scope.Database("acme.shop"), "acme"));
    }

    [Fact]
    public void Collections_prefixes_and_documents_narrow_as_named()
    {
        Assert.True(Allows(Scope.Collection("shop", "orders"), "shop", "orders", "x"));
        Assert.False(Allows(Scope.Collection("shop", "orders"), "shop", "customers", "x"));
        Assert.False(Allows(Scope.Collection("shop", "orders"), "shop.eu", "orders", "x"));
        var device = Scope.IdPrefix("shop", "orders", "d1-");
        Assert.True(Allows(device, "shop", "orders", "d1-0001"));
        Assert.False(Allows(device, "shop", "orders", "d2-0001"));
        Assert.False(Allows(device, "shop", "orders", "xd1-0001"));
        Assert.False(Allows(device, "shop", "orders"));
        Assert.True(Allows(Scope.Document("shop", "orders", "o1"), "shop", "orders", "o1"));
        Assert.False(Allows(Scope.Document("shop", "orders", "o1"), "shop", "orders", "o12"));
        Assert.True(Allows(Scope.Anything, null));
    }

    [Fact]
    public void Every_command_is_well_formed_and_under_the_top()
    {
        Assert.All(Commands.Known, c => Assert.True(Command.Proves(Commands.All, c)));
        Assert.True(Command.Proves("/doc", Commands.DocWrite));
        Assert.False(Command.Proves(Commands.DocRead, Commands.DocWrite));
        Assert.Equal(Commands.Known.Count, Commands.Known.Distinct().Count());
    }
}

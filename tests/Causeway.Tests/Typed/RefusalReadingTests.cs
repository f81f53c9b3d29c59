using Causeway.Crdt;
using Causeway.Errors;
using Causeway.Models;

namespace Causeway.Tests.Typed;

/// <summary>A changeset reads a refusal from its <see cref="Violation"/> alone: a message reworded
/// beyond recognition maps the same, and one worded exactly as the engine words it maps nothing
/// without the record.</summary>
public sealed class RefusalReadingTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    private static IChangeset Ann() => Changeset.For(new Player { Id = "ann" }, Model).Cast("""{ "name": "Ann" }""", "name");

    private static IChangeset Dog() => Changeset.For(new Item { Id = "dog" }, Model).Cast("""{ "species": "dog", "price": 5, "discountedPrice": 4 }""", "species", "price", "discountedPrice");

    [Fact]
    public void Each_rule_lands_on_its_properties_whatever_the_message_says()
    {
        (IChangeset, CausewayException)[] refusals =
        [
            (Ann(), new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Unique, "players", "ann", ["name"]) { Other = "players/bob" } }),
            (Ann(), new ReservationUnavailableException("Nope.") { Violation = new(ViolatedRule.Unique, "players", "ann", ["name"]) }),
            (Ann(), new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Bound, "players", "ann", ["credits"]) { Side = BoundSide.Lower, Bound = 0, Value = -2 } }),
            (Ann(), new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Bound, "players", "ann", ["credits"]) { Side = BoundSide.Upper, Bound = 50, Value = 52 } }),
            (Ann(), new InsufficientRightsException("Nope.") { Violation = new(ViolatedRule.Bound, "players", "ann", ["credits"]) { Side = BoundSide.Lower, Bound = 0 } }),
            (Ann(), new SchemaViolationException("Nope.") { Violation = new(ViolatedRule.Required, "players", "ann", ["name"]) }),
            (Ann(), new SchemaViolationException("Nope.") { Violation = new(ViolatedRule.Type, "players", "ann", ["name"]) }),
            (Dog(), new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Reference, "items", "dog", ["owner"]) { Other = "players/ghost" } }),
            (Dog(), new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Check, "items", "dog", ["discountedPrice", "price"]) { Check = "discount_below_price" } }),
        ];
        string[] expected = ["Name taken", "Name unavailable", "Credits too_small must be at least 0", "Credits too_large must be at most 50",
            "Credits insufficient_rights", "Name required", "Name invalid_type", "Owner does_not_exist", "DiscountedPrice check_failed, Price check_failed"];
        var described = refusals.Select(r =>
        {
            var (changeset, refusal) = r;
            Assert.True(changeset.Refused(refusal), refusal.Violation!.Rule.ToString());
            return string.Join(", ", changeset.Errors.Select(e => e.Code is ChangesetErrorCodes.TooSmall or ChangesetErrorCodes.TooLarge
                ? $"{e.Property} {e.Code} {e.Message}" : $"{e.Property} {e.Code}"));
        });
        Assert.Equal(expected, described);
    }

    [Fact]
    public void Without_the_record_or_about_another_document_a_refusal_is_not_the_changesets()
    {
        var ann = Ann();
        Assert.False(ann.Refused(new ConstraintViolationException("players/ann: name = \"Ann\" is already used by players/bob (unique).")));
        Assert.False(ann.Refused(new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Unique, "players", "bob", ["name"]) }));
        Assert.False(ann.Refused(new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Unique, "items", "ann", ["name"]) }));
        // A delete refused because a child still names the document: none of its fields is at fault.
        Assert.False(ann.Refused(new ConstraintViolationException("Nope.") { Violation = new(ViolatedRule.Reference, "players", "ann", []) { Other = "items/cat" } }));
        Assert.Empty(ann.Errors);
    }
}

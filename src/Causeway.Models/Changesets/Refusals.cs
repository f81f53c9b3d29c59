using Causeway.Crdt;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>Reads a refusal of the database (a unique value taken, a check false, a reference to
/// nothing, a bound crossed, a required field missing, a value of the wrong type, rights short, a
/// reservation out of reach) as errors on the properties of one document. The engine says what it
/// refused in the exception's <see cref="Violation"/>, the same embedded and over the wire; that is
/// what is read here, never the message, whose wording is for people.</summary>
internal static class Refusals
{
    /// <summary>The errors <paramref name="refusal"/> puts on the document <paramref name="id"/> (any
    /// id of the collection when null: one the database names on save); null when it is about another.</summary>
    public static IReadOnlyList<ChangesetError>? Of(CausewayException refusal, ChangeFields fields, string? id, IReadOnlyDictionary<string, string> checkMessages)
    {
        if (refusal.Violation is not { } violation || violation.Collection != fields.Map.Collection || id is not null && violation.Id != id) return null;
        return (refusal, violation.Rule) switch
        {
            (InsufficientRightsException, ViolatedRule.Bound) => On(fields, violation.Fields, ChangesetErrorCodes.InsufficientRights, ShortOfRights),
            (ConstraintViolationException, ViolatedRule.Check) => CheckErrors(fields, violation.Check, checkMessages),
            (ConstraintViolationException, ViolatedRule.Unique) => On(fields, violation.Fields, ChangesetErrorCodes.Taken, "has already been taken"),
            (ReservationUnavailableException, ViolatedRule.Unique) => On(fields, violation.Fields, ChangesetErrorCodes.Unavailable, "cannot be checked as unique now; try again shortly"),
            (ConstraintViolationException, ViolatedRule.Reference) => On(fields, violation.Fields, ChangesetErrorCodes.DoesNotExist, "does not exist"),
            (ConstraintViolationException, ViolatedRule.Bound) when violation.Side == BoundSide.Lower => On(fields, violation.Fields, ChangesetErrorCodes.TooSmall, $"must be at least {violation.Bound}"),
            (ConstraintViolationException, ViolatedRule.Bound) => On(fields, violation.Fields, ChangesetErrorCodes.TooLarge, $"must be at most {violation.Bound}"),
            (SchemaViolationException, ViolatedRule.Required) => On(fields, violation.Fields, ChangesetErrorCodes.Required, "can't be blank"),
            (SchemaViolationException, ViolatedRule.Type) => On(fields, violation.Fields, ChangesetErrorCodes.InvalidType, "is not of the type the schema declares"),
            _ => null,
        };
    }

    private const string ShortOfRights = "cannot change this far on this replica now: other replicas hold the rights, and a transfer has been asked for; try again shortly";

    /// <summary>A broken check puts its message on every field it reads that the changeset has.</summary>
    private static IReadOnlyList<ChangesetError>? CheckErrors(ChangeFields fields, string? check, IReadOnlyDictionary<string, string> checkMessages)
    {
        if (fields.Map.Rules.Checks.FirstOrDefault(c => c.Name == check) is not { } rule) return null;
        var read = rule.Expression.Fields.Select(fields.Find).OfType<ChangeField>().ToList();
        return read.Count == 0 ? null : [.. read.Select(f => ModelRules.CheckError(f, rule.Name, checkMessages))];
    }

    private static IReadOnlyList<ChangesetError>? On(ChangeFields fields, IEnumerable<string> paths, string code, string message)
    {
        var errors = paths.Select(fields.Find).OfType<ChangeField>().Select(f => new ChangesetError(f.Property, f.Path, code, message)).ToList();
        return errors.Count == 0 ? null : errors;
    }
}

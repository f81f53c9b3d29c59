using System.Text.RegularExpressions;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>Reads a refusal of the database (a unique value taken, a check false, a reference to
/// nothing, a bound crossed, rights short, a reservation out of reach) as errors on the properties of
/// one document. The engine names the document (<c>players/ann</c>) and the field path in its
/// messages, the same embedded and over the wire; that is what is matched here.</summary>
internal static class Refusals
{
    /// <summary>The errors <paramref name="refusal"/> puts on the document <paramref name="id"/> (any
    /// id of the collection when null: one the database names on save); null when it is about another.</summary>
    public static IReadOnlyList<ChangesetError>? Of(CausewayException refusal, ChangeFields fields, string? id, IReadOnlyDictionary<string, string> checkMessages)
    {
        if (refusal is not (ConstraintViolationException or SchemaViolationException or InsufficientRightsException or ReservationUnavailableException)) return null;
        string collection = fields.Map.Collection;
        string message = refusal.Message;
        if (refusal is InsufficientRightsException { Shortage: { } shortage })
        {
            if (shortage.Collection != collection || id is not null && shortage.Id != id) return null;
            return On(fields, [shortage.Path], ChangesetErrorCodes.InsufficientRights, ShortOfRights);
        }
        var subject = Regex.Match(message, id is null ? $"^{Regex.Escape(collection)}/[^\\s:]+" : $"^{Regex.Escape(collection)}/{Regex.Escape(id)}(?=[:\\s])");
        if (!subject.Success) return null;
        string rest = message[subject.Length..];
        if (refusal is InsufficientRightsException)
            return Regex.Match(rest, "rights to (?:lower|raise) '([^']+)'") is { Success: true } shortfall
                ? On(fields, [shortfall.Groups[1].Value], ChangesetErrorCodes.InsufficientRights, ShortOfRights) : null;

        var check = Regex.Match(rest, "^ breaks check '([^']+)'");
        if (check.Success && fields.Map.Rules.Checks.FirstOrDefault(c => c.Name == check.Groups[1].Value) is { } rule)
        {
            var read = rule.Expression.Fields.Select(fields.Find).OfType<ChangeField>().ToList();
            return read.Count == 0 ? null : [.. read.Select(f => ModelRules.CheckError(f, rule.Name, checkMessages))];
        }
        foreach (var tuple in fields.Map.Rules.Unique)
        {
            string values = tuple.Count == 1 ? $"{tuple[0]} = " : $"({string.Join(", ", tuple)}) = (";
            if (rest.StartsWith($": {values}", StringComparison.Ordinal) && rest.Contains(" is already used by ", StringComparison.Ordinal))
                return On(fields, tuple, ChangesetErrorCodes.Taken, "has already been taken");
            if (rest.StartsWith($": the value {values}", StringComparison.Ordinal))
                return On(fields, tuple, ChangesetErrorCodes.Unavailable, "cannot be checked as unique now; try again shortly");
        }
        var field = Regex.Match(rest, "^: '([^']+)' (.*)$");
        if (!field.Success) return null;
        string path = field.Groups[1].Value, what = field.Groups[2].Value;
        var bound = Regex.Match(what, "^would be -?\\d+, (below its minimum|above its maximum) (-?\\d+)");
        return what switch
        {
            _ when what.StartsWith("names ", StringComparison.Ordinal) => On(fields, [path], ChangesetErrorCodes.DoesNotExist, "does not exist"),
            _ when bound.Success && bound.Groups[1].Value.StartsWith("below", StringComparison.Ordinal) => On(fields, [path], ChangesetErrorCodes.TooSmall, $"must be at least {bound.Groups[2].Value}"),
            _ when bound.Success => On(fields, [path], ChangesetErrorCodes.TooLarge, $"must be at most {bound.Groups[2].Value}"),
            "is required" => On(fields, [path], ChangesetErrorCodes.Required, "can't be blank"),
            _ when refusal is SchemaViolationException => On(fields, [path], ChangesetErrorCodes.InvalidType, "is not of the type the schema declares"),
            _ => null,
        };
    }

    private const string ShortOfRights = "cannot change this far on this replica now: other replicas hold the rights, and a transfer has been asked for; try again shortly";

    private static IReadOnlyList<ChangesetError>? On(ChangeFields fields, IEnumerable<string> paths, string code, string message)
    {
        var errors = paths.Select(fields.Find).OfType<ChangeField>().Select(f => new ChangesetError(f.Property, f.Path, code, message)).ToList();
        return errors.Count == 0 ? null : errors;
    }
}

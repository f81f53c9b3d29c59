namespace Causeway.Models;

/// <summary>One problem of a changeset, on one property: <see cref="Property"/> as C# names it
/// (<c>Home.City</c>), <see cref="Path"/> as the document stores it (<c>home.city</c>), a stable
/// <see cref="Code"/> (<see cref="ChangesetErrorCodes"/>) and a <see cref="Message"/> a form can show
/// beside the field ("must be a number").</summary>
public sealed record ChangesetError(string Property, string Path, string Code, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The codes of <see cref="ChangesetError"/>: one per kind of problem, stable across versions.</summary>
public static class ChangesetErrorCodes
{
    /// <summary>The input's value has the wrong type for the property (text for a number).</summary>
    public const string InvalidType = "invalid_type";
    /// <summary>Null, absent or blank where a value is needed (<c>[Required]</c>, <c>ValidateRequired</c>).</summary>
    public const string Required = "required";
    public const string TooShort = "too_short";
    public const string TooLong = "too_long";
    /// <summary>Below a range's minimum, or a bounded counter's (also when the database refuses it).</summary>
    public const string TooSmall = "too_small";
    public const string TooLarge = "too_large";
    public const string InvalidFormat = "invalid_format";
    public const string NotIncluded = "not_included";
    /// <summary>A custom predicate said no.</summary>
    public const string Invalid = "invalid";
    /// <summary>A check of the model (<c>[Check]</c>) is false, here or in the database.</summary>
    public const string CheckFailed = "check_failed";
    /// <summary>The database refused: another document has this unique value.</summary>
    public const string Taken = "taken";
    /// <summary>The database refused: the reference names a document that does not exist.</summary>
    public const string DoesNotExist = "does_not_exist";
    /// <summary>The database refused: a bounded counter needs rights other replicas hold (asked for; retry).</summary>
    public const string InsufficientRights = "insufficient_rights";
    /// <summary>The database refused: a unique value's holder cannot be reached now (retry).</summary>
    public const string Unavailable = "unavailable";
}

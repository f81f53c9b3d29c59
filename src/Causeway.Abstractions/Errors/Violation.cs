using Causeway.Crdt;

namespace Causeway.Errors;

/// <summary>The kind of schema rule a refused write met (docs/invariants.md).</summary>
public enum ViolatedRule
{
    /// <summary>A unique field or tuple: the value is another document's, or cannot be checked now.</summary>
    Unique,

    /// <summary>A named check that is false for the document's values.</summary>
    Check,

    /// <summary>A reference: it names nothing, or a delete would leave one naming nothing.</summary>
    Reference,

    /// <summary>A bounded counter's minimum or maximum: crossed, or out of this replica's rights.</summary>
    Bound,

    /// <summary>A required field is missing.</summary>
    Required,

    /// <summary>A field holds another kind or type than the schema declares.</summary>
    Type,
}

/// <summary>What a refusal is about, for programs: the rule, the document, the fields at fault, and the
/// rule's own particulars. The message says the same for people; this is what code reads, so a form
/// does not depend on its wording. It travels over HTTP as the problem's <c>violation</c> member.</summary>
/// <param name="Collection">The collection of the document the write was refused on.</param>
/// <param name="Id">That document's id.</param>
/// <param name="Fields">The field paths at fault: the unique tuple, the fields a check reads, the
/// reference, the counter, the missing or mistyped field; empty when the document as a whole is (a
/// delete of one still named).</param>
public sealed record Violation(ViolatedRule Rule, string Collection, string Id, IReadOnlyList<string> Fields)
{
    /// <summary>The check's name (<see cref="ViolatedRule.Check"/>).</summary>
    public string? Check { get; init; }

    /// <summary>The other document the rule involves, <c>collection/id</c>: the one a reference names,
    /// the one that already has a unique value, or the one still naming a document being deleted.</summary>
    public string? Other { get; init; }

    /// <summary>Which bound of a counter (<see cref="ViolatedRule.Bound"/>).</summary>
    public BoundSide? Side { get; init; }

    /// <summary>That bound: the counter's minimum or maximum.</summary>
    public long? Bound { get; init; }

    /// <summary>The value the counter would have had (absent when the refusal is for want of rights).</summary>
    public long? Value { get; init; }
}

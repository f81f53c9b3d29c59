using System.Text;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>A node of a parsed check. <see cref="Evaluate"/> returns null for unknown (SQL's NULL);
/// a null-kind value never comes out of it, so callers test for null alone.</summary>
internal abstract class CheckNode(int position, int depth)
{
    /// <summary>Where the node starts in the text (0-based), for messages.</summary>
    public int Position { get; } = position;

    /// <summary>0 for a leaf; one more than the deepest operand for an operator.</summary>
    public int Depth { get; } = depth;

    /// <summary>Null when the node may yield a boolean; else what it yields instead ("a number").</summary>
    public virtual string? NotACondition => null;

    public abstract Value? Evaluate(Func<string, Value?> field);

    /// <summary>Writes the canonical form: operators parenthesized, except at the top.</summary>
    public abstract void Render(StringBuilder into, bool top);

    public virtual void CollectFields(ISet<string> into) { }

    protected static bool? AsBool(Value? value) => value is { Kind: ValueKind.Bool } ? value.AsBool() : null;
}

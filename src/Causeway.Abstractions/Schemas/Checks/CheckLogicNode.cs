using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>'and' / 'or' with Kleene logic: false and unknown is false, true or unknown is true.
/// An operand that is not a boolean (a field holding a number) counts as unknown.</summary>
internal sealed class CheckLogicNode(CheckTokenKind op, CheckNode left, CheckNode right, int position)
    : CheckBinary(op, left, right, position)
{
    public override Value? Evaluate(Func<string, Value?> field)
    {
        // The value that decides alone: false for 'and', true for 'or'.
        bool decisive = Operator == CheckTokenKind.Or;
        bool? l = AsBool(Left.Evaluate(field));
        if (l == decisive) return Value.Bool(decisive);
        bool? r = AsBool(Right.Evaluate(field));
        if (r == decisive) return Value.Bool(decisive);
        return l is null || r is null ? null : Value.Bool(!decisive);
    }
}

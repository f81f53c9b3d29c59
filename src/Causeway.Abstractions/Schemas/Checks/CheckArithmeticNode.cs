using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>+ - * / between two operands.</summary>
internal sealed class CheckArithmeticNode(CheckTokenKind op, CheckNode left, CheckNode right, int position)
    : CheckBinary(op, left, right, position)
{
    public override string? NotACondition => "arithmetic";

    public override Value? Evaluate(Func<string, Value?> field) =>
        CheckArithmetic.Apply(Operator, Left.Evaluate(field), Right.Evaluate(field));
}

using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>= != &lt; &lt;= &gt; &gt;= between two operands.</summary>
internal sealed class CheckComparisonNode(CheckTokenKind op, CheckNode left, CheckNode right, int position)
    : CheckBinary(op, left, right, position)
{
    public override Value? Evaluate(Func<string, Value?> field) =>
        CheckComparison.Apply(Operator, Left.Evaluate(field), Right.Evaluate(field));
}

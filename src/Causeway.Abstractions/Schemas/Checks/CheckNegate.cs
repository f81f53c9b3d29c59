using System.Text;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>Unary minus.</summary>
internal sealed class CheckNegate(CheckNode operand, int position) : CheckNode(position, operand.Depth + 1)
{
    public override string? NotACondition => "arithmetic";

    public override Value? Evaluate(Func<string, Value?> field) => CheckArithmetic.Negate(operand.Evaluate(field));

    // No parentheses needed: the operand renders as a name, a literal, another '-x' or '( … )'.
    public override void Render(StringBuilder into, bool top) => operand.Render(into.Append('-'), top: false);

    public override void CollectFields(ISet<string> into) => operand.CollectFields(into);
}

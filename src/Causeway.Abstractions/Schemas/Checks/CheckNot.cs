using System.Text;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>Kleene negation: not unknown is unknown.</summary>
internal sealed class CheckNot(CheckNode operand, int position) : CheckNode(position, operand.Depth + 1)
{
    public override Value? Evaluate(Func<string, Value?> field) =>
        AsBool(operand.Evaluate(field)) is bool b ? Value.Bool(!b) : null;

    // 'not' binds looser than comparisons, so below the top it needs parentheses ("a = (not b)").
    public override void Render(StringBuilder into, bool top)
    {
        into.Append(top ? "not " : "(not ");
        operand.Render(into, top: false);
        if (!top) into.Append(')');
    }

    public override void CollectFields(ISet<string> into) => operand.CollectFields(into);
}

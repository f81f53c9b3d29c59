using System.Text;

namespace Causeway.Schemas;

/// <summary>An operator between two operands; subclasses say what it computes.</summary>
internal abstract class CheckBinary(CheckTokenKind op, CheckNode left, CheckNode right, int position)
    : CheckNode(position, Math.Max(left.Depth, right.Depth) + 1)
{
    protected CheckTokenKind Operator => op;
    protected CheckNode Left => left;
    protected CheckNode Right => right;

    public override void Render(StringBuilder into, bool top)
    {
        if (!top) into.Append('(');
        left.Render(into, top: false);
        into.Append(' ').Append(CheckToken.Symbol(op)).Append(' ');
        right.Render(into, top: false);
        if (!top) into.Append(')');
    }

    public override void CollectFields(ISet<string> into)
    {
        left.CollectFields(into);
        right.CollectFields(into);
    }
}

namespace Causeway.Schemas;

/// <summary>Recursive descent over the tokens, loosest first: or, and, not, one comparison (they do not
/// chain), + -, * /, unary minus, then a literal, a field or a parenthesized expression.
/// Nesting is bounded (<see cref="CheckExpression.MaxDepth"/>) both as parentheses and as tree depth,
/// so neither parsing nor evaluation can run out of stack.</summary>
internal sealed class CheckParser
{
    private readonly string _text;
    private readonly List<CheckToken> _tokens;
    private int _next;
    private int _open;    // parentheses open around the current token
    private int _pending; // unary operators waiting for their operand; each adds a level to the tree

    private CheckParser(string text)
    {
        _text = text;
        _tokens = CheckLexer.Tokenize(text);
    }

    public static CheckNode Parse(string text)
    {
        var parser = new CheckParser(text);
        var root = parser.Or();
        var rest = parser.Peek;
        if (rest.Kind == CheckTokenKind.Close) throw parser.Error(rest, "')' has no matching '('");
        if (rest.Kind != CheckTokenKind.End) throw parser.ExpectedOperator(rest, "");
        parser.RequireCondition(root, "the check");
        return root;
    }

    private CheckToken Peek => _tokens[_next];

    private string Previous => CheckErrors.Quote(_tokens[_next - 1].Text);

    private string Found(CheckToken token) => CheckErrors.Quote(token.Text);

    private CheckNode Or() => Chain(And, CheckTokenKind.Or, CheckTokenKind.Or, Logic);

    private CheckNode And() => Chain(Not, CheckTokenKind.And, CheckTokenKind.And, Logic);

    private CheckNode Sum() => Chain(Product, CheckTokenKind.Plus, CheckTokenKind.Minus, Arithmetic);

    private CheckNode Product() => Chain(Negation, CheckTokenKind.Star, CheckTokenKind.Slash, Arithmetic);

    /// <summary>Operands joined by operators of one precedence, grouped from the left ("a - b - c" is "(a - b) - c").</summary>
    private CheckNode Chain(Func<CheckNode> operand, CheckTokenKind one, CheckTokenKind other, Func<CheckToken, CheckNode, CheckNode, CheckNode> join)
    {
        var left = operand();
        while (Peek.Kind == one || Peek.Kind == other)
        {
            var op = _tokens[_next++];
            left = join(op, left, operand());
        }
        return left;
    }

    private CheckNode Logic(CheckToken op, CheckNode left, CheckNode right)
    {
        RequireCondition(left, $"the left side of '{op.Text}'");
        RequireCondition(right, $"the right side of '{op.Text}'");
        return Bounded(new CheckLogicNode(op.Kind, left, right, op.Position), op);
    }

    private CheckNode Not()
    {
        if (Peek.Kind != CheckTokenKind.Not) return Comparison();
        var op = _tokens[_next++];
        var operand = Unary(op, Not);
        RequireCondition(operand, "the operand of 'not'");
        return Bounded(new CheckNot(operand, op.Position), op);
    }

    private CheckNode Comparison()
    {
        var left = Sum();
        if (!Peek.IsComparison) return left;
        var op = _tokens[_next++];
        var node = Bounded(new CheckComparisonNode(op.Kind, left, Sum(), op.Position), op);
        if (Peek.IsComparison) throw Error(Peek, "comparisons do not chain (join them with 'and')");
        return node;
    }

    private CheckNode Arithmetic(CheckToken op, CheckNode left, CheckNode right) =>
        Bounded(new CheckArithmeticNode(op.Kind, left, right, op.Position), op);

    private CheckNode Negation()
    {
        if (Peek.Kind != CheckTokenKind.Minus) return Primary();
        var op = _tokens[_next++];
        return Bounded(new CheckNegate(Unary(op, Negation), op.Position), op);
    }

    /// <summary>Parses the operand of a prefix operator, refusing before recursing too deep.</summary>
    private CheckNode Unary(CheckToken op, Func<CheckNode> operand)
    {
        if (++_pending > CheckExpression.MaxDepth) throw TooDeep(op);
        var node = operand();
        _pending--;
        return node;
    }

    private CheckNode Primary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case CheckTokenKind.Literal:
                _next++;
                return new CheckLiteral(token.Literal!, token.Position);
            case CheckTokenKind.Field:
                _next++;
                return new CheckField(token.Text, token.Position);
            case CheckTokenKind.Open:
                _next++;
                if (++_open > CheckExpression.MaxDepth) throw TooDeep(token);
                var inner = Or();
                if (Peek.Kind == CheckTokenKind.End) throw Error(token, "this '(' is never closed");
                if (Peek.Kind != CheckTokenKind.Close) throw ExpectedOperator(Peek, " or ')'");
                _next++;
                _open--;
                return inner;
            default:
                string after = _next == 0 ? "" : $" after '{Previous}'";
                string found = token.Kind == CheckTokenKind.End ? "" : $", found '{Found(token)}'";
                throw Error(token, $"expected a value{after}{found}");
        }
    }

    /// <summary>Two values in a row ("a b"); "a AND b" gets a hint, since keywords are lower case only.</summary>
    private Errors.InvalidInputException ExpectedOperator(CheckToken found, string orClose)
    {
        bool keyword = found.Kind == CheckTokenKind.Field && found.Text.ToLowerInvariant() is "and" or "or" or "not";
        return Error(found, $"expected an operator{orClose} after '{Previous}', found '{Found(found)}'" + (keyword ? " (keywords are lower case)" : ""));
    }

    private CheckNode Bounded(CheckNode node, CheckToken op) => node.Depth > CheckExpression.MaxDepth ? throw TooDeep(op) : node;

    private void RequireCondition(CheckNode node, string what)
    {
        if (node.NotACondition is { } instead)
            throw CheckErrors.At(_text, node.Position, $"{what} must be a condition (a comparison, 'and', 'or', 'not', true, false, null or a field), not {instead},");
    }

    private Errors.InvalidInputException TooDeep(CheckToken token) => Error(token, $"the expression nests more than {CheckExpression.MaxDepth} deep");

    private Errors.InvalidInputException Error(CheckToken token, string what) => CheckErrors.At(_text, token.Position, what);
}

using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>One token of a check expression: its kind, where it starts (0-based), its source text and,
/// for a literal, its value.</summary>
internal readonly record struct CheckToken(CheckTokenKind Kind, int Position, string Text, Value? Literal = null)
{
    public bool IsComparison => Kind is >= CheckTokenKind.Equal and <= CheckTokenKind.GreaterOrEqual;

    /// <summary>The operator as the canonical rendering writes it.</summary>
    public static string Symbol(CheckTokenKind kind) => kind switch
    {
        CheckTokenKind.And => "and",
        CheckTokenKind.Or => "or",
        CheckTokenKind.Not => "not",
        CheckTokenKind.Plus => "+",
        CheckTokenKind.Minus => "-",
        CheckTokenKind.Star => "*",
        CheckTokenKind.Slash => "/",
        CheckTokenKind.Equal => "=",
        CheckTokenKind.NotEqual => "!=",
        CheckTokenKind.Less => "<",
        CheckTokenKind.LessOrEqual => "<=",
        CheckTokenKind.Greater => ">",
        CheckTokenKind.GreaterOrEqual => ">=",
        CheckTokenKind.Open => "(",
        CheckTokenKind.Close => ")",
        _ => kind.ToString(),
    };
}

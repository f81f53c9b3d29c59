namespace Causeway.Schemas;

/// <summary>The kinds of token a check expression is made of.</summary>
internal enum CheckTokenKind
{
    End, Literal, Field, And, Or, Not,
    Plus, Minus, Star, Slash,
    Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual,
    Open, Close,
}

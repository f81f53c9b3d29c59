using System.Globalization;
using System.Text;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>Splits a check expression into tokens, ending with one <see cref="CheckTokenKind.End"/>.
/// A lone name that is a keyword is the keyword; a dotted path is always a field ("not.x").</summary>
internal static class CheckLexer
{
    public static List<CheckToken> Tokenize(string text)
    {
        var tokens = new List<CheckToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n') i++;
            if (i == text.Length)
            {
                tokens.Add(new CheckToken(CheckTokenKind.End, i, ""));
                return tokens;
            }
            char c = text[i];
            var token = c switch
            {
                >= '0' and <= '9' => Number(text, i),
                '\'' or '"' => String(text, i),
                _ when IsNameStart(c) => Name(text, i),
                _ => Symbol(text, i),
            };
            tokens.Add(token);
            i += token.Text.Length;
        }
    }

    private static CheckToken Symbol(string text, int i)
    {
        char next = i + 1 < text.Length ? text[i + 1] : '\0';
        var (kind, length) = text[i] switch
        {
            '+' => (CheckTokenKind.Plus, 1),
            '-' => (CheckTokenKind.Minus, 1),
            '*' => (CheckTokenKind.Star, 1),
            '/' => (CheckTokenKind.Slash, 1),
            '=' => (CheckTokenKind.Equal, 1),
            '!' when next == '=' => (CheckTokenKind.NotEqual, 2),
            '<' when next == '=' => (CheckTokenKind.LessOrEqual, 2),
            '<' => (CheckTokenKind.Less, 1),
            '>' when next == '=' => (CheckTokenKind.GreaterOrEqual, 2),
            '>' => (CheckTokenKind.Greater, 1),
            '(' => (CheckTokenKind.Open, 1),
            ')' => (CheckTokenKind.Close, 1),
            _ => throw CheckErrors.At(text, i, $"unexpected character {Describe(text, i)}"),
        };
        return new CheckToken(kind, i, text.Substring(i, length));
    }

    /// <summary>A character for a message: quoted when printable, else as U+XXXX.</summary>
    private static string Describe(string text, int i)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            return $"'{c}{text[i + 1]}'";
        return char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static CheckToken Name(string text, int start)
    {
        int i = start;
        while (true)
        {
            while (i < text.Length && IsNamePart(text[i])) i++;
            if (i == text.Length || text[i] != '.') break;
            if (i + 1 == text.Length || !IsNameStart(text[i + 1]))
                throw CheckErrors.At(text, i + 1, "expected a field name after '.'");
            i++;
        }
        string name = text[start..i];
        return name switch
        {
            "and" => new CheckToken(CheckTokenKind.And, start, name),
            "or" => new CheckToken(CheckTokenKind.Or, start, name),
            "not" => new CheckToken(CheckTokenKind.Not, start, name),
            "true" => new CheckToken(CheckTokenKind.Literal, start, name, Value.True),
            "false" => new CheckToken(CheckTokenKind.Literal, start, name, Value.False),
            "null" => new CheckToken(CheckTokenKind.Literal, start, name, Value.Null),
            _ => new CheckToken(CheckTokenKind.Field, start, name),
        };
    }

    /// <summary>Digits, optionally '.' and more digits. An integer that fits 64 bits is an Int; any other
    /// number is a Decimal, and must be held exactly (no silent rounding of a limit someone wrote).</summary>
    private static CheckToken Number(string text, int start)
    {
        int i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (i == text.Length || !char.IsAsciiDigit(text[i]))
                throw CheckErrors.At(text, i, "expected digits after the decimal point");
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        string literal = text[start..i];
        if (long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out long integer))
            return new CheckToken(CheckTokenKind.Literal, start, literal, Value.Int(integer));
        string trimmed = literal.TrimStart('0');
        if (trimmed.Length == 0 || trimmed[0] == '.') trimmed = "0" + trimmed;
        if (!decimal.TryParse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)
            || number.ToString(CultureInfo.InvariantCulture) != trimmed)
            throw CheckErrors.At(text, start, $"number '{CheckErrors.Quote(literal)}' cannot be held exactly (at most 28 significant digits)");
        return new CheckToken(CheckTokenKind.Literal, start, literal, Value.Decimal(number));
    }

    /// <summary>A quoted string; a backslash escapes a backslash or either quote, nothing else.</summary>
    private static CheckToken String(string text, int start)
    {
        char quote = text[start];
        var content = new StringBuilder();
        int i = start + 1;
        while (true)
        {
            if (i == text.Length) throw CheckErrors.At(text, start, "the string has no closing quote");
            char c = text[i];
            if (c == quote) break;
            if (c == '\\')
            {
                if (i + 1 == text.Length || text[i + 1] is not ('\\' or '\'' or '"'))
                    throw CheckErrors.At(text, i, @"a backslash in a string must escape \, ' or """);
                c = text[++i];
            }
            content.Append(c);
            i++;
        }
        Value value;
        try { value = Value.String(content.ToString()); }
        catch (InvalidInputException) { throw CheckErrors.At(text, start, "the string contains an unpaired surrogate"); }
        return new CheckToken(CheckTokenKind.Literal, start, text[start..(i + 1)], value);
    }
}

using System.Text;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>A schema check's condition (docs/api.md, schemas: <c>"checks": [{ "name", "expr" }]</c>), parsed once
/// and evaluated against a document's fields with SQL CHECK semantics: three-valued, an absent field is
/// null, and a check is violated only when it evaluates to false. Pure: no I/O, no clock, no culture.</summary>
public sealed class CheckExpression
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 64;

    private readonly CheckNode _root;

    private CheckExpression(string text, CheckNode root)
    {
        Text = text;
        _root = root;
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        root.CollectFields(fields);
        Fields = [.. fields];
    }

    /// <summary>Parses <paramref name="text"/>; any problem is an <see cref="InvalidInputException"/>
    /// (invalid_value) whose one-line message says what is wrong and where (1-based).</summary>
    public static CheckExpression Parse(string text)
    {
        if (text is null) throw new InvalidInputException(ErrorCodes.InvalidValue, "A check needs an expression.");
        if (text.Length > MaxLength)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Check '{CheckErrors.Quote(text)}' is {text.Length} characters long; at most {MaxLength} are allowed.");
        return new CheckExpression(text, CheckParser.Parse(text));
    }

    /// <summary>The text as written.</summary>
    public string Text { get; }

    /// <summary>The distinct dotted paths the expression reads, in ordinal order.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>True, false, or null when unknown. <paramref name="field"/> gives a path's value, or null
    /// when the document has no such field. Nothing here throws; the callback's own exceptions pass through.</summary>
    public bool? Evaluate(Func<string, Value?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return _root.Evaluate(field) is { Kind: ValueKind.Bool } result ? result.AsBool() : null;
    }

    /// <summary>SQL CHECK: only false refuses; unknown passes.</summary>
    public bool Allows(Func<string, Value?> field) => Evaluate(field) != false;

    /// <summary>The canonical form: single spaces around operators, every operator below the top in
    /// parentheses, strings in single quotes. It parses back to the same tree.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        _root.Render(sb, top: true);
        return sb.ToString();
    }
}

using System.Text;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority.Policies;

/// <summary>One statement of the UCAN 1.0 policy language: <c>==</c>, <c>!=</c>, <c>&lt;</c>,
/// <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>like</c>, <c>and</c>, <c>or</c>, <c>not</c>,
/// <c>all</c>, <c>any</c>. Read from its IPLD form (a list whose first element is the operator).</summary>
public abstract class Statement
{
    private Statement() { }

    /// <summary>Whether the statement holds for <paramref name="args"/>; throws
    /// <see cref="PolicyException"/> when it cannot be evaluated.</summary>
    public abstract bool Evaluate(Value args);

    /// <summary>Reads a statement from its IPLD form.</summary>
    public static Statement Parse(Value form)
    {
        if (form.Kind != ValueKind.Array || form.AsArray().Count == 0 || form.AsArray()[0].Kind != ValueKind.String)
            throw Invalid($"{Documents.Names.Clip(form.ToString())} is not a statement (a list starting with its operator)");
        var items = form.AsArray();
        string op = items[0].AsString();
        switch (op)
        {
            case "==" or "!=" or "<" or "<=" or ">" or ">=":
                Arity(items, 3, op);
                return new Comparison(op, SelectorAt(items, 1, op), items[2]);
            case "like":
                Arity(items, 3, op);
                if (items[2].Kind != ValueKind.String) throw Invalid("'like' takes a string pattern");
                return new Like(SelectorAt(items, 1, op), items[2].AsString());
            case "not":
                Arity(items, 2, op);
                return new Not(Parse(items[1]));
            case "and" or "or":
                Arity(items, 2, op);
                if (items[1].Kind != ValueKind.Array) throw Invalid($"'{op}' takes a list of statements");
                return new Connective(op == "and", [.. items[1].AsArray().Select(Parse)]);
            case "all" or "any":
                Arity(items, 3, op);
                return new Quantifier(op == "all", SelectorAt(items, 1, op), Parse(items[2]));
            default:
                throw Invalid($"'{Documents.Names.Clip(op)}' is not a policy operator");
        }
    }

    private static void Arity(IReadOnlyList<Value> items, int count, string op)
    {
        if (items.Count != count) throw Invalid($"'{op}' takes {count - 1} operand{(count == 2 ? "" : "s")}");
    }

    private static Selector SelectorAt(IReadOnlyList<Value> items, int at, string op) =>
        items[at].Kind == ValueKind.String ? Selector.Parse(items[at].AsString()) : throw Invalid($"'{op}' takes a selector string");

    private static InvalidInputException Invalid(string why) => new(ErrorCodes.InvalidValue, $"Not a policy: {why}.");

    private sealed class Comparison(string op, Selector selector, Value operand) : Statement
    {
        public override bool Evaluate(Value args)
        {
            var value = selector.Select(args);
            switch (op)
            {
                case "==": return PolicyValues.DeepEquals(value, operand);
                case "!=": return !PolicyValues.DeepEquals(value, operand);
            }
            if (!value.IsNumber || !operand.IsNumber) return false;
            int order = PolicyValues.CompareNumbers(value, operand);
            return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
        }
    }

    private sealed class Like(Selector selector, string pattern) : Statement
    {
        private readonly Glob _glob = new(pattern);

        public override bool Evaluate(Value args)
        {
            var value = selector.Select(args);
            return value.Kind == ValueKind.String && _glob.Matches(value.AsString());
        }
    }

    /// <summary>A glob: <c>*</c> is any run of characters, <c>\*</c> a literal star; all else is literal.
    /// Matched without a regular expression (whose automaton a hostile pattern of a token's size could
    /// make huge): the literal parts in order, the first at the start, the last at the end, each middle
    /// one where it first occurs after the one before, which is right when the only wildcard is <c>*</c>.</summary>
    private sealed class Glob
    {
        private readonly string[] _parts;

        public Glob(string pattern)
        {
            var parts = new List<string>();
            var part = new StringBuilder();
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] == '*') { part.Append('*'); i++; }
                else if (pattern[i] == '*') { parts.Add(part.ToString()); part.Clear(); }
                else part.Append(pattern[i]);
            }
            parts.Add(part.ToString());
            _parts = [.. parts];
        }

        public bool Matches(string text)
        {
            if (_parts.Length == 1) return string.Equals(text, _parts[0], StringComparison.Ordinal);
            string first = _parts[0], last = _parts[^1];
            if (text.Length < first.Length + last.Length || !text.StartsWith(first, StringComparison.Ordinal) || !text.EndsWith(last, StringComparison.Ordinal))
                return false;
            int at = first.Length, end = text.Length - last.Length;
            for (int i = 1; i < _parts.Length - 1; i++)
            {
                if (_parts[i].Length == 0) continue;
                int found = text.AsSpan(at, end - at).IndexOf(_parts[i], StringComparison.Ordinal);
                if (found < 0) return false;
                at += found + _parts[i].Length;
            }
            return true;
        }
    }

    private sealed class Not(Statement inner) : Statement
    {
        public override bool Evaluate(Value args) => !inner.Evaluate(args);
    }

    /// <summary><c>and</c> and <c>or</c>. As the spec says, both hold over an empty list.</summary>
    private sealed class Connective(bool all, Statement[] statements) : Statement
    {
        public override bool Evaluate(Value args) =>
            all ? statements.All(s => s.Evaluate(args)) : statements.Length == 0 || statements.Any(s => s.Evaluate(args));
    }

    private sealed class Quantifier(bool all, Selector selector, Statement inner) : Statement
    {
        public override bool Evaluate(Value args)
        {
            var value = selector.Select(args);
            IReadOnlyList<Value> elements = value.Kind switch
            {
                ValueKind.Array => value.AsArray(),
                ValueKind.Map => [.. value.AsMap().Select(e => e.Value)],
                _ => throw new PolicyException($"'{(all ? "all" : "any")}' needs a list or map at '{selector}', found {value.Kind}"),
            };
            return all ? elements.All(inner.Evaluate) : elements.Any(inner.Evaluate);
        }
    }
}

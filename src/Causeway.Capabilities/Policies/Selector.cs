using System.Globalization;
using System.Text;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority.Policies;

/// <summary>A UCAN 1.0 policy selector (jq-like): <c>.</c>, <c>.field</c>, <c>.["field"]</c>,
/// <c>[index]</c> (negative counts from the end), <c>[a:b]</c> slices, <c>[]</c> (every element), each
/// optionally followed by <c>?</c> (a missing value is null instead of a failure).</summary>
public sealed class Selector
{
    private abstract record Segment(bool Optional);
    private sealed record Field(string Name, bool Optional) : Segment(Optional);
    private sealed record Index(long At, bool Optional) : Segment(Optional);
    private sealed record Slice(long? From, long? To, bool Optional) : Segment(Optional);
    private sealed record Iterate(bool Optional) : Segment(Optional);

    private readonly Segment[] _segments;

    private Selector(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static Selector Parse(string text)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '.') throw Invalid(text, "a selector starts with '.'");
        var segments = new List<Segment>();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                i++;
                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
                {
                    int start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                    segments.Add(new Field(text[start..i], Optional(text, ref i)));
                }
                else if (i < text.Length && text[i] != '[') throw Invalid(text, $"unexpected '{text[i]}' after '.'");
                else if (i > 1 && i == text.Length) throw Invalid(text, "it ends with '.'");
            }
            else if (text[i] == '[')
            {
                int close = FindClose(text, i);
                string inner = text[(i + 1)..close];
                i = close + 1;
                bool optional = Optional(text, ref i);
                if (inner.Length == 0) segments.Add(new Iterate(optional));
                else if (inner[0] == '"') segments.Add(new Field(Unquote(text, inner), optional));
                else if (inner.Contains(':'))
                {
                    var parts = inner.Split(':');
                    if (parts.Length != 2) throw Invalid(text, $"'[{inner}]' is not a slice");
                    segments.Add(new Slice(parts[0].Length == 0 ? null : Number(text, parts[0]), parts[1].Length == 0 ? null : Number(text, parts[1]), optional));
                }
                else segments.Add(new Index(Number(text, inner), optional));
            }
            else throw Invalid(text, $"unexpected '{text[i]}'");
        }
        return new Selector(text, [.. segments]);
    }

    /// <summary>The value selected from <paramref name="subject"/>; throws <see cref="PolicyException"/>
    /// when a non-optional segment finds nothing.</summary>
    public Value Select(Value subject) => Select(subject, 0);

    private Value Select(Value value, int from)
    {
        for (int s = from; s < _segments.Length; s++)
        {
            var segment = _segments[s];
            Value? next;
            switch (segment)
            {
                case Field f:
                    next = value.Kind == ValueKind.Map ? value.Get(f.Name) : null;
                    break;
                case Index ix:
                    next = null;
                    if (value.Kind == ValueKind.Array)
                    {
                        var items = value.AsArray();
                        long at = ix.At < 0 ? items.Count + ix.At : ix.At;
                        if (at >= 0 && at < items.Count) next = items[(int)at];
                    }
                    break;
                case Slice sl:
                    next = SliceOf(value, sl);
                    break;
                case Iterate:
                    IReadOnlyList<Value>? elements = value.Kind switch
                    {
                        ValueKind.Array => value.AsArray(),
                        ValueKind.Map => [.. value.AsMap().Select(e => e.Value)],
                        _ => null,
                    };
                    if (elements is null)
                    {
                        if (segment.Optional) return Value.Null;
                        throw new PolicyException($"selector '{Text}': '[]' needs a list or map, found {value.Kind}");
                    }
                    return Value.Array(elements.Select(e => Select(e, s + 1)));
                default:
                    throw new InvalidOperationException();
            }
            if (next is null)
            {
                if (segment.Optional) return Value.Null;
                throw new PolicyException($"selector '{Text}' selects nothing");
            }
            value = next;
        }
        return value;
    }

    private static Value? SliceOf(Value value, Slice slice)
    {
        int length = value.Kind switch
        {
            ValueKind.Array => value.AsArray().Count,
            ValueKind.String => value.AsString().Length,
            ValueKind.Bytes => value.AsBytes().Length,
            _ => -1,
        };
        if (length < 0) return null;
        long from = Clamp(slice.From ?? 0, length), to = Clamp(slice.To ?? length, length);
        if (to < from) to = from;
        return value.Kind switch
        {
            ValueKind.Array => Value.Array(value.AsArray().Skip((int)from).Take((int)(to - from))),
            ValueKind.String => Value.String(value.AsString()[(int)from..(int)to]),
            _ => Value.Bytes(value.AsBytes().Span[(int)from..(int)to]),
        };
    }

    private static long Clamp(long at, int length) => Math.Clamp(at < 0 ? length + at : at, 0, length);

    private static bool Optional(string text, ref int i)
    {
        if (i < text.Length && text[i] == '?') { i++; return true; }
        return false;
    }

    private static int FindClose(string text, int open)
    {
        bool quoted = false;
        for (int j = open + 1; j < text.Length; j++)
        {
            if (quoted && text[j] == '\\') { j++; continue; }
            if (text[j] == '"') quoted = !quoted;
            else if (!quoted && text[j] == ']') return j;
        }
        throw Invalid(text, "a '[' is never closed");
    }

    private static string Unquote(string text, string inner)
    {
        if (inner.Length < 2 || inner[^1] != '"') throw Invalid(text, $"'[{inner}]' is not a quoted field");
        var result = new StringBuilder();
        for (int j = 1; j < inner.Length - 1; j++)
        {
            if (inner[j] == '\\' && j + 1 < inner.Length - 1) j++;
            else if (inner[j] == '"') throw Invalid(text, $"'[{inner}]' is not a quoted field");
            result.Append(inner[j]);
        }
        return result.ToString();
    }

    private static long Number(string text, string digits) =>
        long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : throw Invalid(text, $"'{digits}' is not an integer");

    private static InvalidInputException Invalid(string? text, string why) =>
        new(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(text)}' is not a selector: {why}.");
}

/// <summary>A policy could not be evaluated against its arguments (a selector found nothing, a
/// quantifier found no list). The policy does not hold.</summary>
public sealed class PolicyException(string message) : Exception(message);

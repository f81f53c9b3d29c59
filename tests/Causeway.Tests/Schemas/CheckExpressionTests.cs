using System.Globalization;
using System.Numerics;
using System.Text;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Schemas;

/// <summary>The check-constraint language: grammar and precedence, SQL three-valued semantics, parse
/// errors, and properties over random trees (canonical form round-trips, evaluation matches a model
/// written here from the spec, 'not' is Kleene negation) and random garbage (only invalid_value).</summary>
public sealed class CheckExpressionTests
{
    private static bool? Eval(string expr, params (string Path, Value? Value)[] fields)
    {
        var map = fields.ToDictionary(f => f.Path, f => f.Value, StringComparer.Ordinal);
        return CheckExpression.Parse(expr).Evaluate(path => map.GetValueOrDefault(path));
    }

    private static InvalidInputException Refused(string? expr)
    {
        var e = Assert.Throws<InvalidInputException>(() => CheckExpression.Parse(expr!));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        return e;
    }

    // ---- operators and precedence ----

    [Theory]
    [InlineData("1 + 2 = 3")]
    [InlineData("5 - 7 = -2")]
    [InlineData("6 * 7 = 42")]
    [InlineData("7 / 2 = 3.5")]                  // '/' is never integer division
    [InlineData("-(2) = 0 - 2")]
    [InlineData("1 != 2")]
    [InlineData("1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3")]
    [InlineData("1 + 2 * 3 = 7")]                 // * before +
    [InlineData("(1 + 2) * 3 = 9")]
    [InlineData("10 - 4 - 3 = 3")]                // left associative
    [InlineData("16 / 4 / 2 = 2")]
    [InlineData("-2 * 3 = -6")]
    [InlineData("2 - -3 = 5")]
    [InlineData("not false and false = false")]   // (not false) and (false = false)
    [InlineData("true or true and false")]        // and before or: false here would mean (true or true) and false
    [InlineData("not 1 = 2")]                     // not (1 = 2)
    [InlineData("0.1 + 0.2 = 0.3")]               // decimal literals are exact
    [InlineData("2.50 = 2.5")]                    // numbers compare by value, not by scale
    [InlineData("'B' < 'a'")]                     // ordinal, not culture order
    [InlineData("'é' > 'z'")]
    [InlineData("'abc' = \"abc\"")]
    [InlineData("'it\\'s' = \"it's\"")]
    [InlineData("'a\\\\b' = \"a\\\\b\"")]          // an escaped backslash, in either quote style
    public void True_examples(string expr) => Assert.True(Eval(expr));

    [Fact]
    public void Not_binds_looser_than_comparison_and_tighter_than_and()
    {
        // not false and false → (not false) and false = false; not (false and false) would be true.
        Assert.False(Eval("not false and false"));
        Assert.Equal("(not false) and false", CheckExpression.Parse("not false and false").ToString());
        Assert.Equal("((a + (b * c)) = d) or ((not e) and f)", CheckExpression.Parse("a + b * c = d or not e and f").ToString());
        Assert.Equal("(-a * b) > (a - (b - c))", CheckExpression.Parse("-a*b>a-(b-c)").ToString());
    }

    [Fact]
    public void Escapes_cover_the_quote_and_backslash()
    {
        Assert.True(Eval("s = 'a\\\\b'", ("s", Value.String("a\\b"))));
        Assert.True(Eval("s = \"say \\\"hi\\\"\"", ("s", Value.String("say \"hi\""))));
        // The canonical form single-quotes and escapes, and reads back as the same string.
        var check = CheckExpression.Parse("s = \"it's \\\\\"");
        Assert.Equal("s = 'it\\'s \\\\'", check.ToString());
        Assert.True(check.Evaluate(_ => Value.String("it's \\")));
    }

    [Fact]
    public void Integer_arithmetic_stays_exact_until_it_overflows_then_becomes_double()
    {
        // Exact: as doubles, 2^53 + 1 would equal 2^53.
        Assert.True(Eval("9007199254740992 + 1 > 9007199254740992"));
        // Overflow goes to double, not wrap-around (which would give a negative number).
        Assert.True(Eval("9223372036854775807 + 1 > 0"));
        Assert.True(Eval("a * a > 0", ("a", Value.Int(long.MaxValue))));
        Assert.True(Eval("-a > 0", ("a", Value.Int(long.MinValue))));
        // An integer literal beyond 64 bits is an exact decimal.
        Assert.True(Eval("9223372036854775808 - 1 = 9223372036854775807"));
    }

    [Fact]
    public void Decimals_are_exact_and_overflow_to_double()
    {
        Assert.True(Eval("price * 3 = 59.97", ("price", Value.Decimal(19.99m))));
        Assert.True(Eval("price - 0.01 = 19.98", ("price", Value.Decimal(19.99m))));
        Assert.True(Eval("a * a > 0", ("a", Value.Decimal(decimal.MaxValue))));
        // Mixed with a double, the arithmetic is double.
        Assert.True(Eval("a + 0.5 = 1", ("a", Value.Double(0.5))));
    }

    [Fact]
    public void Unknown_arithmetic_results_are_null_not_errors()
    {
        Assert.Null(Eval("1 / 0 = 1"));
        Assert.Null(Eval("a / b > 0", ("a", Value.Int(1)), ("b", Value.Double(-0.0))));
        Assert.Null(Eval("a * a > 0", ("a", Value.Double(1e300)))); // would be infinite
        Assert.Null(Eval("a / b > 0", ("a", Value.Double(1e300)), ("b", Value.Double(1e-300))));
    }

    [Fact]
    public void Numbers_of_different_kinds_compare_by_value()
    {
        Assert.True(Eval("a = 1", ("a", Value.Double(1.0))));
        Assert.True(Eval("a = b", ("a", Value.Decimal(1.50m)), ("b", Value.Double(1.5))));
        Assert.True(Eval("a < b", ("a", Value.Int(1)), ("b", Value.Decimal(1.0000000001m))));
        Assert.False(Eval("a > 2", ("a", Value.Double(1.5))));
    }

    [Fact]
    public void Booleans_support_only_equality()
    {
        Assert.True(Eval("flag = true", ("flag", Value.True)));
        Assert.True(Eval("true != false"));
        Assert.Null(Eval("true < false"));
        Assert.Null(Eval("flag >= false", ("flag", Value.True)));
    }

    [Fact]
    public void Timestamps_compare_with_timestamps()
    {
        var start = Value.Timestamp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var end = Value.Timestamp(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));
        Assert.True(Eval("ends > starts", ("starts", start), ("ends", end)));
        Assert.False(Eval("ends = starts", ("starts", start), ("ends", end)));
        Assert.Null(Eval("ends > 0", ("ends", end)));
    }

    [Theory]
    [InlineData("'a' = 1")]
    [InlineData("'a' < 1")]
    [InlineData("'a' + 1 = 1")]
    [InlineData("'a' + 'b' = 'ab'")]  // no string concatenation
    [InlineData("true + 1 = 2")]
    [InlineData("-'a' = 1")]
    [InlineData("(1 < 2) < 3")]
    public void Incompatible_kinds_give_null(string expr) => Assert.Null(Eval(expr));

    [Fact]
    public void Bytes_arrays_and_maps_do_not_compare()
    {
        var array = Value.Array([Value.Int(1)]);
        Assert.Null(Eval("a = a", ("a", array)));
        Assert.Null(Eval("m = m", ("m", Value.Map([new("x", Value.Int(1))]))));
        Assert.Null(Eval("b = b", ("b", Value.Bytes([1]))));
    }

    // ---- three-valued logic ----

    [Theory]
    [InlineData("true and true", true)]
    [InlineData("true and false", false)]
    [InlineData("true and null", null)]
    [InlineData("false and true", false)]
    [InlineData("false and false", false)]
    [InlineData("false and null", false)]
    [InlineData("null and true", null)]
    [InlineData("null and false", false)]
    [InlineData("null and null", null)]
    [InlineData("true or true", true)]
    [InlineData("true or false", true)]
    [InlineData("true or null", true)]
    [InlineData("false or true", true)]
    [InlineData("false or false", false)]
    [InlineData("false or null", null)]
    [InlineData("null or true", true)]
    [InlineData("null or false", null)]
    [InlineData("null or null", null)]
    [InlineData("not true", false)]
    [InlineData("not false", true)]
    [InlineData("not null", null)]
    [InlineData("null", null)]
    [InlineData("null = null", null)]   // SQL: null equals nothing, not even null
    public void Kleene_table(string expr, bool? expected) => Assert.Equal(expected, Eval(expr));

    [Fact]
    public void Absent_and_null_fields_are_unknown()
    {
        Assert.Null(Eval("a > 0"));
        Assert.Null(Eval("a > 0", ("a", Value.Null)));
        Assert.False(Eval("a > 0 and b > 0", ("b", Value.Int(-1))));
        // A field used as a condition must hold a boolean; anything else is unknown.
        Assert.True(Eval("on", ("on", Value.True)));
        Assert.Null(Eval("on or false", ("on", Value.Int(1))));
        Assert.Null(Eval("not on", ("on", Value.String("yes"))));
    }

    [Fact]
    public void Allows_refuses_only_false()
    {
        var check = CheckExpression.Parse("discounted_price > 0 and price > discounted_price");
        Value? Item(string path, Value? price, Value? discounted) => path == "price" ? price : discounted;
        Assert.True(check.Allows(p => Item(p, Value.Int(10), Value.Int(8))));
        Assert.False(check.Allows(p => Item(p, Value.Int(10), Value.Int(12))));
        Assert.True(check.Allows(p => Item(p, Value.Int(10), null)));   // unknown passes
        Assert.Null(check.Evaluate(p => Item(p, Value.Int(10), null)));
    }

    [Fact]
    public void Fields_lists_distinct_paths_in_ordinal_order()
    {
        var check = CheckExpression.Parse("z.y = b.c and b.c > a and a < 3 and B = 'a.b' and not.x and null = _u");
        Assert.Equal(["B", "_u", "a", "b.c", "not.x", "z.y"], check.Fields);
        Assert.Empty(CheckExpression.Parse("1 < 2 or true").Fields);
        Assert.Equal("z.y = b.c and b.c > a and a < 3 and B = 'a.b' and not.x and null = _u", check.Text);
    }

    // ---- parse errors ----

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("x >")]
    [InlineData("(a > 1")]
    [InlineData("a > 1)")]
    [InlineData("a b")]
    [InlineData("a > 1 +")]
    [InlineData("a. = 1")]
    [InlineData("a..b = 1")]
    [InlineData("a .b = 1")]
    [InlineData("1a = 1")]
    [InlineData("s = 'abc")]
    [InlineData("s = 'a\\nb'")]        // only \\, \' and \" are escapes
    [InlineData("a = 3.")]
    [InlineData("a = .5")]
    [InlineData("a = 1e5")]
    [InlineData("a = 1.2.3")]
    [InlineData("a == b")]
    [InlineData("a =! b")]
    [InlineData("a <> b")]
    [InlineData("!a")]
    [InlineData("a < b < c")]           // comparisons do not chain
    [InlineData("a = b != c")]
    [InlineData("a AND b")]             // keywords are lower case
    [InlineData("Not a")]
    [InlineData("1")]                   // the check must be a condition
    [InlineData("'yes'")]
    [InlineData("a + 1")]
    [InlineData("-a")]
    [InlineData("not 1")]
    [InlineData("1 and a")]
    [InlineData("a or 'x'")]
    [InlineData("not")]
    [InlineData("and")]
    [InlineData("()")]
    [InlineData("a = #")]
    [InlineData("a = 99999999999999999999999999999999")]   // beyond decimal
    [InlineData("a = 0.12345678901234567890123456789")]    // would round
    [InlineData("a\u00a0= 1")]                            // only ASCII white space separates
    public void Malformed_input_is_refused(string expr)
    {
        var e = Refused(expr);
        Assert.StartsWith("Check '", e.Message);
        Assert.Matches(@" at \d+\.$", e.Message);
    }

    [Fact]
    public void Messages_say_what_and_where()
    {
        Assert.Equal("Check 'x >': expected a value after '>' at 4.", Refused("x >").Message);
        Assert.Equal("Check 'x > )': expected a value after '>', found ')' at 5.", Refused("x > )").Message);
        Assert.Equal("Check '1 < 2 < 3': comparisons do not chain (join them with 'and') at 7.", Refused("1 < 2 < 3").Message);
        Assert.Equal("Check '(a': this '(' is never closed at 1.", Refused("(a").Message);
        Assert.Equal("Check 'a AND b': expected an operator after 'a', found 'AND' (keywords are lower case) at 3.", Refused("a AND b").Message);
        Assert.Contains("the check must be a condition", Refused("a + 1").Message);
        Assert.Contains("the right side of 'or' must be a condition", Refused("a or 'x'").Message);
        // One line, even when the text has several.
        Assert.DoesNotContain('\n', Refused("a >\n\n").Message);
    }

    [Fact]
    public void Null_oversized_and_ill_formed_text_is_refused()
    {
        Refused(null);
        // Built at run time: attribute strings cannot carry a lone surrogate.
        Assert.Contains("unpaired surrogate", Refused("a = 'x\ud800'").Message);
        Assert.Contains("U+DC00", Refused("a = \udc00").Message);
        string fits = "a = '" + new string('x', CheckExpression.MaxLength - 6) + "'";
        Assert.Equal(CheckExpression.MaxLength, fits.Length);
        Assert.True(CheckExpression.Parse(fits).Evaluate(_ => Value.String(new string('x', CheckExpression.MaxLength - 6))));
        Assert.Contains("at most 4096", Refused(fits + " ").Message);
    }

    [Fact]
    public void Nesting_is_bounded_at_64_and_the_deepest_accepted_form_round_trips()
    {
        static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));
        string[] deepest =
        [
            Repeat("(", 64) + "a" + Repeat(")", 64),
            "a" + Repeat(" and a", 64),
            Repeat("not ", 64) + "a",
            Repeat("-", 63) + "a = 0",
            "a" + Repeat(" + a", 63) + " = 0",
        ];
        foreach (string text in deepest)
        {
            var check = CheckExpression.Parse(text);
            // The canonical form adds parentheses; it must still fit the limit.
            Assert.Equal(check.ToString(), CheckExpression.Parse(check.ToString()).ToString());
        }
        Assert.Contains("nests more than 64", Refused(Repeat("(", 65) + "a" + Repeat(")", 65)).Message);
        Assert.Contains("nests more than 64", Refused("a" + Repeat(" and a", 65)).Message);
        Assert.Contains("nests more than 64", Refused(Repeat("not ", 65) + "a").Message);
        Assert.Contains("nests more than 64", Refused(Repeat("-", 64) + "a = 0").Message);
        // Far deeper than the limit: refused at the first operator past it, before recursing further.
        Assert.EndsWith(" at 65.", Refused(Repeat("-", 4000) + "a = 0").Message);
        Refused(Repeat("(", 2000) + Repeat(")", 2000));
    }

    // ---- properties ----

    /// <summary>A tree as the test builds it. Wrap asks the renderer for parentheses that are not needed.</summary>
    private abstract record Node;
    private sealed record Lit(Value Value, bool DoubleQuoted) : Node;
    private sealed record Field(string Path) : Node;
    private sealed record Neg(Node Operand) : Node;
    private sealed record Not(Node Operand) : Node;
    private sealed record Binary(string Op, Node Left, Node Right, bool Wrap) : Node;

    /// <summary>A tree, its text in some style, and the values of the four fields.</summary>
    private sealed record Case(Node Tree, string Text, Value?[] Env)
    {
        public Value? Field(string path) => Env[Array.IndexOf(Paths, path)];
        public override string ToString() => $"{Text}  with  {string.Join(", ", Env.Select((v, i) => $"{Paths[i]}={v?.ToString() ?? "absent"}"))}";
    }

    private static readonly string[] Paths = ["a", "b", "c.d", "_x"];
    private static readonly string[] Comparisons = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] Arithmetic = ["+", "-", "*", "/"];

    // Numbers dominate both pools, so most random checks come out true or false rather than unknown.
    private static readonly Value[] NumberLiterals =
    [
        Value.Int(0), Value.Int(1), Value.Int(2), Value.Int(10), Value.Int(4294967296), Value.Int(long.MaxValue),
        Value.Decimal(0.5m), Value.Decimal(2.50m), Value.Decimal(0.1m), Value.Decimal(decimal.MaxValue),
    ];

    private static readonly Value[] OtherLiterals =
    [
        Value.String(""), Value.String("a"), Value.String("B"), Value.String("it's"), Value.String("back\\slash"), Value.String("é\"q"),
        Value.True, Value.False, Value.Null,
    ];

    private static readonly Value?[] NumberFieldValues =
    [
        Value.Int(0), Value.Int(2), Value.Int(-7), Value.Int(long.MaxValue), Value.Int(long.MinValue),
        Value.Double(0.5), Value.Double(-0.0), Value.Double(2.5), Value.Double(1e300),
        Value.Decimal(2.5m), Value.Decimal(0.1m), Value.Decimal(decimal.MinValue),
    ];

    private static readonly Value?[] OtherFieldValues =
    [
        null, Value.Null, Value.String("a"), Value.String("B"), Value.True, Value.False,
        Value.TimestampFromMicros(0), Value.TimestampFromMicros(1), Value.Array([Value.Int(1)]),
    ];

    private static readonly Value?[] FieldValues = [.. NumberFieldValues, .. OtherFieldValues];

    private static Gen<T> Pick<T>(T[] pool) => Gen.Int[0, pool.Length - 1].Select(i => pool[i]);

    private static readonly Gen<Node> LitGen = Gen.Select(Gen.Frequency((5, Pick(NumberLiterals)), (1, Pick(OtherLiterals))), Gen.Bool)
        .Select((v, dq) => (Node)new Lit(v, dq));
    private static readonly Gen<Node> FieldGen = Pick(Paths).Select(p => (Node)new Field(p));
    private static readonly Gen<Node> ConditionLeaf = Gen.Frequency(
        (1, FieldGen),
        (3, Gen.OneOf(Value.True, Value.False, Value.True, Value.False, Value.Null).Select(v => (Node)new Lit(v, false))));

    /// <summary>Trees at most 5 operators deep that can be a check's condition, built bottom up:
    /// value positions take anything, condition positions only what may be boolean.</summary>
    private static readonly Gen<Node> ConditionGen = BuildConditions(5);

    private static Gen<Node> BuildConditions(int depth)
    {
        Gen<Node> value = Gen.OneOf(LitGen, FieldGen), condition = ConditionLeaf;
        for (int d = 1; d <= depth; d++)
        {
            Gen<Node> operand = value, inner = condition;
            Gen<Node> Pair(string[] ops, Gen<Node> side) =>
                Gen.Select(Gen.Int[0, ops.Length - 1], side, side, Gen.Int[0, 5]).Select((o, l, r, wrap) => (Node)new Binary(ops[o], l, r, wrap == 0));
            value = Gen.Frequency(
                (10, Gen.OneOf(LitGen, FieldGen)),
                (4, Pair(Arithmetic, operand)),
                (1, operand.Select(x => (Node)new Neg(x))),
                (1, inner));
            condition = Gen.Frequency(
                (1, ConditionLeaf),
                (6, Pair(Comparisons, operand)),
                (3, Pair(["and", "or"], inner)),
                (1, inner.Select(x => (Node)new Not(x))));
        }
        return condition;
    }

    private static readonly string[] Spacings = [" ", "", "  ", "\t", "\n "];

    private static readonly Gen<Value?[]> EnvGen = Gen.Frequency((6, Pick(NumberFieldValues)), (1, Pick(OtherFieldValues))).Array[Paths.Length];

    private static readonly Gen<Case> CaseGen = Gen.Select(ConditionGen, Gen.Int[0, Spacings.Length - 1], EnvGen)
        .Select((tree, s, env) => new Case(tree, Render(tree, 0, Spacings[s]), env));

    private static int Precedence(Node node) => node switch
    {
        Binary { Op: "or" } => 1,
        Binary { Op: "and" } => 2,
        Not => 3,
        Binary { Op: "=" or "!=" or "<" or "<=" or ">" or ">=" } => 4,
        Binary { Op: "+" or "-" } => 5,
        Binary => 6,
        Neg => 7,
        _ => 8,
    };

    /// <summary>The text with as few parentheses as the grammar needs (plus the ones Wrap asks for).</summary>
    private static string Render(Node node, int minimum, string space)
    {
        string word = space.Length == 0 ? " " : space;  // "a and b" cannot lose its spaces
        int own = Precedence(node);
        string text = node switch
        {
            Lit lit => Literal(lit.Value, lit.DoubleQuoted ? '"' : '\''),
            Field f => f.Path,
            Neg n => "-" + Render(n.Operand, 7, space),
            Not n => "not" + word + Render(n.Operand, 3, space),
            Binary b => Render(b.Left, own == 4 ? 5 : own, space)
                + (b.Op is "and" or "or" ? word + b.Op + word : space + b.Op + space)
                + Render(b.Right, own + 1, space),
            _ => throw new InvalidOperationException(),
        };
        return own < minimum || node is Binary { Wrap: true } ? "(" + text + ")" : text;
    }

    /// <summary>The canonical form the spec'd ToString gives: every operator below the top parenthesized.</summary>
    private static string Canonical(Node node, bool top = true)
    {
        string text = node switch
        {
            Lit lit => Literal(lit.Value, '\''),
            Field f => f.Path,
            Neg n => "-" + Canonical(n.Operand, false),
            Not n => "not " + Canonical(n.Operand, false),
            Binary b => Canonical(b.Left, false) + " " + b.Op + " " + Canonical(b.Right, false),
            _ => throw new InvalidOperationException(),
        };
        return top || node is Lit or Field or Neg ? text : "(" + text + ")";
    }

    private static string Literal(Value value, char quote) => value.Kind switch
    {
        ValueKind.String => quote + value.AsString().Replace("\\", "\\\\").Replace(quote.ToString(), "\\" + quote) + quote,
        ValueKind.Int => value.AsInt().ToString(CultureInfo.InvariantCulture),
        ValueKind.Decimal => value.AsDecimal().ToString(CultureInfo.InvariantCulture),
        _ => value.IsNull ? "null" : value.AsBool() ? "true" : "false",
    };

    // ---- the model: the spec restated, independently of the engine ----

    /// <summary>Kleene truth as 0 (false), 1 (unknown), 2 (true): and is min, or is max, not is 2 - x.</summary>
    private static int Truth(Value? v) => v is { Kind: ValueKind.Bool } ? (v.AsBool() ? 2 : 0) : 1;

    private static Value? FromTruth(int t) => t == 1 ? null : Value.Bool(t == 2);

    private static Value? Model(Node node, Func<string, Value?> env) => node switch
    {
        Lit lit => lit.Value.IsNull ? null : lit.Value,
        Field f => env(f.Path) is { IsNull: false } v ? v : null,
        Neg n => ModelArithmetic("-", Value.Int(0), Model(n.Operand, env)),  // -x as 0 - x
        Not n => FromTruth(2 - Truth(Model(n.Operand, env))),
        Binary { Op: "and" } b => FromTruth(Math.Min(Truth(Model(b.Left, env)), Truth(Model(b.Right, env)))),
        Binary { Op: "or" } b => FromTruth(Math.Max(Truth(Model(b.Left, env)), Truth(Model(b.Right, env)))),
        Binary b when Comparisons.Contains(b.Op) => ModelCompare(b.Op, Model(b.Left, env), Model(b.Right, env)),
        Binary b => ModelArithmetic(b.Op, Model(b.Left, env), Model(b.Right, env)),
        _ => throw new InvalidOperationException(),
    };

    private static Value? ModelCompare(string op, Value? a, Value? b)
    {
        if (a is null || b is null) return null;
        bool numbers = a.IsNumber && b.IsNumber;
        if (!numbers && (a.Kind != b.Kind || a.Kind is not (ValueKind.String or ValueKind.Timestamp or ValueKind.Bool))) return null;
        if (a.Kind == ValueKind.Bool && op is not ("=" or "!=")) return null;
        // Value's own order is right within one kind, and for numbers by value as queries do.
        int c = Math.Sign(numbers ? Value.CompareNumbers(a, b) : a.CompareTo(b));
        return Value.Bool(op switch { "=" => c == 0, "!=" => c != 0, "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 });
    }

    private static double AsDouble(Value v) => v.Kind switch
    {
        ValueKind.Int => v.AsInt(),
        ValueKind.Decimal => decimal.ToDouble(v.AsDecimal()),
        _ => v.AsDouble(),
    };

    private static Value? ModelArithmetic(string op, Value? a, Value? b)
    {
        if (a is not { IsNumber: true } || b is not { IsNumber: true }) return null;
        double x = AsDouble(a), y = AsDouble(b);
        double asDouble = op switch { "+" => x + y, "-" => x - y, "*" => x * y, _ => y == 0 ? double.NaN : x / y };
        Value? inexact = double.IsFinite(asDouble) ? Value.Double(asDouble) : null;
        if (op == "/" || a.Kind == ValueKind.Double || b.Kind == ValueKind.Double) return inexact;
        if (a.Kind == ValueKind.Int && b.Kind == ValueKind.Int)
        {
            BigInteger p = a.AsInt(), q = b.AsInt();
            BigInteger exact = op switch { "+" => p + q, "-" => p - q, _ => p * q };
            return exact >= long.MinValue && exact <= long.MaxValue ? Value.Int((long)exact) : inexact;
        }
        // Int and Decimal: exact when decimal holds the result. BigInteger-free check: decimal throws past its range.
        decimal m = a.Kind == ValueKind.Int ? a.AsInt() : a.AsDecimal(), n = b.Kind == ValueKind.Int ? b.AsInt() : b.AsDecimal();
        try { return Value.Decimal(op switch { "+" => m + n, "-" => m - n, _ => m * n }); }
        catch (OverflowException) { return inexact; }
    }

    private static bool? ModelCheck(Node tree, Func<string, Value?> env) => Model(tree, env) is { Kind: ValueKind.Bool } r ? r.AsBool() : null;

    [Fact]
    public void Random_trees_parse_to_their_canonical_form_and_evaluate_as_the_model_says()
    {
        CaseGen.Sample(c =>
        {
            var parsed = CheckExpression.Parse(c.Text);
            string canonical = parsed.ToString();
            // The parser built the tree the text meant (precedence, associativity, literals).
            Assert.Equal(Canonical(c.Tree), canonical);
            var again = CheckExpression.Parse(canonical);
            Assert.Equal(canonical, again.ToString());
            bool? expected = ModelCheck(c.Tree, c.Field);
            Assert.Equal(expected, parsed.Evaluate(c.Field));
            Assert.Equal(expected, again.Evaluate(c.Field));
            Assert.Equal(expected != false, parsed.Allows(c.Field));
        }, iter: 3000);
    }

    [Fact]
    public void Not_is_the_Kleene_negation()
    {
        CaseGen.Sample(c =>
        {
            bool? inner = CheckExpression.Parse(c.Text).Evaluate(c.Field);
            bool? negated = CheckExpression.Parse("not (" + c.Text + ")").Evaluate(c.Field);
            Assert.Equal(inner is null ? null : !inner, negated);
        }, iter: 2000);
    }

    private static readonly string[] GarbagePieces =
    [
        "a", "b.c", "_x", "and", "or", "not", "true", "false", "null", "AND", "1", "0", "2.5", "9223372036854775808",
        "99999999999999999999999999999999", "0.", ".", "'s'", "\"t\"", "'", "\"", "\\", "(", ")", "+", "-", "*", "/",
        "=", "!=", "!", "<", "<=", ">", ">=", " ", "\n", "\ud800", "é", "#", "((((((((", "--------",
    ];

    /// <summary>Parse either succeeds (and then its canonical form is stable and evaluating never throws)
    /// or refuses with invalid_value and a one-line message; nothing else may escape.</summary>
    private static void ParseOrRefuse(string text)
    {
        CheckExpression check;
        try
        {
            check = CheckExpression.Parse(text);
        }
        catch (InvalidInputException e)
        {
            Assert.Equal(ErrorCodes.InvalidValue, e.Code);
            Assert.StartsWith("Check ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        Assert.Equal(check.ToString(), CheckExpression.Parse(check.ToString()).ToString());
        foreach (var value in FieldValues) check.Evaluate(_ => value);
    }

    [Fact]
    public void Garbage_from_tokens_only_ever_fails_as_invalid_value()
    {
        Gen.Int[0, GarbagePieces.Length - 1].Array[0, 24].Select(ix => string.Concat(ix.Select(i => GarbagePieces[i])))
            .Sample(ParseOrRefuse, iter: 5000);
    }

    [Fact]
    public void Garbage_characters_only_ever_fail_as_invalid_value()
    {
        Gen.String.Sample(ParseOrRefuse, iter: 2000);
    }

    [Fact]
    public void Valid_text_with_one_character_changed_only_ever_fails_as_invalid_value()
    {
        Gen.Select(CaseGen, Gen.Int[0, 1000], Gen.Char["()'\"\\.!=<>-+ aZ09_#\n"], Gen.Int[0, 2])
            .Select((c, at, ch, how) =>
            {
                var text = new StringBuilder(c.Text);
                int i = at % (text.Length + 1);
                if (how == 0) text.Insert(i, ch);
                else if (i < text.Length) { if (how == 1) text.Remove(i, 1); else text[i] = ch; }
                return text.ToString();
            })
            .Sample(ParseOrRefuse, iter: 3000);
    }
}

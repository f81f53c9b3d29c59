using Causeway.Authority.Policies;
using Causeway.Errors;
using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Authority;

/// <summary>The UCAN 1.0 policy language against the spec's own vectors (Fixtures/ucan-1.0.0, from
/// ucan-wg/spec@9955aa1), and a few properties of its statements.</summary>
public sealed class PolicyTests
{
    private static Value Fixture() =>
        ValueJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ucan-1.0.0", "policy.json")));

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        var fixture = Fixture();
        foreach (var group in new[] { "valid", "invalid" })
        {
            var cases = fixture.Get(group)!.AsArray();
            for (int c = 0; c < cases.Count; c++)
                for (int p = 0; p < cases[c].Get("policies")!.AsArray().Count; p++) data.Add(group, c, p);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_vector_of_the_spec_evaluates_as_it_says(string group, int @case, int index)
    {
        var vector = Fixture().Get(group)!.AsArray()[@case];
        var policy = Policy.Parse(vector.Get("policies")!.AsArray()[index]);
        Assert.Equal(group == "valid", policy.Matches(vector.Get("args")!));
    }

    [Fact]
    public void The_spec_has_vectors_of_both_kinds() =>
        Assert.True(Cases().Count(c => (string)c[0] == "valid") > 10 && Cases().Count(c => (string)c[0] == "invalid") > 3);

    private static readonly Value Args = ValueJson.Parse("""
        {"a": [10, 20, 30, 40], "m": {"x y": 1, "b": {"c": "deep"}}, "s": "hello", "n": 2.5}
        """);

    [Theory]
    [InlineData(".", """{"a": [10, 20, 30, 40], "m": {"x y": 1, "b": {"c": "deep"}}, "s": "hello", "n": 2.5}""")]
    [InlineData(".a[0]", "10")]
    [InlineData(".a[-1]", "40")]
    [InlineData(".a[1:3]", "[20, 30]")]
    [InlineData(".a[:2]", "[10, 20]")]
    [InlineData(".a[-2:]", "[30, 40]")]
    [InlineData(".a[]", "[10, 20, 30, 40]")]
    [InlineData(""".m["x y"]""", "1")]
    [InlineData(""".["m"].b.c""", "\"deep\"")]
    [InlineData(".m.b.c", "\"deep\"")]
    [InlineData(".s[1:3]", "\"el\"")]
    [InlineData(".missing?", "null")]
    [InlineData(".a[9]?", "null")]
    [InlineData(".m.nope?.c", "null")]
    public void Selectors_select(string selector, string expected) =>
        Assert.True(PolicyValues.DeepEquals(ValueJson.Parse(expected), Selector.Parse(selector).Select(Args)), $"{selector} selected {Selector.Parse(selector).Select(Args)}");

    [Theory]
    [InlineData(".missing")]
    [InlineData(".a[9]")]
    [InlineData(".s.x")]
    [InlineData(".n[]")]
    public void A_selector_that_finds_nothing_fails_and_its_policy_does_not_hold(string selector)
    {
        Assert.Throws<PolicyException>(() => Selector.Parse(selector).Select(Args));
        Assert.False(Policy.Parse($"""[["==", "{selector}", null]]""").Matches(Args));
        Assert.False(Policy.Parse($"""[["not", ["==", "{selector}", null]]]""").Matches(Args));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData(".a[")]
    [InlineData(".a[x]")]
    [InlineData(".a.")]
    [InlineData(".a[1:2:3]")]
    [InlineData(".-")]
    public void Malformed_selectors_are_refused(string selector) =>
        Assert.Throws<InvalidInputException>(() => Selector.Parse(selector));

    [Theory]
    [InlineData("""[["foo", ".a", 1]]""")]
    [InlineData("""[["==", ".a"]]""")]
    [InlineData("""[["and", ["==", ".a", 1]]]""")]
    [InlineData("""[["like", ".s", 1]]""")]
    [InlineData("""["==", ".a", 1]""")]
    public void Malformed_policies_are_refused(string policy) =>
        Assert.Throws<InvalidInputException>(() => Policy.Parse(policy));

    [Theory]
    [InlineData("""[["<", ".n", 3]]""", true)]
    [InlineData("""[[">", ".n", 2]]""", true)]
    [InlineData("""[["==", ".n", 2.5]]""", true)]
    [InlineData("""[["<", ".s", 3]]""", false)]
    [InlineData("""[["like", ".s", "h*o"]]""", true)]
    [InlineData("""[["like", ".s", "h\\*o"]]""", false)]
    [InlineData("""[["like", ".s", "*"]]""", true)]
    [InlineData("""[["like", ".n", "*"]]""", false)]
    [InlineData("""[["all", ".a", [">", ".", 5]]]""", true)]
    [InlineData("""[["any", ".a", ["==", ".", 40]]]""", true)]
    [InlineData("""[["any", ".a", ["==", ".", 41]]]""", false)]
    [InlineData("""[["all", ".m", ["!=", ".", 0]]]""", true)]
    [InlineData("""[["==", ".m", {"b": {"c": "deep"}, "x y": 1.0}]]""", true)]
    [InlineData("""[]""", true)]
    public void Statements_hold_as_the_spec_says(string policy, bool holds) =>
        Assert.Equal(holds, Policy.Parse(policy).Matches(Args));

    private static Gen<string> Pick(params string[] choices) => Gen.Int[0, choices.Length - 1].Select(i => choices[i]);

    private static readonly Gen<string> Statements = Gen.Select(
        Pick("==", "!=", "<", "<=", ">", ">="), Pick(".a[0]", ".a[-1]", ".n", ".s", ".m.x?"), Pick("10", "40", "2.5", "\"hello\"", "null", "3"),
            (op, selector, operand) => $"""["{op}", "{selector}", {operand}]""");

    [Fact]
    public void Not_flips_a_statement_that_evaluates() =>
        Statements.Sample(statement =>
        {
            bool plain = Policy.Parse($"[{statement}]").Matches(Args);
            bool negated = Policy.Parse($"""[["not", {statement}]]""").Matches(Args);
            return plain != negated;
        });

    [Fact]
    public void And_is_all_and_or_is_any_or_empty() =>
        Statements.List[0, 4].Sample(statements =>
        {
            var each = statements.Select(s => Policy.Parse($"[{s}]").Matches(Args)).ToList();
            string list = string.Join(", ", statements);
            return Policy.Parse($"""[["and", [{list}]]]""").Matches(Args) == each.All(b => b)
                && Policy.Parse($"""[["or", [{list}]]]""").Matches(Args) == (each.Count == 0 || each.Any(b => b))
                && Policy.Parse($"[{list}]").Matches(Args) == each.All(b => b);
        });

    /// <summary>'like' agrees with the glob as a regular expression (* any run, \* a star) on small
    /// alphabets where stars and repeats collide often.</summary>
    [Fact]
    public void Like_matches_as_the_glob_says()
    {
        var patterns = Gen.String[Gen.Char["ab*\\"], 0, 8];
        var texts = Gen.String[Gen.Char["ab*"], 0, 10];
        Gen.Select(patterns, texts).Sample((pattern, text) =>
        {
            var regex = new System.Text.StringBuilder("\\A");
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] == '*') { regex.Append("\\*"); i++; }
                else if (pattern[i] == '*') regex.Append(".*");
                else regex.Append(System.Text.RegularExpressions.Regex.Escape(pattern[i].ToString()));
            }
            regex.Append("\\z");
            bool expected = System.Text.RegularExpressions.Regex.IsMatch(text, regex.ToString(), System.Text.RegularExpressions.RegexOptions.Singleline);
            var policy = Policy.Parse(Value.Array([Value.Array([Value.String("like"), Value.String(".s"), Value.String(pattern)])]));
            return policy.Matches(Value.Map([new("s", Value.String(text))])) == expected;
        });
    }

    /// <summary>A hostile pattern as large as a token holds is read and evaluated at once (a regular
    /// expression's automaton of it would be refused as too large, or take long to build).</summary>
    [Fact]
    public void A_huge_like_pattern_is_cheap()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string pattern = string.Concat(Enumerable.Repeat("*a", 30_000)) + "*b";
        var policy = Policy.Parse(Value.Array([Value.Array([Value.String("like"), Value.String(".s"), Value.String(pattern)])]));
        Assert.False(policy.Matches(Value.Map([new("s", Value.String(new string('a', 256)))])));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }
}

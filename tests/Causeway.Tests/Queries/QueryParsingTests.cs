using System.Text.Json;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Tests.Queries;

/// <summary>Malformed queries, as JSON and through the builder: each is refused with the right code
/// and a one-line message, before anything is read.</summary>
public sealed class QueryParsingTests
{
    private static InvalidInputException Refused(string json)
    {
        var e = Assert.Throws<InvalidInputException>(() => Query.Parse(json));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static string Where(string predicate) => $$"""{"collection": "c", "where": {{predicate}}}""";

    [Theory]
    [InlineData("[]", ErrorCodes.InvalidOp)]
    [InlineData("\"orders\"", ErrorCodes.InvalidOp)]
    [InlineData("{}", ErrorCodes.InvalidName)]
    [InlineData("""{"where": null}""", ErrorCodes.InvalidName)]
    [InlineData("""{"collection": 5}""", ErrorCodes.InvalidName)]
    [InlineData("""{"collection": "bad name"}""", ErrorCodes.InvalidName)]
    [InlineData("""{"collection": ""}""", ErrorCodes.InvalidName)]
    [InlineData("""{"collection": "c", "extra": 1}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "Limit": 1}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "collection": "d"}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "orderBy": {"path": "a"}}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "orderBy": ["a"]}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "orderBy": [{"desc": true}]}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": 1}]}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": "a..b"}]}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": "_meta"}]}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": "a", "desc": "yes"}]}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": "a", "dir": "asc"}]}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "orderBy": [{"path": "a", "path": "b"}]}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"collection": "c", "limit": 0}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "limit": -1}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "limit": 1001}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "limit": 2.5}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "limit": 1e20}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "limit": "10"}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"collection": "c", "after": 5}""", ErrorCodes.InvalidCursor)]
    [InlineData("""{"collection": "c", "after": {}}""", ErrorCodes.InvalidCursor)]
    [InlineData("""{"collection": "c", "at": "yesterday"}""", ErrorCodes.InvalidAt)]
    [InlineData("""{"collection": "c", "at": -1}""", ErrorCodes.InvalidAt)]
    [InlineData("""{"collection": "c", "at": 1.5}""", ErrorCodes.InvalidAt)]
    [InlineData("""{"collection": "c", "at": true}""", ErrorCodes.InvalidAt)]
    public void Malformed_query(string json, string code) => Assert.Equal(code, Refused(json).Code);

    [Theory]
    [InlineData("5", ErrorCodes.InvalidOp)]
    [InlineData("[]", ErrorCodes.InvalidOp)]
    [InlineData("{}", ErrorCodes.InvalidOp)]
    [InlineData("""{"path": "a"}""", ErrorCodes.InvalidOp)]                              // no operator
    [InlineData("""{"path": "a", "eq": 1, "gt": 0}""", ErrorCodes.InvalidOp)]            // several operators
    [InlineData("""{"path": "a", "eq": 1, "eq": 2}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"path": "a", "like": "x"}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"path": "a", "EQ": 1}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"and": {}}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"and": [], "or": []}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"and": [], "path": "a"}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"not": {"path": "a", "eq": 1}, "path": "a", "eq": 1}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"not": []}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"not": null}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"and": [5]}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"or": [{"path": "a", "eq": 1}, {"path": "a"}]}""", ErrorCodes.InvalidOp)]
    [InlineData("""{"eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": 5, "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": null, "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "a..b", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "a.", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "_meta", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "_collection", "eq": "c"}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "$x", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "a.\u0001", "eq": 1}""", ErrorCodes.InvalidPath)]
    [InlineData("""{"path": "a", "in": 1}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "in": {"x": 1}}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "in": [{"$x": 1}]}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "prefix": 1}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "prefix": null}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "exists": "yes"}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "exists": 1}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "eq": {"$time": "nope"}}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "gt": {"$decimal": "x"}}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "eq": {"$x": 1}}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "eq": 1e999}""", ErrorCodes.InvalidValue)]
    [InlineData("""{"path": "a", "eq": "\ud800"}""", ErrorCodes.InvalidValue)]
    public void Malformed_predicate(string predicate, string code) => Assert.Equal(code, Refused(Where(predicate)).Code);

    [Fact]
    public void Errors_say_where_they_are()
    {
        var e = Refused(Where("""{"and": [{"path": "a", "eq": 1}, {"not": {"path": "b"}}]}"""));
        Assert.StartsWith("where.and[1].not: ", e.Message);
        Assert.Contains("no operator", e.Message);
        e = Refused(Where("""{"path": "a", "in": [1, {"$time": "x"}]}"""));
        Assert.StartsWith("where.in[1]: ", e.Message);
        e = Refused("""{"collection": "c", "orderBy": [{"path": "a"}, {"path": "b", "desc": 1}]}""");
        Assert.StartsWith("orderBy[1].desc: ", e.Message);
        e = Refused(Where("""{"path": "a", "eq": 1, "lt": 2, "gt": 0}"""));
        Assert.Contains("(eq, lt, gt)", e.Message);
        e = Refused(Where("""{"path": "a", "bad\nname": 1}"""));
        Assert.Contains("bad?name", e.Message);
    }

    [Fact]
    public void Nesting_is_limited_to_32_levels()
    {
        static string Nots(int n) => string.Concat(Enumerable.Repeat("""{"not": """, n)) + """{"path": "a", "eq": 1}""" + new string('}', n);
        static string Ands(int n) => string.Concat(Enumerable.Repeat("""{"and": [""", n)) + """{"path": "a", "eq": 1}""" + string.Concat(Enumerable.Repeat("]}", n));

        Assert.Equal(32, Query.Parse(Where(Nots(31))).Filter!.Depth);
        Assert.Equal(32, Query.Parse(Where(Ands(31))).Filter!.Depth);
        Assert.Equal(ErrorCodes.InvalidOp, Refused(Where(Nots(32))).Code);
        Assert.Equal(ErrorCodes.InvalidOp, Refused(Where(Ands(32))).Code);
        Assert.Equal(ErrorCodes.InvalidOp, Refused(Where(Nots(1000))).Code);   // refused at level 33, not by the JSON reader

        var deep = Pred.Eq("a", Value.Int(1));
        for (int i = 0; i < 31; i++) deep = !deep;
        Assert.Equal(32, Query.In("c").Where(deep).Filter!.Depth);
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<InvalidInputException>(() => Query.In("c").Where(!deep)).Code);
    }

    [Fact]
    public void Valid_queries_parse_with_defaults_and_nulls_as_absent()
    {
        var q = Query.Parse("""{"collection": "c"}""");
        Assert.Equal("c", q.Collection);
        Assert.Null(q.Filter);
        Assert.Empty(q.Sort);
        Assert.Equal(100, q.Limit);
        Assert.Null(q.Cursor);
        Assert.Null(q.ReadAt);

        q = Query.Parse("""{"collection": "c", "where": null, "orderBy": null, "limit": null, "after": null, "at": null}""");
        Assert.Null(q.Filter);
        Assert.Equal(100, q.Limit);

        q = Query.Parse("""{"at": "2026-01-02T03:04:05Z", "limit": 1000, "after": "abc", "orderBy": [{"path": "_id", "desc": true}, {"path": "a.b", "desc": null}], "collection": "c"}""");
        Assert.Equal(1000, q.Limit);
        Assert.Equal("abc", q.Cursor);
        Assert.Equal(ReadPoint.AtTime(DateTimeOffset.Parse("2026-01-02T03:04:05Z")), q.ReadAt);
        Assert.Equal([new SortKey(QueryPath.Id, true), new SortKey(QueryPath.Parse("a.b"))], q.Sort);
        Assert.Equal(ReadPoint.AtPosition(7), Query.Parse("""{"collection": "c", "at": 7}""").ReadAt);
        Assert.Equal(ReadPoint.AtPosition(7), Query.Parse("""{"collection": "c", "at": "7"}""").ReadAt);
        Assert.Equal(1, Query.Parse("""{"collection": "c", "limit": 1}""").Limit);

        var leaf = Assert.IsType<ComparisonPredicate>(Query.Parse(Where("""{"eq": {"$time": "2026-01-02T03:04:05Z"}, "path": "t"}""")).Filter);
        Assert.Equal(ValueKind.Timestamp, leaf.Operand.Kind);
        Assert.Equal("t", leaf.Path.Text);
    }

    [Fact]
    public void From_json_element_and_invalid_json_text()
    {
        using var doc = JsonDocument.Parse("""{"collection": "c", "where": {"path": "_id", "prefix": "x"}}""");
        var q = Query.FromJson(doc.RootElement);
        Assert.True(Assert.IsType<PrefixPredicate>(q.Filter).Path.IsId);
        Assert.Equal(ErrorCodes.InvalidJson, Assert.Throws<InvalidInputException>(() => Query.Parse("{\"collection\": ")).Code);
    }

    [Fact]
    public void The_builder_checks_its_input()
    {
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<InvalidInputException>(() => Query.In("no spaces")).Code);
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => Query.In("c").Take(0)).Code);
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => Query.In("c").Take(1001)).Code);
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<InvalidInputException>(() => Query.In("c").OrderBy("_collection")).Code);
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<InvalidInputException>(() => Pred.Eq("a..b", Value.Int(1))).Code);
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => Pred.Prefix("a", "\ud800")).Code);
        Assert.Throws<ArgumentNullException>(() => Pred.Eq("a", null!));
        Assert.Throws<ArgumentNullException>(() => Query.In("c").Where(null!));

        var q = Query.In("c").OrderBy("a").ThenBy("b", desc: true).OrderBy("z");
        Assert.Equal([new SortKey(QueryPath.Parse("z"))], q.Sort);
        var single = Pred.Eq("a", Value.Int(1));
        Assert.Same(single, Pred.And(single));
        Assert.Empty(((AndPredicate)Pred.And()).Operands);
        Assert.Equal(3, ((OrPredicate)(Pred.Exists("a") | Pred.Exists("b") | Pred.Exists("c", false))).Operands.Count);
    }
}

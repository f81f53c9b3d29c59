using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Tests.Client;

/// <summary><see cref="WriteCondition"/>: what each condition accepts, and its HTTP headers both ways.</summary>
public sealed class WriteConditionTests
{
    private static readonly Cid A = Cid.ForDagCbor([0xa0]);
    private static readonly Cid B = Cid.ForDagCbor([0x80]);

    [Fact]
    public void Each_condition_is_met_by_what_it_says()
    {
        Assert.True(WriteCondition.IfExists.IsMetBy(A));
        Assert.False(WriteCondition.IfExists.IsMetBy(null));
        Assert.True(WriteCondition.IfAbsent.IsMetBy(null));
        Assert.False(WriteCondition.IfAbsent.IsMetBy(A));
        Assert.True(WriteCondition.IfVersion(A).IsMetBy(A));
        Assert.False(WriteCondition.IfVersion(A).IsMetBy(B));
        Assert.False(WriteCondition.IfVersion(A).IsMetBy(null));
        Assert.True(WriteCondition.IfVersion(A, B).IsMetBy(B));
        Assert.Equal(WriteCondition.IfVersion(A, B), WriteCondition.IfVersion([A, B, A]));
        Assert.Throws<InvalidInputException>(() => WriteCondition.IfVersion([]));
        Assert.Throws<InvalidInputException>(() => WriteCondition.IfVersion(default(Cid)));
    }

    [Fact]
    public void Headers_round_trip()
    {
        foreach (var condition in new[] { WriteCondition.IfExists, WriteCondition.IfAbsent, WriteCondition.IfVersion(A), WriteCondition.IfVersion(A, B) })
        {
            var (name, value) = condition.ToHeader();
            bool ifMatch = name == WriteCondition.IfMatchHeader;
            Assert.Equal(condition, WriteCondition.FromHeaders(ifMatch ? value : null, ifMatch ? null : value, mayCreate: true));
        }
        Assert.Equal($"If-Match: \"{A}\", \"{B}\"", WriteCondition.IfVersion(A, B).ToString());
        Assert.Equal("If-None-Match: *", WriteCondition.IfAbsent.ToString());
        Assert.Null(WriteCondition.FromHeaders(null, null, mayCreate: false));
        // Several header lines arrive joined by commas; empty list elements and spaces are allowed.
        Assert.Equal(WriteCondition.IfVersion(A, B), WriteCondition.ParseIfMatch($" ,\"{A}\" ,, \t\"{B}\",  "));
        Assert.Equal(WriteCondition.IfExists, WriteCondition.ParseIfMatch(" * "));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" , ", "empty")]
    [InlineData("W/\"A\"", "weak")]
    [InlineData("A", "not an entity tag")]
    [InlineData("\"A", "no closing")]
    [InlineData("\"not-a-cid\"", "not a version")]
    [InlineData("\"\"", "not a version")]
    [InlineData("\"A\" \"A\"", "comma-separated")]
    [InlineData("\"A\"x", "comma-separated")]
    [InlineData("*, \"A\"", "stands alone")]
    [InlineData("*, *", "stands alone")]
    [InlineData("\u0001\u00ff\u4e00", "not an entity tag")]
    public void Malformed_if_match_is_invalid_value_in_one_short_line(string value, string says)
    {
        var e = Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders(value.Replace("A", A.ToString()), null, mayCreate: false));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.Contains(says, e.Message);
        Assert.StartsWith("If-Match", e.Message);
        Assert.True(e.Message.Length < 300 && e.Message.All(c => c is >= ' ' and <= '~' or '…'), e.Message);
    }

    [Fact]
    public void If_none_match_is_star_on_a_write_that_may_create_and_never_with_if_match()
    {
        Assert.Equal(WriteCondition.IfAbsent, WriteCondition.FromHeaders(null, "*", mayCreate: true));
        Assert.Contains("applies to a put", Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders(null, "*", mayCreate: false)).Message);
        Assert.Contains("only *", Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders(null, $"\"{A}\"", mayCreate: true)).Message);
        Assert.Contains("only *", Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders(null, "", mayCreate: true)).Message);
        Assert.Contains("both", Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders("*", "*", mayCreate: true)).Message);
        string huge = new('x', 10_000);
        Assert.True(Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders(null, huge, mayCreate: true)).Message.Length < 300);
        Assert.True(Assert.Throws<InvalidInputException>(() => WriteCondition.FromHeaders($"\"{huge}\"", null, mayCreate: true)).Message.Length < 300);
    }
}

using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Tests.Documents;

/// <summary>ValueJson's two directions: typed output parses back to the same value, and input that
/// would lose digits is refused with one line that says what to write instead.</summary>
public sealed class ValueJsonTests
{
    private static string Refusal(string json)
    {
        var e = Assert.Throws<InvalidInputException>(() => ValueJson.Parse(json));
        Assert.Equal(ErrorCodes.InvalidValue, e.Code);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData("34.0", ValueKind.Double, "34.0")]
    [InlineData("-0.0", ValueKind.Double, "-0.0")]
    [InlineData("1e2", ValueKind.Double, "100.0")]
    [InlineData("1E+300", ValueKind.Double, "1E+300")]
    [InlineData("1e16", ValueKind.Double, "10000000000000000.0")]
    [InlineData("0.1", ValueKind.Double, "0.1")]
    [InlineData("34", ValueKind.Int, "34")]
    [InlineData("-0", ValueKind.Int, "0")]
    [InlineData("9223372036854775807", ValueKind.Int, "9223372036854775807")]
    [InlineData("-9223372036854775808", ValueKind.Int, "-9223372036854775808")]
    [InlineData("""{"$decimal": "1.50"}""", ValueKind.Decimal, """{"$decimal":"1.50"}""")]
    [InlineData("""{"$decimal": "1.5E3"}""", ValueKind.Decimal, """{"$decimal":"1500"}""")]
    [InlineData("""{"$decimal": "79228162514264337593543950335"}""", ValueKind.Decimal, """{"$decimal":"79228162514264337593543950335"}""")]
    [InlineData("""{"$decimal": "-0.0000000000000000000000000001"}""", ValueKind.Decimal, """{"$decimal":"-0.0000000000000000000000000001"}""")]
    [InlineData("""{"$time": "2026-01-02T05:04:05.1234567+02:00"}""", ValueKind.Timestamp, """{"$time":"2026-01-02T03:04:05.123456Z"}""")]
    [InlineData("""{"$bytes": ""}""", ValueKind.Bytes, """{"$bytes":""}""")]
    public void Typed_output_is_the_form_input_takes(string input, ValueKind kind, string output)
    {
        var value = ValueJson.Parse(input);
        Assert.Equal(kind, value.Kind);
        Assert.Equal(output, ValueJson.ToJsonString(value));
        Assert.Equal(output, value.ToString());
        Assert.Equal(value, ValueJson.Parse(output));
    }

    [Fact]
    public void Plain_output_writes_the_typed_kinds_as_strings()
    {
        var value = ValueJson.Parse("""{"d": {"$decimal": "1.50"}, "t": {"$time": "2026-01-02T03:04:05Z"}, "b": {"$bytes": "AQID"}, "x": 34.0}""");
        Assert.Equal("""{"b":"AQID","d":"1.50","t":"2026-01-02T03:04:05.000000Z","x":34}""", ValueJson.ToJsonString(value, typed: false));
    }

    [Fact]
    public void Integers_beyond_64_bits_are_refused_with_what_to_write_instead()
    {
        Assert.Contains("""write {"$decimal": "9223372036854775808"} to keep it exact""", Refusal("9223372036854775808"));
        Assert.Contains("""{"$decimal": "-79228162514264337593543950335"}""", Refusal("""{"a": [-79228162514264337593543950335]}"""));
        Assert.Contains("write it as a string", Refusal("123456789012345678901234567890"));
        string long400 = Refusal("1" + new string('0', 400));
        Assert.Contains("write it as a string", long400);
        Assert.True(long400.Length < 300, long400);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1.7976931348623157e309")]
    [InlineData("1E+99999999999999999999")]
    public void Numbers_beyond_a_double_are_refused(string number) => Assert.Contains("beyond a double", Refusal(number));

    [Theory]
    [InlineData("0.12345678901234567890123456789012")] // rounded past 28 digits after the point
    [InlineData("1.000000000000000000000000000000")]   // 30 digits after the point: the scale would shrink
    [InlineData("7922816251426433759354395033.51")]    // rounded to fit 96 bits
    public void A_decimal_that_would_be_rounded_is_refused(string text)
        => Assert.Contains("more digits than a decimal keeps", Refusal($$"""{"$decimal": "{{text}}"}"""));

    [Fact]
    public void A_decimal_beyond_its_range_is_refused() => Assert.Contains("is not a decimal number", Refusal("""{"$decimal": "79228162514264337593543950336"}"""));

    [Theory]
    [InlineData("""{"$x": 1}""")]
    [InlineData("""{"m": {"$decimal": "1", "other": 2}}""")]
    [InlineData("""{"m": {"$decimal": 1}}""")]
    [InlineData("""{"m": {"$time": "2026-01-02"}}""")]
    [InlineData("""{"m": {"$bytes": "not base64!"}}""")]
    public void Keys_starting_with_a_dollar_are_only_the_typed_forms(string json) => Refusal(json);
}

using Causeway.Tests.Support;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Values;

/// <summary>Property tests of ValueJson: every value of every kind, at its edges and nested, written as
/// typed JSON reads back as the same value of the same kind, and writing it again gives the same text.</summary>
public sealed class ValueJsonPropertyTests
{
    private static Value RoundTrip(Value value) => ValueJson.Parse(ValueJson.ToJsonString(value));

    [Fact]
    public void Any_value_round_trips_through_typed_json() => ValueGen.Any.Sample(value =>
    {
        string json = ValueJson.ToJsonString(value);
        var back = ValueJson.Parse(json);
        Assert.Equal(value, back);
        Assert.Equal(value.Kind, back.Kind);
        Assert.Equal(json, ValueJson.ToJsonString(back));
    }, iter: 2000);

    [Fact]
    public void Decimals_round_trip_with_their_scale() => ValueGen.Decimal.Sample(d =>
    {
        var back = RoundTrip(Value.Decimal(d));
        Assert.Equal(ValueKind.Decimal, back.Kind);
        Assert.Equal(d, back.AsDecimal());
        Assert.Equal(d.Scale, back.AsDecimal().Scale);   // 1.50 stays 1.50, not 1.5
    }, iter: 2000);

    [Fact]
    public void Doubles_round_trip_bit_for_bit_and_integral_ones_stay_doubles() => ValueGen.Double.Sample(d =>
    {
        var back = RoundTrip(Value.Double(d));
        Assert.Equal(ValueKind.Double, back.Kind);   // 34.0 must not read back as the integer 34
        Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(back.AsDouble()));
    }, iter: 2000);

    [Fact]
    public void Integers_round_trip_to_the_limits() => ValueGen.Int.Sample(n =>
    {
        var back = RoundTrip(Value.Int(n));
        Assert.Equal(ValueKind.Int, back.Kind);
        Assert.Equal(n, back.AsInt());
    }, iter: 2000);

    [Fact]
    public void Timestamps_round_trip_to_the_microsecond_over_the_whole_range() => ValueGen.TimestampMicros.Sample(micros =>
    {
        var value = Value.TimestampFromMicros(micros);
        var back = RoundTrip(value);
        Assert.Equal(ValueKind.Timestamp, back.Kind);
        Assert.Equal(value.AsTimestamp(), back.AsTimestamp());
        Assert.Equal(value, back);
    }, iter: 2000);

    [Fact]
    public void Bytes_round_trip() => Gen.Byte.Array[0, 64].Sample(bytes =>
    {
        var back = RoundTrip(Value.Bytes(bytes));
        Assert.Equal(ValueKind.Bytes, back.Kind);
        Assert.Equal(bytes, back.AsBytes().ToArray());
    }, iter: 1000);

    [Fact]
    public void Nested_documents_round_trip_with_every_kind_at_every_depth() => Gen.Select(ValueGen.Document, ValueGen.Scalar.List[1, 8]).Sample((document, scalars) =>
    {
        // Scalars of every kind inside an array inside a map inside a document.
        var nested = Value.Map([new("doc", document), new("deep", Value.Map([new("items", Value.Array(scalars))]))]);
        var back = RoundTrip(nested);
        Assert.Equal(nested, back);
        var items = back.Get("deep")!.Get("items")!;
        Assert.Equal(scalars.Select(s => s.Kind), Enumerable.Range(0, scalars.Count).Select(i => items.AsArray()[i].Kind));
    }, iter: 500);
}

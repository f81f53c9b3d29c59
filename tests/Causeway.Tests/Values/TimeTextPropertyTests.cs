using System.Globalization;
using System.Text.Json;
using Causeway.Encoding;
using Causeway.Values;
using Causeway.Wire;
using CsCheck;

namespace Causeway.Tests.Values;

/// <summary>Times and CIDs written without a format string or an intermediate string read the same as before.</summary>
public sealed class TimeTextPropertyTests
{
    [Fact]
    public void A_time_is_written_to_the_microsecond_as_the_custom_format_wrote_it() =>
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Sample(ticks =>
        {
            var time = new DateTimeOffset(ticks, TimeSpan.Zero);
            Assert.Equal(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), ValueJson.FormatTime(time));
        });

    [Fact]
    public void A_time_with_an_offset_is_written_in_utc()
    {
        var time = new DateTimeOffset(2026, 12, 7, 23, 13, 33, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        Assert.Equal("2026-12-07T21:13:33.123456Z", ValueJson.FormatTime(time));
    }

    [Fact]
    public void A_cid_written_into_json_is_its_text() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            var cid = bytes.Length % 2 == 0 ? Cid.ForDagCbor(bytes) : Cid.ForRaw(bytes);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                WireJson.WriteCid(writer, "commit", cid);
                writer.WriteEndObject();
            }
            Assert.Equal(cid.ToString(), JsonDocument.Parse(stream.ToArray()).RootElement.GetProperty("commit").GetString());
        });
}

using System.Net;
using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Tests.Http;

/// <summary>What a document read says can be written back as it is (docs/data-model.md): answers
/// carry decimals, timestamps and bytes in the typed forms writes accept, and doubles with a
/// fraction, unless <c>?values=plain</c> asks for plain JSON. Integers beyond 64 bits and numbers
/// beyond a double are refused, never stored with digits lost.</summary>
public sealed class ValueRoundTripTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private HttpClient Admin => _server.Admin;

    private const string Schema = """
        { "collections": { "typed": { "fields": { "d": { "type": "number" }, "t": { "type": "timestamp" }, "b": { "type": "bytes" }, "x": { "type": "number" } } } } }
        """;

    private const string Written = """
        { "d": {"$decimal": "1.50"}, "t": {"$time": "2026-01-02T03:04:05Z"}, "b": {"$bytes": "AQID/w=="}, "x": 34.0, "n": 34,
          "deep": { "list": [ {"$decimal": "-0.000000000000000000000000001"}, {"$time": "1969-12-31T23:59:59.999999Z"}, 1E+300 ] } }
        """;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/schema", HttpExtensions.Json(Schema))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> GetTextAsync(string path)
    {
        var response = await Admin.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    private async Task<JsonElement> QueryAsync(string query)
    {
        var response = await Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json(query));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static string Raw(JsonElement json, string name) => json.GetProperty(name).GetRawText();

    [Fact]
    public async Task A_document_read_is_written_back_as_it_is_and_nothing_changes()
    {
        foreach (var collection in new[] { "typed", "loose" }) // under the schema (d: number, t: timestamp, b: bytes) and without one
        {
            string path = $"/v1/dbs/shop/docs/{collection}/o-1";
            Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync(path, HttpExtensions.Json(Written))).StatusCode);
            string read = await GetTextAsync(path);
            var doc = JsonDocument.Parse(read).RootElement;
            Assert.Equal("""{"$decimal":"1.50"}""", Raw(doc, "d"));
            Assert.Equal("""{"$time":"2026-01-02T03:04:05.000000Z"}""", Raw(doc, "t"));
            Assert.Equal("""{"$bytes":"AQID/w=="}""", Raw(doc, "b"));
            Assert.Equal("34.0", Raw(doc, "x"));
            Assert.Equal("34", Raw(doc, "n"));
            Assert.Equal("""{"list":[{"$decimal":"-0.000000000000000000000000001"},{"$time":"1969-12-31T23:59:59.999999Z"},1E+300]}""", Raw(doc, "deep"));

            // The answer, _id, _collection and _meta included, goes back as it is: accepted under the
            // schema, and not one field changes (history shows no field change; the document reads the same).
            var back = await Admin.PutAsync(path, HttpExtensions.Json(read));
            Assert.True(back.StatusCode == HttpStatusCode.OK, await back.Content.ReadAsStringAsync());
            var history = JsonDocument.Parse(await GetTextAsync(path + "/history")).RootElement.GetProperty("versions");
            var fieldChanges = history.EnumerateArray().Skip(1).SelectMany(v => v.GetProperty("changes").EnumerateArray())
                .Where(c => c.TryGetProperty("path", out _)).Select(c => c.GetRawText()).ToList();
            Assert.True(fieldChanges.Count == 0, string.Join("\n", fieldChanges));
            var again = JsonDocument.Parse(await GetTextAsync(path)).RootElement;
            foreach (var field in new[] { "d", "t", "b", "x", "n", "deep" }) Assert.Equal(Raw(doc, field), Raw(again, field));

            // A timestamp query still matches, and so does an exact decimal one.
            var found = await QueryAsync("{\"collection\": \"" + collection + "\", " + """ "where": {"path": "t", "eq": {"$time": "2026-01-02T03:04:05Z"}}}""");
            Assert.Equal(["o-1"], found.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("_id").GetString()));
            found = await QueryAsync("{\"collection\": \"" + collection + "\", " + """ "where": {"and": [{"path": "d", "eq": {"$decimal": "1.5"}}, {"path": "b", "eq": {"$bytes": "AQID/w=="}}]}}""");
            Assert.Single(found.GetProperty("docs").EnumerateArray());
            Assert.Equal("""{"$decimal":"1.50"}""", Raw(found.GetProperty("docs")[0], "d"));
        }
    }

    [Fact]
    public async Task History_values_are_typed_too()
    {
        await Admin.PutAsync("/v1/dbs/shop/docs/loose/h", HttpExtensions.Json("""{"d": {"$decimal": "2.500"}, "x": 1.0}"""));
        var changes = JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/h/history")).RootElement.GetProperty("versions")[0].GetProperty("changes");
        var values = changes.EnumerateArray().Where(c => c.TryGetProperty("value", out _)).ToDictionary(c => c.GetProperty("path").GetString()!, c => Raw(c, "value"));
        Assert.Equal("""{"$decimal":"2.500"}""", values["d"]);
        Assert.Equal("1.0", values["x"]);
    }

    [Fact]
    public async Task Values_plain_gives_plain_JSON_on_every_read()
    {
        await Admin.PutAsync("/v1/dbs/shop/docs/loose/p", HttpExtensions.Json(Written));
        var doc = JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/p?values=plain")).RootElement;
        Assert.Equal("\"1.50\"", Raw(doc, "d"));
        Assert.Equal("\"2026-01-02T03:04:05.000000Z\"", Raw(doc, "t"));
        Assert.Equal("\"AQID/w==\"", Raw(doc, "b"));
        Assert.Equal("34", Raw(doc, "x"));
        Assert.Equal("""{"list":["-0.000000000000000000000000001","1969-12-31T23:59:59.999999Z",1E+300]}""", Raw(doc, "deep"));

        var history = JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/p/history?values=plain")).RootElement;
        Assert.Contains(history.GetProperty("versions")[0].GetProperty("changes").EnumerateArray(), c => c.TryGetProperty("value", out var v) && v.GetRawText() == "\"1.50\"");
        var response = await Admin.PostAsync("/v1/dbs/shop/query?values=plain", HttpExtensions.Json("""{"collection": "loose"}"""));
        Assert.Equal("\"1.50\"", Raw((await response.JsonAsync()).GetProperty("docs")[0], "d"));

        // values=typed is the default said out loud; anything else is refused before any reading.
        Assert.Equal(Raw(JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/p")).RootElement, "d"),
            Raw(JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/p?values=typed")).RootElement, "d"));
        foreach (var bad in new[] { "?values=PLAIN", "?values=", "?values=plain&values=typed", "?values=json" })
        {
            await (await Admin.GetAsync("/v1/dbs/shop/docs/loose/p" + bad)).ProblemAsync(400, ErrorCodes.InvalidValue);
            await (await Admin.GetAsync("/v1/dbs/shop/docs/loose/absent" + bad)).ProblemAsync(400, ErrorCodes.InvalidValue);
            await (await Admin.GetAsync("/v1/dbs/shop/docs/loose/p/history" + bad)).ProblemAsync(400, ErrorCodes.InvalidValue);
            await (await Admin.PostAsync("/v1/dbs/shop/query" + bad, HttpExtensions.Json("""{"collection": "loose"}"""))).ProblemAsync(400, ErrorCodes.InvalidValue);
        }
    }

    [Theory]
    [InlineData("9223372036854775808", "{\"$decimal\": \"9223372036854775808\"}")]
    [InlineData("-9223372036854775809", "{\"$decimal\": \"-9223372036854775809\"}")]
    [InlineData("123456789012345678901234567890", "as a string")]
    [InlineData("1e400", "beyond a double")]
    [InlineData("-1.7976931348623157e309", "beyond a double")]
    public async Task Numbers_that_would_lose_digits_are_refused_and_nothing_is_written(string number, string hint)
    {
        var before = await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync();
        var problem = await (await Admin.PutAsync("/v1/dbs/shop/docs/loose/big", HttpExtensions.Json($$"""{"n": {{number}}}"""))).ProblemAsync(400, ErrorCodes.InvalidValue);
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(hint, detail);
        Assert.DoesNotContain('\n', detail);
        // The same in a patch, a transaction and a query operand.
        await (await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json($$$"""{"ops": [{"op": "put", "collection": "loose", "id": "big", "doc": {"n": {{{number}}}}}]}"""))).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json($$$"""{"collection": "loose", "where": {"path": "n", "eq": {{{number}}}}}"""))).ProblemAsync(400, ErrorCodes.InvalidValue);
        Assert.Equal(before.GetProperty("position").GetInt64(), (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64());

        // The exact form the detail suggests is accepted and keeps every digit.
        if (hint.StartsWith('{'))
        {
            (await Admin.PutAsync("/v1/dbs/shop/docs/loose/big", HttpExtensions.Json($$"""{"n": {{hint}}}"""))).EnsureSuccessStatusCode();
            Assert.Equal(hint.Replace(" ", ""), Raw(JsonDocument.Parse(await GetTextAsync("/v1/dbs/shop/docs/loose/big")).RootElement, "n"));
        }
    }
}

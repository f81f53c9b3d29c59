using System.Net.Http.Headers;
using Causeway.Errors;

namespace Causeway.Tests.Http;

/// <summary>Requests the hostile-input test (<see cref="HostileRequestTests"/>) found to get a 500,
/// pinned down one by one: each must be 400 invalid_json and change nothing.</summary>
public sealed class HostileRegressionTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private HttpClient Admin => _server.Admin;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/docs/items/d1", HttpExtensions.Json("""{"n": 1}"""))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ByteArrayContent Raw(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts) bytes.AddRange(part is string s ? System.Text.Encoding.UTF8.GetBytes(s) : (byte[])part);
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<string> HeadsAsync() => (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).ToString();

    // Before the fix, JsonBody parsed bodies with JsonDocument, which does not decode strings; the
    // first read of an undecodable member name or string (OnlyMembers, the tx 'delete' scan,
    // ValueJson.FromElement of a tx 'doc') threw InvalidOperationException: a 500.
    public static TheoryData<string, object[]> Undecodable => new()
    {
        { "tx: unpaired surrogate as a member name of an op", ["""{"ops": [{"op": "put", "\ud800": 1}]}"""] },
        { "tx: unpaired surrogate as a member name beside the ops", ["""{"\ud800": [], "ops": [{"op": "delete", "collection": "items", "id": "d1"}]}"""] },
        { "tx: unpaired surrogate as the op", ["""{"ops": [{"op": "\udfff", "collection": "items", "id": "d1"}]}"""] },
        { "tx: invalid UTF-8 in a document value", ["""{"ops": [{"op": "put", "collection": "items", "id": "d2", "doc": {"v": "a""", new byte[] { 0xFF }, "\"}}]}"] },
        { "tx: truncated UTF-8 in a document key", ["""{"ops": [{"op": "put", "collection": "items", "id": "d2", "doc": {" """, new byte[] { 0xE2, 0x82 }, "\": 1}}]}"] },
        { "tx: an encoded surrogate (CESU) in a document value", ["""{"ops": [{"op": "create", "collection": "items", "doc": {"v": " """, new byte[] { 0xED, 0xA0, 0x80 }, "\"}}]}"] },
        { "patch: unpaired surrogate as an unknown member", ["""{"ops": [{"op": "set", "path": "n", "value": 2}], "\ud800": 1}"""] },
        { "patch: invalid UTF-8 in the member name", ["{\"", new byte[] { 0xC0 }, """ops": [{"op": "set", "path": "n", "value": 2}]}"""] },
    };

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Bodies_with_undecodable_strings_are_400_invalid_json_and_change_nothing(string what, object[] body)
    {
        string before = await HeadsAsync();
        var response = what.StartsWith("patch", StringComparison.Ordinal)
            ? await Admin.PatchAsync("/v1/dbs/shop/docs/items/d1", Raw(body))
            : await Admin.PostAsync("/v1/dbs/shop/tx", Raw(body));
        await response.ProblemAsync(400, ErrorCodes.InvalidJson);
        Assert.Equal(before, await HeadsAsync());
    }

    [Fact]
    public async Task Valid_unicode_including_escaped_surrogate_pairs_still_goes_through()
    {
        var response = await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json("""{"ops": [{"op": "put", "collection": "items", "id": "u", "doc": {"v": "\ud83d\ude00 é \u0000", "😀": 1}}]}"""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var doc = await (await Admin.GetAsync("/v1/dbs/shop/docs/items/u")).JsonAsync();
        Assert.Equal("😀 é \0", doc.GetProperty("v").GetString());
        Assert.Equal(1, doc.GetProperty("😀").GetInt32());
    }
}

public sealed class QueryRegressionTests
{
    [Fact]
    public async Task A_query_with_an_undecodable_member_name_is_invalid_json_not_500()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.Admin.PutAsync("/v1/dbs/db", null);
        var response = await server.Admin.PostAsync("/v1/dbs/db/query", HttpExtensions.Json("{\"collection\": \"c\", \"\\udfff\": 5}"));
        await response.ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidJson);
        Assert.Throws<Causeway.Errors.InvalidInputException>(() => Causeway.Queries.Query.Parse("{\"collection\": \"c\", \"\\udfff\": 5}"));
    }
}

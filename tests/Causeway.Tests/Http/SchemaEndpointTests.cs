using System.Net;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Schemas;

namespace Causeway.Tests.Http;

/// <summary>PUT/GET /v1/dbs/{db}/schema, the 4xx codes of the invariants, and Prefer: wait between
/// two real servers on loopback.</summary>
public sealed class SchemaEndpointTests : IAsyncLifetime
{
    private ServerFixture _a = null!;
    private ServerFixture _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ServerFixture.StartOnLoopbackAsync();
        _b = await ServerFixture.StartOnLoopbackAsync();
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null, string? prefer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = HttpExtensions.Json(json);
        if (prefer is not null) request.Headers.TryAddWithoutValidation("Prefer", prefer);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (prefer is not null && response.IsSuccessStatusCode) Assert.Equal(prefer.Replace(" ", ""), response.Headers.GetValues("Preference-Applied").Single());
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone());
    }

    private static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    [Fact]
    public async Task Put_answers_the_analysis_and_get_shows_it_again()
    {
        var (status, body) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", Invariants.SchemaTests.Exchange);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal(_a.Replica.Did, body.GetProperty("home").GetString());
        var techniques = body.GetProperty("analysis").EnumerateArray().Select(a => a.GetProperty("technique").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { "conflict_free", "atomic_group", "bounded_counter", "reservation" }, techniques);

        var (_, again) = await SendAsync(_a.Reader, HttpMethod.Get, "/v1/dbs/shop/schema");
        Assert.Equal(body.GetProperty("commit").GetString(), again.GetProperty("commit").GetString());
        Assert.Equal(body.GetProperty("analysis").GetArrayLength(), again.GetProperty("analysis").GetArrayLength());
        var (forbidden, problem) = await SendAsync(_a.Reader, HttpMethod.Put, "/v1/dbs/shop/schema", Invariants.SchemaTests.Exchange);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("forbidden", Code(problem));
    }

    [Theory]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "lww", "min": 0}}}}}""", 422, "schema_violation")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "nope"}}}}}""", 400, "invalid_value")]
    [InlineData("""{"collections": [""", 400, "invalid_json")]
    [InlineData("""[1, 2]""", 400, "invalid_value")]
    public async Task A_schema_that_is_malformed_or_cannot_be_guaranteed_is_refused_and_changes_nothing(string json, int expected, string code)
    {
        var before = (await (await _a.Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64();
        var (status, problem) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", json);
        Assert.Equal(expected, (int)status);
        Assert.Equal(code, Code(problem));
        Assert.Equal(before, (await (await _a.Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Constraint_errors_have_their_codes()
    {
        await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", Invariants.SchemaTests.Exchange);
        var (s1, p1) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/players/p", """{"credits": 5}""");
        Assert.Equal((HttpStatusCode)422, s1);
        Assert.Equal("schema_violation", Code(p1));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/players/p", """{"name": "Ann", "credits": 5}""")).Status);
        var (s2, p2) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/items/i", """{"owner": "p", "price": 5, "discounted_price": 6}""");
        Assert.Equal((HttpStatusCode)422, s2);
        Assert.Equal("constraint_violation", Code(p2));
        var (s3, p3) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/items/i", """{"owner": "ghost", "price": 5}""");
        Assert.Equal((HttpStatusCode)422, s3);
        Assert.Equal("constraint_violation", Code(p3));
        // On a lone server, 5 credits can never pay 6: refused at once, even when the caller would wait.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (s4, p4) = await SendAsync(_a.Admin, HttpMethod.Patch, "/v1/dbs/shop/docs/players/p", """{"ops": [{"op": "increment", "path": "credits", "by": -6}]}""", prefer: "wait=3");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"answered after {clock.Elapsed.TotalSeconds:0.0} s: it waited");
        Assert.Equal((HttpStatusCode)422, s4);
        Assert.Equal("constraint_violation", Code(p4));
        Assert.Contains("below its minimum 0", p4.GetProperty("detail").GetString());
        var (s5, p5) = await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/_schema/current", """{"definition": "{}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, s5);
        Assert.Equal("invalid_name", Code(p5));
    }

    [Fact]
    public async Task Prefer_wait_lets_a_write_wait_for_rights_a_peer_server_transfers()
    {
        await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", Invariants.SchemaTests.Exchange);
        await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/docs/players/p", """{"name": "Ann", "credits": 100}""");
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        var link = JsonSerializer.Serialize(new { peer = _a.Url.ToString(), token = _a.AdminToken, mode = "continuous", direction = "both" });
        var (linked, _) = await SendAsync(_b.Admin, HttpMethod.Post, "/v1/dbs/shop/replicate", link);
        Assert.True(linked is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Created, linked.ToString());
        // Both waits fail the test at their deadline rather than going on as if the condition held.
        await Support.Deadline.UntilAsync(async () => (await _b.Admin.GetAsync("/v1/dbs/shop/docs/players/p")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), () => "the player replicated to B");
        await Support.Deadline.UntilAsync(() => _a.Replica.GetDatabase("shop").Peers.List().Any(p => p.State == "live"),
            TimeSpan.FromSeconds(15), () => "a live link on A");

        const string spend = """{"ops": [{"op": "increment", "path": "credits", "by": -30}]}""";
        var (refused, problem) = await SendAsync(_b.Admin, HttpMethod.Patch, "/v1/dbs/shop/docs/players/p", spend);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Equal("insufficient_rights", Code(problem));
        var (waited, _) = await SendAsync(_b.Admin, HttpMethod.Patch, "/v1/dbs/shop/docs/players/p", spend, prefer: "wait=10");
        Assert.Equal(HttpStatusCode.OK, waited);
        var (_, doc) = await SendAsync(_b.Admin, HttpMethod.Get, "/v1/dbs/shop/docs/players/p");
        Assert.Equal(70, doc.GetProperty("credits").GetInt64());
    }

    /// <summary>Two servers synced once, both ways, then apart: the one that is not the home still
    /// numbers new documents of a sequence collection, from the block the home handed it in that sync.</summary>
    [Fact]
    public async Task A_replica_synced_once_numbers_sequence_documents_while_apart_from_the_home()
    {
        await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", """{ "collections": { "purchases": { "id": "sequence" } } }""");
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        var once = JsonSerializer.Serialize(new { peer = _a.Url.ToString(), token = _a.AdminToken, mode = "once", direction = "both" });
        var (synced, result) = await SendAsync(_b.Admin, HttpMethod.Post, "/v1/dbs/shop/replicate", once);
        Assert.True(synced == HttpStatusCode.OK, result.ToString());
        // No link is left open: B is on its own, as if partitioned from the home.

        var (created, body) = await SendAsync(_b.Admin, HttpMethod.Post, "/v1/dbs/shop/docs/purchases", """{"note": "offline"}""");
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        Assert.Equal("1", body.GetProperty("_id").GetString());   // the first block the home handed out: B's
    }

    [Fact]
    public async Task The_home_hands_out_a_range_of_unique_values_over_http()
    {
        await SendAsync(_a.Admin, HttpMethod.Put, "/v1/dbs/shop/schema", Invariants.SchemaTests.Exchange);
        string body = JsonSerializer.Serialize(new { collection = "players", fields = new[] { "name" }, ranges = "0-7", replica = _b.Replica.Did });
        var (status, result) = await SendAsync(_a.Admin, HttpMethod.Post, "/v1/dbs/shop/reservations", body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(result.GetProperty("position").GetInt64() > 0);
        var (bad, problem) = await SendAsync(_a.Admin, HttpMethod.Post, "/v1/dbs/shop/reservations", """{"collection": "players", "fields": ["name"], "ranges": "x", "replica": "did:key:z"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("invalid_value", Code(problem));
        var (extra, _) = await SendAsync(_a.Admin, HttpMethod.Post, "/v1/dbs/shop/reservations", """{"collection": "players", "fields": ["name"], "ranges": "0", "to": "x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, extra);
        var (reader, _) = await SendAsync(_a.Reader, HttpMethod.Post, "/v1/dbs/shop/reservations", body);
        Assert.Equal(HttpStatusCode.Forbidden, reader);
    }

    [Fact]
    public async Task The_typed_client_sets_and_reads_schemas_and_raises_typed_errors()
    {
        using var client = _a.CreateClient();
        var db = client.Database("shop");
        var info = await db.SetSchemaAsync(SchemaJson.Parse(Invariants.SchemaTests.Exchange));
        Assert.Equal(1, info.Version.Version);
        Assert.Contains(info.Analysis.Constraints, c => c.Technique == SchemaAnalyzer.BoundedCounter);
        Assert.Equal(SchemaJson.ToJson(info.Schema), SchemaJson.ToJson((await db.GetSchemaAsync()).Schema));
        await db.PutAsync("players", "p", Causeway.Values.ValueJson.Parse("""{"name": "Ann", "credits": 1}"""));
        await Assert.ThrowsAsync<ConstraintViolationException>(() => db.PatchAsync("players", "p", Causeway.Documents.FieldOp.Increment("credits", -2)));
        await Assert.ThrowsAsync<SchemaViolationException>(() => db.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"c": {"fields": {"n": {"kind": "bcounter", "min": 3}}}}}""")));
    }
}

using System.Net;
using System.Reflection;
using Causeway.Client;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Tests.Http;
using Causeway.Values;

namespace Causeway.Tests.Client;

/// <summary>What only the HTTP client has: tokens, server limits, the server's databases, the wire.</summary>
public sealed class CausewayClientTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private CausewayClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        _admin = _server.CreateClient();
        await _admin.CreateDatabaseAsync("shop");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_valid_token_every_call_is_unauthorized()
    {
        using var anonymous = new CausewayClient(_server.CreateHttpClient());
        using var bogus = _server.CreateClient("cw_not-a-token");
        foreach (var client in new[] { anonymous, bogus })
        {
            var e = await Assert.ThrowsAsync<UnauthorizedException>(() => client.ListDatabasesAsync());
            Assert.Equal(ErrorCodes.Unauthorized, e.Code);
            if (client == bogus) await Assert.ThrowsAsync<UnauthorizedException>(() => client.GetStatusAsync());
            else Assert.Empty((await client.GetStatusAsync()).Databases);   // the status answers anyone, listing nothing
            var shop = client.Database("shop");
            await Assert.ThrowsAsync<UnauthorizedException>(() => shop.GetAsync("c", "d"));
            await Assert.ThrowsAsync<UnauthorizedException>(() => shop.PutAsync("c", "d", Value.EmptyMap));
            await Assert.ThrowsAsync<UnauthorizedException>(async () => await shop.ChangesAsync(follow: true).FirstAsync());
        }
    }

    [Fact]
    public async Task A_token_without_the_ability_is_forbidden()
    {
        await _admin.Database("shop").PutJsonAsync("c", "d", """{"a": 1}""");
        using var reader = _server.CreateClient(_server.ReadToken);
        var shop = reader.Database("shop");
        Assert.Equal(1, (await shop.GetAsync("c", "d"))!["a"]!.AsInt());
        Assert.Single(await shop.HistoryAsync("c", "d"));
        Assert.Single(await shop.ChangesAsync().ToListAsync());

        var e = await Assert.ThrowsAsync<ForbiddenException>(() => shop.PutAsync("c", "d", Value.EmptyMap));
        Assert.Equal(ErrorCodes.Forbidden, e.Code);
        await Assert.ThrowsAsync<ForbiddenException>(() => shop.PatchAsync("c", "d", FieldOp.Set("a", Value.Int(2))));
        await Assert.ThrowsAsync<ForbiddenException>(() => shop.DeleteAsync("c", "d"));
        await Assert.ThrowsAsync<ForbiddenException>(() => shop.TransactAsync(tx => tx.Put("c", "e", Value.EmptyMap)));
        await Assert.ThrowsAsync<ForbiddenException>(() => reader.CreateDatabaseAsync("other"));
        await Assert.ThrowsAsync<ForbiddenException>(() => reader.DropDatabaseAsync("shop"));
        Assert.Equal(1, (await _admin.Database("shop").InfoAsync()).Position);
    }

    [Fact]
    public async Task Too_many_writes_in_flight_is_rate_limited_with_retry_after()
    {
        await using var server = await ServerFixture.StartAsync(new ServerOptions { MaxInFlightWrites = 0 });
        using var client = server.CreateClient();
        var shop = await client.CreateDatabaseAsync("shop");
        var e = await Assert.ThrowsAsync<RateLimitedException>(() => shop.PutAsync("c", "d", Value.EmptyMap));
        Assert.Equal(ErrorCodes.RateLimited, e.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
        Assert.Null(await shop.GetAsync("c", "d"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_too_large()
    {
        await using var server = await ServerFixture.StartAsync(new ServerOptions { MaxRequestBytes = 1000 });
        using var client = server.CreateClient();
        var shop = await client.CreateDatabaseAsync("shop");
        var big = Value.Map([new("text", Value.String(new string('x', 2000)))]);
        var e = await Assert.ThrowsAsync<TooLargeException>(() => shop.PutAsync("c", "d", big));
        Assert.Equal(ErrorCodes.TooLarge, e.Code);
        await Assert.ThrowsAsync<TooLargeException>(() => shop.TransactAsync(tx => tx.Put("c", "d", big)));
        Assert.Equal(0, (await shop.InfoAsync()).Position);
    }

    [Fact]
    public async Task Databases_and_status()
    {
        Assert.Equal(["shop"], await _admin.ListDatabasesAsync());
        await _admin.CreateDatabaseAsync("acme");
        var eu = await _admin.CreateDatabaseAsync("acme.eu");
        Assert.Equal("acme.eu", eu.Name);
        Assert.Equal(["acme", "acme.eu", "shop"], await _admin.ListDatabasesAsync());

        var status = await _admin.GetStatusAsync();
        Assert.Equal(_server.Replica.Did, status.Replica);
        Assert.Equal(["acme", "acme.eu", "shop"], status.Databases);
        Assert.Matches(@"^\d+\.\d+\.\d+$", status.Version);

        Assert.Equal("shop", (await _admin.GetDatabaseAsync("shop")).Name);
        await Assert.ThrowsAsync<NotFoundException>(() => _admin.GetDatabaseAsync("nope"));
        var e = Assert.Throws<InvalidInputException>(() => _admin.Database("Not Valid"));
        Assert.Equal(ErrorCodes.InvalidName, e.Code);
        await Assert.ThrowsAsync<InvalidInputException>(() => _admin.DropDatabaseAsync("Not Valid"));

        await _admin.DropDatabaseAsync("acme");
        Assert.Equal(["shop"], await _admin.ListDatabasesAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => _admin.DropDatabaseAsync("acme"));
        await Assert.ThrowsAsync<NotFoundException>(() => eu.InfoAsync());
    }

    [Fact]
    public async Task Writes_keep_every_value_kind_exactly_as_the_embedded_database_stores_it()
    {
        var fields = Value.Map([
            new("decimal", Value.Decimal(1.50m)),
            new("double", Value.Double(34.0)),
            new("negativeZero", Value.Double(-0.0)),
            new("huge", Value.Double(1e300)),
            new("fraction", Value.Double(0.1)),
            new("int", Value.Int(long.MinValue)),
            new("time", Value.Timestamp(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9990))),
            new("bytes", Value.Bytes([0, 1, 254, 255])),
            new("nested", Value.Map([new("list", Value.Array([Value.Decimal(-0.001m), Value.Double(2.0), Value.Null, Value.False]))])),
        ]);
        var shop = _admin.Database("shop");
        await shop.PutAsync("kinds", "put", fields);
        await shop.TransactAsync(tx => tx.Put("kinds", "tx", fields));
        await shop.PutAsync("kinds", "patched", Value.EmptyMap);
        await shop.PatchAsync("kinds", "patched", FieldOp.Set("decimal", Value.Decimal(1.50m)), FieldOp.Add("set", Value.Double(3.0)), FieldOp.Set("when", fields.Get("time")!));

        var stored = _server.Replica.GetDatabase("shop");
        Assert.Equal(fields, (await stored.GetAsync("kinds", "put"))!.Fields);
        Assert.Equal(fields, (await stored.GetAsync("kinds", "tx"))!.Fields);
        var patched = (await stored.GetAsync("kinds", "patched"))!;
        Assert.Equal(Value.Decimal(1.50m), patched["decimal"]);
        Assert.Equal(Value.Array([Value.Double(3.0)]), patched["set"]);
        Assert.Equal(fields.Get("time"), patched["when"]);

        // Reading over HTTP gives every kind back as itself (API.md: answers use the typed forms writes take).
        Assert.Equal(fields, (await shop.GetAsync("kinds", "put"))!.Fields);
        Assert.Equal(fields, (await shop.GetAsync("kinds", "tx"))!.Fields);
        Assert.Equal(34.0, (await shop.GetAsync("kinds", "put"))!["double"]!.AsDouble());
        Assert.Equal(patched.Fields, (await shop.GetAsync("kinds", "patched"))!.Fields);
    }

    [Fact]
    public async Task Ids_that_a_url_cannot_name_are_refused_everywhere()
    {
        var shop = _admin.Database("shop");
        foreach (var id in new[] { ".", ".." })
        {
            var e = await Assert.ThrowsAsync<InvalidInputException>(() => shop.PutAsync("c", id, Value.EmptyMap));
            Assert.Equal(ErrorCodes.InvalidName, e.Code);
            Assert.Contains("URL", e.Message);
            await Assert.ThrowsAsync<InvalidInputException>(() => shop.GetAsync("c", id));
            // Also where an id travels in a body, and in process: no replica ever holds one.
            await Assert.ThrowsAsync<InvalidInputException>(() => shop.TransactAsync(tx => tx.Put("c", id, Value.EmptyMap)));
            await Assert.ThrowsAsync<InvalidInputException>(() => _server.Replica.GetDatabase("shop").PutAsync("c", id, Value.EmptyMap));
        }
    }

    [Fact]
    public async Task Following_changes_streams_to_several_readers_at_once()
    {
        var shop = _admin.Database("shop");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var seen = new List<long>();
            await foreach (var change in shop.ChangesAsync(0, follow: true, cts.Token))
            {
                seen.Add(change.Position);
                if (seen.Count == 20) break;
            }
            return seen;
        })).ToList();
        for (int i = 0; i < 20; i++) await shop.PutAsync("c", $"d{i}", Value.EmptyMap);
        foreach (var reader in readers) Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await reader.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable()
    {
        using var client = new CausewayClient(new Uri("http://127.0.0.1:9"), "cw_token");
        var e = await Assert.ThrowsAsync<UnavailableException>(() => client.Database("shop").GetAsync("c", "d"));
        Assert.Equal(ErrorCodes.Unavailable, e.Code);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Theory]
    [InlineData(502, "text/html", "<html>bad gateway</html>", typeof(UnavailableException), ErrorCodes.Unavailable)]
    [InlineData(404, "text/plain", "nothing", typeof(NotFoundException), ErrorCodes.NotFound)]
    [InlineData(418, "text/plain", "teapot", typeof(CausewayException), "http_418")]
    [InlineData(500, "application/problem+json", """{"code": "internal", "detail": "it broke"}""", typeof(CausewayException), ErrorCodes.Internal)]
    [InlineData(422, "application/problem+json", """{"code": "schema_violation", "detail": "price is required"}""", typeof(SchemaViolationException), ErrorCodes.SchemaViolation)]
    [InlineData(400, "application/problem+json", "not json at all", typeof(CausewayException), "http_400")]
    [InlineData(200, "application/json", """{"unexpected": true}""", typeof(CausewayException), ErrorCodes.Internal)]
    public async Task Answers_that_are_not_what_the_api_promises_still_become_causeway_exceptions(int status, string type, string body, Type expected, string code)
    {
        using var http = new HttpClient(new Canned((HttpStatusCode)status, type, body)) { BaseAddress = new Uri("http://example.test/causeway/") };
        using var client = new CausewayClient(http, "cw_token");
        var e = await Assert.ThrowsAnyAsync<CausewayException>(() => client.Database("shop").InfoAsync());
        Assert.IsType(expected, e);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public async Task Requests_go_below_the_base_path_and_carry_the_token()
    {
        var canned = new Canned(HttpStatusCode.OK, "application/json", """{"replica": "did:key:z", "owner": "did:key:z", "version": "1.0.0", "databases": []}""");
        using var http = new HttpClient(canned) { BaseAddress = new Uri("http://example.test/causeway") };
        using var client = new CausewayClient(http, "cw_token");
        Assert.Equal("http://example.test/causeway/", client.BaseAddress.ToString());
        await client.GetStatusAsync();
        Assert.Equal("http://example.test/causeway/v1/status", canned.Last!.RequestUri!.ToString());
        Assert.Equal("Bearer cw_token", canned.Last.Headers.Authorization!.ToString());

        await client.Database("shop").GetAsync("c", "did:key:z6Mk@x", ReadPoint.AtTime(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2))))
            .ContinueWith(_ => { }); // the canned answer is not a document; only the request matters here
        Assert.Equal("http://example.test/causeway/v1/dbs/shop/docs/c/did:key:z6Mk@x?at=2026-05-06T05%3A08%3A09.0000000Z", canned.Last.RequestUri!.AbsoluteUri);

        Assert.Throws<ArgumentException>(() => new CausewayClient(new HttpClient()));
        Assert.Throws<ArgumentException>(() => new CausewayClient(new Uri("http://example.test"), " "));
    }

    [Fact]
    public void Every_code_maps_back_to_an_exception_with_that_code()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(codes.Count > 20);
        foreach (var code in codes)
        {
            var e = CausewayException.FromCode(code, "message");
            Assert.Equal(code, e.Code);
            Assert.Equal("message", e.Message);
        }
        Assert.IsType<NotFoundException>(CausewayException.FromCode(ErrorCodes.NotFound, "m"));
        Assert.IsType<TypeMismatchException>(CausewayException.FromCode(ErrorCodes.TypeMismatch, "m"));
        Assert.IsType<InvalidInputException>(CausewayException.FromCode(ErrorCodes.InvalidAt, "m"));
        Assert.IsType<NonCanonicalCborException>(CausewayException.FromCode(ErrorCodes.InvalidCbor, "m"));
        Assert.IsType<AlreadyExistsException>(CausewayException.FromCode(ErrorCodes.AlreadyExists, "m"));
        Assert.IsType<PreconditionFailedException>(CausewayException.FromCode(ErrorCodes.PreconditionFailed, "m"));
        Assert.Equal(412, ErrorCodes.HttpStatus(ErrorCodes.PreconditionFailed));
        Assert.IsType<TooLargeException>(CausewayException.FromCode(ErrorCodes.TooLarge, "m"));
        Assert.IsType<UnauthorizedException>(CausewayException.FromCode(ErrorCodes.Unauthorized, "m"));
        Assert.IsType<ForbiddenException>(CausewayException.FromCode(ErrorCodes.Forbidden, "m"));
        Assert.IsType<UnavailableException>(CausewayException.FromCode(ErrorCodes.Unavailable, "m"));
        Assert.IsType<CorruptDataException>(CausewayException.FromCode(ErrorCodes.Corrupt, "m"));
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.IsType<RateLimitedException>(CausewayException.FromCode(ErrorCodes.RateLimited, "m", TimeSpan.FromSeconds(7))).RetryAfter);
        Assert.Equal(typeof(CausewayException), CausewayException.FromCode("something_new", "m").GetType());
    }

    [Fact]
    public void Read_points_round_trip_through_their_query_string()
    {
        var cid = Cid.ForDagCbor([0xa0]);
        var time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)).AddTicks(1234567);
        foreach (var point in new[] { ReadPoint.AtPosition(0), ReadPoint.AtPosition(long.MaxValue), ReadPoint.AtCommit(cid), ReadPoint.AtTime(time) })
            Assert.Equal(point, ReadPoint.Parse(point.ToQueryString()));
        Assert.Null(ReadPoint.Latest.ToQueryString());
        Assert.Equal("2026-01-02T08:04:05.1234567Z", ReadPoint.AtTime(time).ToQueryString());
    }

    [Fact]
    public void Documents_can_be_made_outside_the_engine_but_only_valid_ones()
    {
        var doc = Document.Create("c", "d", Value.Map([new("a", Value.Int(1))]), null, 3, DateTimeOffset.UnixEpoch, "did:key:z");
        Assert.Equal("""{"_id":"d","_collection":"c","_meta":{"commit":null,"position":3,"updatedAt":"1970-01-01T00:00:00.000000Z","origin":"did:key:z"},"a":1}""", doc.ToJson());
        Assert.Throws<InvalidInputException>(() => Document.Create("c c", "d", Value.EmptyMap, null, 0, DateTimeOffset.UnixEpoch, "o"));
        Assert.Throws<InvalidInputException>(() => Document.Create("c", "d", Value.Int(1), null, 0, DateTimeOffset.UnixEpoch, "o"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Document.Create("c", "d", Value.EmptyMap, null, -1, DateTimeOffset.UnixEpoch, "o"));
    }

    /// <summary>Answers every request with the same response and remembers the last request.</summary>
    private sealed class Canned(HttpStatusCode status, string type, string body) : HttpMessageHandler
    {
        public HttpRequestMessage? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Last = request;
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8) };
            response.Content.Headers.ContentType = new(type);
            return Task.FromResult(response);
        }
    }
}

using System.Net;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Support;

namespace Causeway.Tests.Http;

/// <summary>Browsers: CORS for configured origins only, answered before authentication; and stream
/// tokens, the one credential a URL may carry (docs/api.md, Browsers).</summary>
public sealed class BrowserAccessTests
{
    private const string Page = "http://127.0.0.1:5173";

    private static HttpRequestMessage Preflight(string path, string origin, string method = "PUT")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, if-match");
        return request;
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_before_authentication()
    {
        await using var server = await ServerFixture.StartAsync(new ServerOptions { CorsOrigins = [Page] });
        // No credentials at all: a browser never sends them on a preflight.
        var response = await server.Anonymous.SendAsync(Preflight("/v1/dbs/shop/docs/orders/o-1", Page));
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Page, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("PUT", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("if-match", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        // The real request then carries the headers, a problem too, and exposes the version.
        var unauthorized = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs");
        unauthorized.Headers.Add("Origin", Page);
        var refused = await server.Anonymous.SendAsync(unauthorized);
        await refused.ProblemAsync(401, ErrorCodes.Unauthorized);
        Assert.Equal(Page, Assert.Single(refused.Headers.GetValues("Access-Control-Allow-Origin")));

        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/shop", null)).StatusCode);
        var put = new HttpRequestMessage(HttpMethod.Put, "/v1/dbs/shop/docs/orders/o-1") { Content = HttpExtensions.Json("""{"total":1}""") };
        put.Headers.Add("Origin", Page);
        var written = await server.Admin.SendAsync(put);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        Assert.Contains("ETag", string.Join(",", written.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_origin_not_allowed_gets_no_CORS_headers()
    {
        await using var server = await ServerFixture.StartAsync(new ServerOptions { CorsOrigins = [Page] });
        var response = await server.Anonymous.SendAsync(Preflight("/v1/dbs", "http://evil.example"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        var get = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs");
        get.Headers.Add("Origin", "http://evil.example");
        var answer = await server.Admin.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task CORS_is_off_by_default()
    {
        await using var server = await ServerFixture.StartAsync();
        var preflight = await server.Anonymous.SendAsync(Preflight("/v1/dbs", Page));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        // Without CORS an OPTIONS is an ordinary request: it needs credentials like any other.
        await preflight.ProblemAsync(401, ErrorCodes.Unauthorized);
        var get = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs");
        get.Headers.Add("Origin", Page);
        Assert.False((await server.Admin.SendAsync(get)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_stream_token_reads_one_databases_changes_and_nothing_else()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        await using var server = await ServerFixture.StartAsync(new ServerOptions { Time = clock });
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/shop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/other", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/shop/docs/orders/o-1", HttpExtensions.Json("""{"total":1}"""))).StatusCode);

        var issued = await server.Reader.PostAsync("/v1/dbs/shop/stream-tokens", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var json = await issued.JsonAsync();
        string token = json.GetProperty("token").GetString()!;
        Assert.StartsWith(StreamTokens.Prefix, token);
        Assert.Equal("shop", json.GetProperty("db").GetString());
        Assert.Equal(clock.GetUtcNow().Add(StreamTokens.Lifetime).ToUnixTimeSeconds(), json.GetProperty("expires").GetInt64());

        var changes = await server.Anonymous.GetAsync($"/v1/dbs/shop/changes?since=0&access_token={token}");
        Assert.Equal(HttpStatusCode.OK, changes.StatusCode);
        Assert.Equal(1, (await changes.JsonAsync()).GetProperty("last").GetInt64());

        // Another database, another route, a write: refused.
        await (await server.Anonymous.GetAsync($"/v1/dbs/other/changes?access_token={token}")).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await server.Anonymous.GetAsync($"/v1/dbs/shop/docs/orders/o-1?access_token={token}")).ProblemAsync(401, ErrorCodes.Unauthorized);
        await (await server.Anonymous.PutAsync($"/v1/dbs/shop/docs/orders/o-2?access_token={token}", HttpExtensions.Json("{}"))).ProblemAsync(401, ErrorCodes.Unauthorized);
        await (await server.Anonymous.GetAsync($"/v1/dbs/shop/changes?access_token=cws_made-up")).ProblemAsync(401, ErrorCodes.Unauthorized);
        // With an Authorization header too, the request has two identities: refused.
        await (await server.Admin.GetAsync($"/v1/dbs/shop/changes?access_token={token}")).ProblemAsync(401, ErrorCodes.Unauthorized);

        // Minutes later it is gone.
        clock.Advance(StreamTokens.Lifetime + TimeSpan.FromSeconds(1));
        await (await server.Anonymous.GetAsync($"/v1/dbs/shop/changes?access_token={token}")).ProblemAsync(401, ErrorCodes.TokenExpired);
    }

    [Fact]
    public async Task A_stream_token_follows_the_server_sent_feed()
    {
        await using var server = await ServerFixture.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/shop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/shop/docs/orders/o-1", HttpExtensions.Json("""{"total":1}"""))).StatusCode);
        string token = (await (await server.Admin.PostAsync("/v1/dbs/shop/stream-tokens", null)).JsonAsync()).GetProperty("token").GetString()!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await server.Anonymous.GetAsync($"/v1/dbs/shop/changes?feed=sse&since=0&access_token={token}", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        string? line;
        do line = await reader.ReadLineAsync(cancel.Token);
        while (line is not null && !line.StartsWith("data:", StringComparison.Ordinal));
        Assert.NotNull(line);
        Assert.Contains("\"o-1\"", line);
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Server;

namespace Causeway.Tests.Http;

/// <summary>Every endpoint of API.md served so far, with its success and error paths.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private HttpClient Admin => _server.Admin;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> Put(string path, string json) => Admin.PutAsync(path, HttpExtensions.Json(json));

    [Fact]
    public async Task Requests_without_a_valid_token_are_401_and_a_token_without_the_ability_is_403()
    {
        await (await _server.Anonymous.GetAsync("/v1/dbs")).ProblemAsync(401, ErrorCodes.Unauthorized);
        // The status answers anyone (a signing client learns the DIDs there) but lists no databases.
        var open = await (await _server.Anonymous.GetAsync("/v1/status")).JsonAsync();
        Assert.Equal(0, open.GetProperty("databases").GetArrayLength());
        Assert.StartsWith("did:key:", open.GetProperty("owner").GetString());
        var bogus = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        bogus.Headers.Authorization = new("Bearer", "cw_not-a-token");
        await (await _server.Anonymous.SendAsync(bogus)).ProblemAsync(401, ErrorCodes.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await _server.Reader.GetAsync("/v1/status")).StatusCode);
        await (await _server.Reader.PutAsync("/v1/dbs/shop/docs/c/x", HttpExtensions.Json("{}"))).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _server.Reader.PutAsync("/v1/dbs/other", null)).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _server.Reader.DeleteAsync("/v1/dbs/shop")).ProblemAsync(403, ErrorCodes.Forbidden);

        // Credentials come first: whatever else is wrong with a request, without a token it is 401.
        await (await _server.Anonymous.PutAsync("/v1/dbs/shop/docs/c/x", new StringContent("hi", System.Text.Encoding.UTF8, "text/plain"))).ProblemAsync(401, ErrorCodes.Unauthorized);
        await (await _server.Anonymous.PostAsync("/v1/status", null)).ProblemAsync(401, ErrorCodes.Unauthorized);
        await (await _server.Anonymous.GetAsync("/v1/dbs/Bad%20Name")).ProblemAsync(401, ErrorCodes.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await _server.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Status_and_databases()
    {
        var status = await (await Admin.GetAsync("/v1/status")).JsonAsync();
        Assert.Equal(_server.Replica.Did, status.GetProperty("replica").GetString());
        Assert.Equal(["shop"], status.GetProperty("databases").EnumerateArray().Select(e => e.GetString()));

        await (await Admin.PutAsync("/v1/dbs/shop", null)).ProblemAsync(409, ErrorCodes.AlreadyExists);
        await (await Admin.PutAsync("/v1/dbs/acme.eu", null)).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.PutAsync("/v1/dbs/Bad%20Name", null)).ProblemAsync(400, ErrorCodes.InvalidName);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync("/v1/dbs/acme", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync("/v1/dbs/acme.eu", null)).StatusCode);
        var list = await (await Admin.GetAsync("/v1/dbs")).JsonAsync();
        Assert.Equal(["acme", "acme.eu", "shop"], list.GetProperty("databases").EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        await Put("/v1/dbs/shop/docs/c/d", """{"a": 1}""");
        var info = await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync();
        Assert.Equal(1, info.GetProperty("documents").GetInt64());
        Assert.Equal(1, info.GetProperty("position").GetInt64());
        Assert.Single(info.GetProperty("heads").EnumerateArray());
        Assert.Equal(1, info.GetProperty("clock").GetProperty(_server.Replica.Did).GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync("/v1/dbs/acme")).StatusCode);
        await (await Admin.GetAsync("/v1/dbs/acme.eu")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.DeleteAsync("/v1/dbs/acme")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Documents_put_post_get_patch_delete()
    {
        var created = await Put("/v1/dbs/shop/docs/orders/o-1", """{"total": 12, "ship": {"city": "Oslo"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var write = await created.JsonAsync();
        Assert.Equal(1, write.GetProperty("position").GetInt64());
        Assert.StartsWith("bafyrei", write.GetProperty("commit").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Put("/v1/dbs/shop/docs/orders/o-1", """{"total": 13, "ship": {"city": "Oslo"}}""")).StatusCode);

        var doc = await (await Admin.GetAsync("/v1/dbs/shop/docs/orders/o-1")).JsonAsync();
        Assert.Equal(13, doc.GetProperty("total").GetInt64());
        Assert.Equal("o-1", doc.GetProperty("_id").GetString());
        Assert.Equal("orders", doc.GetProperty("_collection").GetString());
        Assert.Equal(2, doc.GetProperty("_meta").GetProperty("position").GetInt64());

        var posted = await Admin.PostAsync("/v1/dbs/shop/docs/orders", HttpExtensions.Json("""{"total": 1}"""));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var postedJson = await posted.JsonAsync();
        string id = postedJson.GetProperty("_id").GetString()!;
        Assert.Equal($"\"{postedJson.GetProperty("commit").GetString()}\"", posted.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"/v1/dbs/shop/docs/orders/{id}")).StatusCode);

        var patch = await Admin.PatchAsync("/v1/dbs/shop/docs/orders/o-1", HttpExtensions.Json("""{"ops": [{"op": "increment", "path": "count", "by": 2}, {"op": "add", "path": "tags", "value": "x"}, {"op": "set", "path": "ship.zip", "value": "0150"}, {"op": "unset", "path": "total"}]}"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        doc = await (await Admin.GetAsync("/v1/dbs/shop/docs/orders/o-1")).JsonAsync();
        Assert.Equal(2, doc.GetProperty("count").GetInt64());
        Assert.Equal("x", doc.GetProperty("tags")[0].GetString());
        Assert.Equal("0150", doc.GetProperty("ship").GetProperty("zip").GetString());
        Assert.False(doc.TryGetProperty("total", out _));

        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync("/v1/dbs/shop/docs/orders/o-1")).StatusCode);
        await (await Admin.GetAsync("/v1/dbs/shop/docs/orders/o-1")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.DeleteAsync("/v1/dbs/shop/docs/orders/o-1")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.PatchAsync("/v1/dbs/shop/docs/orders/o-1", HttpExtensions.Json("""{"ops": [{"op": "set", "path": "a", "value": 1}]}"""))).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.GetAsync("/v1/dbs/nope/docs/orders/o-1")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : HttpExtensions.Json(json) };
        foreach (var (name, value) in headers) Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        return await Admin.SendAsync(request);
    }

    private async Task<string> HeadsAsync() => (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("heads").ToString();

    [Fact]
    public async Task Reads_answer_the_version_as_etag_and_if_match_and_if_none_match_make_writes_conditional()
    {
        const string Doc = "/v1/dbs/shop/docs/forms/f1";
        string Tag(string version) => $"\"{version}\"";

        // If-None-Match: * creates only; the answer carries the new version as its ETag.
        var created = await Send(HttpMethod.Put, Doc, """{"title": "a"}""", ("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string v1 = (await created.JsonAsync()).GetProperty("commit").GetString()!;
        Assert.Equal(Tag(v1), created.Headers.ETag?.ToString());
        var exists = await (await Send(HttpMethod.Put, Doc, """{"title": "x"}""", ("If-None-Match", "*"))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        Assert.Contains(v1, exists.GetProperty("detail").GetString());

        // A read answers the version (_meta.commit) as a strong ETag.
        var read = await Admin.GetAsync(Doc);
        Assert.Equal(Tag(v1), read.Headers.ETag?.ToString());
        Assert.False(read.Headers.ETag!.IsWeak);
        Assert.Equal(v1, (await read.JsonAsync()).GetProperty("_meta").GetProperty("commit").GetString());

        // Someone edits with the version they read: it applies, and the version moves.
        var patched = await Send(HttpMethod.Patch, Doc, """{"ops": [{"op": "set", "path": "title", "value": "b"}]}""", ("If-Match", Tag(v1)));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        string v2 = (await patched.JsonAsync()).GetProperty("commit").GetString()!;
        Assert.Equal(Tag(v2), patched.Headers.ETag?.ToString());
        Assert.Equal(Tag(v2), (await Admin.GetAsync(Doc)).Headers.ETag?.ToString());

        // Whoever still holds the old version is refused, whatever the method, and nothing is written.
        string heads = await HeadsAsync();
        var stale = await (await Send(HttpMethod.Put, Doc, """{"title": "c"}""", ("If-Match", Tag(v1)))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        Assert.Contains(v2, stale.GetProperty("detail").GetString());
        await (await Send(HttpMethod.Patch, Doc, """{"ops": [{"op": "set", "path": "title", "value": "c"}]}""", ("If-Match", Tag(v1)))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        await (await Send(HttpMethod.Delete, Doc, null, ("If-Match", Tag(v1)))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        Assert.Equal(heads, await HeadsAsync());
        Assert.Equal("b", (await (await Admin.GetAsync(Doc)).JsonAsync()).GetProperty("title").GetString());

        // A list matches any of its versions; * matches any version of a document that exists.
        var replaced = await Send(HttpMethod.Put, Doc, """{"title": "d"}""", ("If-Match", $"{Tag(v1)}, {Tag(v2)}"));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, Doc, null, ("If-Match", "*"))).StatusCode);

        // A deleted document does not exist: If-Match fails, If-None-Match: * creates it again.
        var gone = await (await Send(HttpMethod.Delete, Doc, null, ("If-Match", "*"))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        Assert.Contains("does not exist", gone.GetProperty("detail").GetString());
        await (await Send(HttpMethod.Patch, Doc, """{"ops": [{"op": "set", "path": "title", "value": "e"}]}""", ("If-Match", Tag(v2)))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        await (await Send(HttpMethod.Put, "/v1/dbs/shop/docs/forms/never", "{}", ("If-Match", "*"))).ProblemAsync(412, ErrorCodes.PreconditionFailed);
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Put, Doc, """{"title": "f"}""", ("If-None-Match", "*"))).StatusCode);
        Assert.Null((await Admin.GetAsync("/v1/dbs/shop/docs/forms/never")).Headers.ETag);

        // Weak or malformed preconditions are 400 invalid_value with one clear line, and write nothing.
        heads = await HeadsAsync();
        foreach (var (method, name, value) in new[]
        {
            (HttpMethod.Put, "If-Match", $"W/{Tag(v2)}"), (HttpMethod.Put, "If-Match", v2), (HttpMethod.Patch, "If-Match", "\"not-a-cid\""),
            (HttpMethod.Delete, "If-Match", $"{Tag(v2)} junk"), (HttpMethod.Put, "If-Match", $"*, {Tag(v2)}"), (HttpMethod.Delete, "If-Match", $"\"{v2}"),
            (HttpMethod.Put, "If-None-Match", Tag(v2)), (HttpMethod.Put, "If-None-Match", "W/\"x\""), (HttpMethod.Patch, "If-None-Match", "*"), (HttpMethod.Delete, "If-None-Match", "*"),
        })
        {
            string? body = method == HttpMethod.Delete ? null : method == HttpMethod.Patch ? """{"ops": [{"op": "set", "path": "title", "value": "g"}]}""" : """{"title": "g"}""";
            var problem = await (await Send(method, Doc, body, (name, value))).ProblemAsync(400, ErrorCodes.InvalidValue);
            string detail = problem.GetProperty("detail").GetString()!;
            Assert.True(detail.Contains(name, StringComparison.Ordinal) && !detail.Contains('\n'), $"{method} {name}: {value} → {detail}");
        }
        var both = await Send(HttpMethod.Put, Doc, """{"title": "g"}""", ("If-Match", Tag(v2)), ("If-None-Match", "*"));
        await both.ProblemAsync(400, ErrorCodes.InvalidValue);
        // Writes that take no condition refuse one rather than ignore it.
        await (await Send(HttpMethod.Post, "/v1/dbs/shop/docs/forms", "{}", ("If-None-Match", "*"))).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Send(HttpMethod.Post, "/v1/dbs/shop/tx", """{"ops": [{"op": "delete", "collection": "forms", "id": "f1"}]}""", ("If-Match", Tag(v2)))).ProblemAsync(400, ErrorCodes.InvalidValue);
        Assert.Equal(heads, await HeadsAsync());
    }

    [Fact]
    public async Task Bad_input_gets_400_with_a_precise_code_and_changes_nothing()
    {
        await Put("/v1/dbs/shop/docs/c/d", """{"n": 1}""");
        string heads = (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("heads").ToString();

        await (await Put("/v1/dbs/shop/docs/c/d", """{"n": """)).ProblemAsync(400, ErrorCodes.InvalidJson);
        await (await Put("/v1/dbs/shop/docs/c/d", "[1,2]")).ProblemAsync(400, ErrorCodes.InvalidJson);
        await (await Put("/v1/dbs/shop/docs/bad%20coll/d", "{}")).ProblemAsync(400, ErrorCodes.InvalidName);
        await (await Put("/v1/dbs/shop/docs/c/d%20d", "{}")).ProblemAsync(400, ErrorCodes.InvalidName);
        await (await Put("/v1/dbs/shop/docs/c/d", """{"a.b": 1}""")).ProblemAsync(400, ErrorCodes.InvalidPath);
        await (await Admin.PutAsync("/v1/dbs/shop/docs/c/d", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"))).ProblemAsync(415, ErrorCodes.UnsupportedMediaType);
        await (await Admin.PatchAsync("/v1/dbs/shop/docs/c/d", HttpExtensions.Json("""{"ops": [{"op": "explode", "path": "n"}]}"""))).ProblemAsync(400, ErrorCodes.InvalidOp);
        await (await Admin.PatchAsync("/v1/dbs/shop/docs/c/d", HttpExtensions.Json("""{"ops": [], "extra": 1}"""))).ProblemAsync(400, ErrorCodes.InvalidOp);
        await (await Admin.PatchAsync("/v1/dbs/shop/docs/c/d", HttpExtensions.Json("""{"ops": [{"op": "increment", "path": "n", "by": 1}]}"""))).ProblemAsync(400, ErrorCodes.TypeMismatch);
        await (await Admin.PatchAsync("/v1/dbs/shop/docs/c/d", HttpExtensions.Json("""{"ops": [{"op": "set", "path": "a..b", "value": 1}]}"""))).ProblemAsync(400, ErrorCodes.InvalidPath);
        await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d?at=yesterday")).ProblemAsync(400, ErrorCodes.InvalidAt);
        await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d?at=999")).ProblemAsync(400, ErrorCodes.InvalidAt);
        await (await Admin.GetAsync("/v1/dbs/shop/changes?since=-1")).ProblemAsync(400, ErrorCodes.InvalidCursor);
        await (await Admin.GetAsync("/v1/dbs/shop/changes?since=99")).ProblemAsync(400, ErrorCodes.InvalidCursor);
        await (await Admin.GetAsync("/v1/nothing-here")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.PostAsync("/v1/status", null)).ProblemAsync(405, ErrorCodes.MethodNotAllowed);

        Assert.Equal(heads, (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("heads").ToString());
        Assert.Equal(1, (await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d")).JsonAsync()).GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_413()
    {
        await using var small = await ServerFixture.StartAsync(new ServerOptions { MaxRequestBytes = 1000 });
        await small.Admin.PutAsync("/v1/dbs/db", null);
        var big = "{\"x\": \"" + new string('a', 2000) + "\"}";
        await (await small.Admin.PutAsync("/v1/dbs/db/docs/c/d", HttpExtensions.Json(big))).ProblemAsync(413, ErrorCodes.TooLarge);
        Assert.Equal(0, (await (await small.Admin.GetAsync("/v1/dbs/db")).JsonAsync()).GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Past_the_in_flight_limit_writes_get_429_with_retry_after()
    {
        await using var busy = await ServerFixture.StartAsync(new ServerOptions { MaxInFlightWrites = 0 });
        await busy.Admin.PutAsync("/v1/dbs/db", null);
        var response = await busy.Admin.PutAsync("/v1/dbs/db/docs/c/d", HttpExtensions.Json("{}"));
        await response.ProblemAsync(429, ErrorCodes.RateLimited);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task History_and_reads_in_the_past()
    {
        var first = await (await Put("/v1/dbs/shop/docs/c/d", """{"v": 1}""")).JsonAsync();
        await Task.Delay(15);
        string between = DateTimeOffset.UtcNow.ToString("O");
        await Task.Delay(15);
        await Admin.PatchAsync("/v1/dbs/shop/docs/c/d", HttpExtensions.Json("""{"ops": [{"op": "set", "path": "v", "value": 2}]}"""));
        string cid = first.GetProperty("commit").GetString()!;

        Assert.Equal(1, (await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d?at=1")).JsonAsync()).GetProperty("v").GetInt64());
        Assert.Equal(1, (await (await Admin.GetAsync($"/v1/dbs/shop/docs/c/d?at={cid}")).JsonAsync()).GetProperty("v").GetInt64());
        Assert.Equal(1, (await (await Admin.GetAsync($"/v1/dbs/shop/docs/c/d?at={Uri.EscapeDataString(between)}")).JsonAsync()).GetProperty("v").GetInt64());
        Assert.Equal(2, (await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d")).JsonAsync()).GetProperty("v").GetInt64());

        var history = await (await Admin.GetAsync("/v1/dbs/shop/docs/c/d/history")).JsonAsync();
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], versions.Select(v => v.GetProperty("position").GetInt64()));
        Assert.Contains(versions[1].GetProperty("changes").EnumerateArray(), c => c.GetProperty("op").GetString() == "set" && c.GetProperty("path").GetString() == "v");
    }

    [Fact]
    public async Task Transactions_are_all_or_nothing()
    {
        var ok = await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json("""{"ops": [{"op": "put", "collection": "a", "id": "1", "doc": {"x": 1}}, {"op": "create", "collection": "a", "doc": {"y": 2}}]}"""));
        var result = await ok.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, result.GetProperty("position").GetInt64());
        string created = result.GetProperty("created")[0].GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"/v1/dbs/shop/docs/a/{created}")).StatusCode);

        await (await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json("""{"ops": [{"op": "put", "collection": "a", "id": "2", "doc": {}}, {"op": "update", "collection": "a", "id": "missing", "ops": [{"op": "set", "path": "z", "value": 1}]}]}""")))
            .ProblemAsync(404, ErrorCodes.NotFound);
        await (await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json("""{"ops": [{"op": "put", "collection": "a", "id": "2", "doc": {}}, {"op": "frobnicate"}]}""")))
            .ProblemAsync(400, ErrorCodes.InvalidOp);
        await (await Admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json("""{"ops": []}"""))).ProblemAsync(400, ErrorCodes.InvalidOp);
        await (await Admin.GetAsync("/v1/dbs/shop/docs/a/2")).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Equal(1, (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64());

    }

    [Fact]
    public async Task Changes_poll_with_since_and_limit_and_stream_as_server_sent_events()
    {
        for (int i = 0; i < 5; i++) await Put($"/v1/dbs/shop/docs/c/d{i}", "{}");
        var page = await (await Admin.GetAsync("/v1/dbs/shop/changes?since=1&limit=2")).JsonAsync();
        Assert.Equal([2L, 3L], page.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("position").GetInt64()));
        Assert.Equal(3, page.GetProperty("last").GetInt64());
        Assert.Equal("d1", page.GetProperty("changes")[0].GetProperty("docs")[0].GetProperty("id").GetString());

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs/shop/changes?since=4&feed=sse");
        using var response = await Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<JsonElement>();
        var writer = Task.Run(async () => { await Task.Delay(100); await Put("/v1/dbs/shop/docs/c/live", "{}"); });
        while (events.Count < 2)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            if (line is null) break;
            if (line.StartsWith("data: ")) events.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
        }
        await writer;
        Assert.Equal([5L, 6L], events.Select(e => e.GetProperty("position").GetInt64()));
        Assert.Equal("live", events[1].GetProperty("docs")[0].GetProperty("id").GetString());
    }

    /// <summary>A reconnecting EventSource sends the id of the last event it got: the feed resumes after
    /// it, whatever its URL's since says, and every event carries its position as its id.</summary>
    [Fact]
    public async Task A_server_sent_feed_resumes_after_the_last_event_id()
    {
        for (int i = 0; i < 6; i++) await Put($"/v1/dbs/shop/docs/c/d{i}", "{}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs/shop/changes?since=0&feed=sse");
        request.Headers.Add("Last-Event-ID", "4");
        using var response = await Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var ids = new List<long>();
        var positions = new List<long>();
        while (positions.Count < 2)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            if (line is null) break;
            if (line.StartsWith("id: ")) ids.Add(long.Parse(line[4..]));
            if (line.StartsWith("data: ")) positions.Add(JsonDocument.Parse(line[6..]).RootElement.GetProperty("position").GetInt64());
        }
        Assert.Equal([5L, 6L], positions);
        Assert.Equal(positions, ids);

        using var bad = new HttpRequestMessage(HttpMethod.Get, "/v1/dbs/shop/changes?feed=sse");
        bad.Headers.Add("Last-Event-ID", "x1");
        await (await Admin.SendAsync(bad)).ProblemAsync(400, ErrorCodes.InvalidCursor);
    }

    [Fact]
    public async Task Verify_and_raw_commit_blocks()
    {
        var write = await (await Put("/v1/dbs/shop/docs/c/d", """{"a": 1}""")).JsonAsync();
        var verify = await (await Admin.GetAsync("/v1/dbs/shop/verify")).JsonAsync();
        Assert.True(verify.GetProperty("ok").GetBoolean());
        Assert.Equal(1, verify.GetProperty("commits").GetInt64());

        string cid = write.GetProperty("commit").GetString()!;
        var response = await Admin.GetAsync($"/v1/dbs/shop/commits/{cid}");
        Assert.Equal("application/vnd.ipld.dag-cbor", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{cid}\"", response.Headers.ETag?.Tag);
        var block = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(cid, Cid.ForDagCbor(block).ToString());
        var node = (IpldMap)DagCbor.Decode(block);
        Assert.Equal("shop", ((IpldString)node.Get("db")!).Value);

        var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/dbs/shop/commits/{cid}");
        again.Headers.IfNoneMatch.Add(new($"\"{cid}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await Admin.SendAsync(again)).StatusCode);
        await (await Admin.GetAsync("/v1/dbs/shop/commits/not-a-cid")).ProblemAsync(400, ErrorCodes.InvalidValue);
        await (await Admin.GetAsync($"/v1/dbs/shop/commits/{Cid.ForDagCbor([0xA0])}")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task The_openapi_document_does_not_echo_the_request_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example:6666";
        var text = await (await _server.Anonymous.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", text);
        var servers = JsonDocument.Parse(text).RootElement.GetProperty("servers");
        Assert.Equal("/", Assert.Single(servers.EnumerateArray()).GetProperty("url").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        var doc = await (await _server.Anonymous.GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = doc.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).ToHashSet());
        var expected = new (string Path, string Method)[]
        {
            ("/v1/status", "get"), ("/v1/dbs", "get"), ("/v1/dbs/{db}", "put"), ("/v1/dbs/{db}", "get"), ("/v1/dbs/{db}", "delete"),
            ("/v1/dbs/{db}/docs/{coll}/{id}", "put"), ("/v1/dbs/{db}/docs/{coll}", "post"), ("/v1/dbs/{db}/docs/{coll}/{id}", "get"),
            ("/v1/dbs/{db}/docs/{coll}/{id}", "patch"), ("/v1/dbs/{db}/docs/{coll}/{id}", "delete"), ("/v1/dbs/{db}/docs/{coll}/{id}/history", "get"),
            ("/v1/dbs/{db}/tx", "post"), ("/v1/dbs/{db}/query", "post"), ("/v1/dbs/{db}/changes", "get"), ("/v1/dbs/{db}/verify", "get"),
            ("/v1/dbs/{db}/commits/{cid}", "get"), ("/v1/dbs/{db}/export", "get"), ("/v1/dbs/{db}/import", "post"),
            ("/v1/dbs/{db}/sync", "get"), ("/v1/dbs/{db}/replicate", "post"), ("/v1/dbs/{db}/peers", "get"), ("/v1/dbs/{db}/peers/{id}", "delete"),
            ("/v1/dbs/{db}/quotas", "get"), ("/v1/dbs/{db}/quotas", "put"),
            ("/v1/dbs/{db}/schema", "get"), ("/v1/dbs/{db}/schema", "put"), ("/v1/dbs/{db}/reservations", "post"),
            ("/v1/tokens", "post"), ("/v1/tokens/{cid}", "put"), ("/v1/tokens/{cid}", "get"), ("/v1/tokens/{cid}/revoke", "post"),
            ("/v1/dbs/{db}/functions", "get"), ("/v1/dbs/{db}/functions/{name}", "put"), ("/v1/dbs/{db}/functions/{name}", "get"),
            ("/v1/dbs/{db}/functions/{name}", "delete"), ("/v1/dbs/{db}/functions/{name}/call", "post"),
            ("/v1/dbs/{db}/function-limits", "get"), ("/v1/dbs/{db}/function-limits", "put"),
            ("/v1/backup", "post"),
        };
        foreach (var (path, method) in expected)
            Assert.True(paths.TryGetValue(path, out var methods) && methods.Contains(method), $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
    }
}

public sealed class ArchiveEndpointTests
{
    [Fact]
    public async Task A_ledger_exported_from_one_server_imports_into_another()
    {
        await using var a = await ServerFixture.StartAsync();
        await using var b = await ServerFixture.StartAsync();
        await a.Admin.PutAsync("/v1/dbs/shop", null);
        await b.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 5; i++) await a.Admin.PutAsync($"/v1/dbs/shop/docs/c/d{i}", HttpExtensions.Json($$"""{"i": {{i}}}"""));

        var export = await a.Admin.GetAsync("/v1/dbs/shop/export");
        Assert.Equal("application/vnd.ipld.car", export.Content.Headers.ContentType?.MediaType);
        var car = await export.Content.ReadAsByteArrayAsync();

        var content = new ByteArrayContent(car);
        content.Headers.ContentType = new("application/vnd.ipld.car");
        var result = await (await b.Admin.PostAsync("/v1/dbs/shop/import", content)).JsonAsync();
        Assert.Equal(5, result.GetProperty("applied").GetInt32());
        Assert.Equal(4, (await (await b.Admin.GetAsync("/v1/dbs/shop/docs/c/d4")).JsonAsync()).GetProperty("i").GetInt32());
        Assert.Equal(
            (await (await a.Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("heads").ToString(),
            (await (await b.Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("heads").ToString());

        var damaged = (byte[])car.Clone();
        damaged[^3] ^= 1;
        var bad = new ByteArrayContent(damaged);
        bad.Headers.ContentType = new("application/vnd.ipld.car");
        await (await b.Admin.PostAsync("/v1/dbs/shop/import", bad)).ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidCbor);
        var wrongType = await (await b.Admin.PostAsync("/v1/dbs/shop/import", HttpExtensions.Json("{}"))).ProblemAsync(415, Causeway.Errors.ErrorCodes.UnsupportedMediaType);
        // It names the type the endpoint takes, not the one it was sent.
        Assert.Contains("send the archive as application/vnd.ipld.car", wrongType.GetProperty("detail").GetString());
        var json = await (await b.Admin.PutAsync("/v1/dbs/shop/docs/c/x", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"))).ProblemAsync(415, Causeway.Errors.ErrorCodes.UnsupportedMediaType);
        Assert.Contains("application/json", json.GetProperty("detail").GetString());
        // A reserved key in a document names itself as one, whatever it holds.
        var reserved = await (await b.Admin.PutAsync("/v1/dbs/shop/docs/c/x", HttpExtensions.Json("""{"a": {"$gt": 1}}"""))).ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidValue);
        Assert.Contains("Keys starting with '$' are reserved; '$gt' is not a known type tag", reserved.GetProperty("detail").GetString());
        await (await b.Reader.PostAsync("/v1/dbs/shop/import", content)).ProblemAsync(403, Causeway.Errors.ErrorCodes.Forbidden);
    }
}

public sealed class QueryEndpointTests
{
    [Fact]
    public async Task Queries_filter_order_and_page_with_cursors()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 7; i++)
            await server.Admin.PutAsync($"/v1/dbs/shop/docs/orders/o{i}", HttpExtensions.Json($$"""{"total": {{i * 10}}, "status": "{{(i % 2 == 0 ? "paid" : "new")}}"}"""));
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            string after = cursor is null ? "" : $", \"after\": \"{cursor}\"";
            var page = await (await server.Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json(
                $$"""{"collection": "orders", "where": {"and": [{"path": "status", "eq": "paid"}, {"path": "total", "gte": 10}]}, "orderBy": [{"path": "total", "desc": true}], "limit": 2{{after}}}"""))).JsonAsync();
            ids.AddRange(page.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("_id").GetString()!));
            cursor = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        } while (cursor is not null);
        Assert.Equal(["o6", "o4", "o2"], ids);

        await (await server.Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json("""{"collection": "orders", "where": {"path": "total", "between": 1}}"""))).ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidOp);
        await (await server.Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json("""{"collection": "orders", "after": "garbage"}"""))).ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidCursor);
        await (await server.Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json("""{"collection": "bad name"}"""))).ProblemAsync(400, Causeway.Errors.ErrorCodes.InvalidName);
    }
}

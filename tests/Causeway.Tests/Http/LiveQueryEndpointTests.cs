using System.Net;
using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Tests.Http;

/// <summary><c>POST /v1/dbs/{db}/query?live=true</c> over real loopback HTTP: the snapshot and the
/// deltas as server-sent events with their positions as ids, resuming with <c>Last-Event-ID</c> or
/// <c>?since</c>, the same 400s as an ordinary query before the stream starts, the same authorization,
/// and the error event that ends a stream when the server stops.</summary>
public sealed class LiveQueryEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private ServerFixture _server = null!;
    private HttpClient Admin => _server.Admin;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartOnLoopbackAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> Put(string id, string json)
    {
        var response = await Admin.PutAsync($"/v1/dbs/shop/docs/orders/{id}", HttpExtensions.Json(json));
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("position").GetInt64();
    }

    private const string Paid = """{"collection": "orders", "where": {"path": "status", "eq": "paid"}}""";

    private static HttpRequestMessage Live(string query, string suffix = "", string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/shop/query?live=true" + suffix) { Content = HttpExtensions.Json(query) };
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        return request;
    }

    private sealed record SseEvent(string? Id, string Name, JsonElement Data);

    /// <summary>An open event stream; every read has a timeout.</summary>
    private sealed class Stream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public static async Task<Stream> OpenAsync(HttpClient client, HttpRequestMessage request)
        {
            using var cts = new CancellationTokenSource(Timeout);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new Stream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token)));
        }

        /// <summary>The next event, or null when the stream ends.</summary>
        public async Task<SseEvent?> NextAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            string? id = null, name = null, data = null;
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null) return new SseEvent(id, name, JsonDocument.Parse(data!).RootElement.Clone());
                    continue;
                }
                if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            }
            return null;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_live_query_streams_its_snapshot_then_its_deltas_with_positions_as_ids()
    {
        await Put("o1", """{"status": "paid", "total": 10}""");
        long at = await Put("o2", """{"status": "open"}""");
        using var stream = await Stream.OpenAsync(Admin, Live(Paid));
        var snapshot = (await stream.NextAsync())!;
        Assert.Equal(("snapshot", at.ToString()), (snapshot.Name, snapshot.Id));
        Assert.Equal("snapshot", snapshot.Data.GetProperty("kind").GetString());
        Assert.Equal(at, snapshot.Data.GetProperty("position").GetInt64());
        Assert.Equal(JsonValueKind.Null, snapshot.Data.GetProperty("commit").ValueKind);
        Assert.Equal("o1", snapshot.Data.GetProperty("entered")[0].GetProperty("_id").GetString());

        await Put("o2", """{"status": "open", "total": 3}""");     // changes nothing of the result
        long entered = await Put("o3", """{"status": "paid", "price": {"$decimal": "1.50"}}""");
        var delta = (await stream.NextAsync())!;
        Assert.Equal(("delta", entered.ToString()), (delta.Name, delta.Id));
        Assert.True(delta.Data.GetProperty("local").GetBoolean());
        Assert.StartsWith("bafy", delta.Data.GetProperty("commit").GetString());
        Assert.Equal("""{"$decimal":"1.50"}""", delta.Data.GetProperty("entered")[0].GetProperty("price").GetRawText());
        Assert.Equal(0, delta.Data.GetProperty("left").GetArrayLength());

        long left = await Put("o1", """{"status": "open"}""");
        var leaving = (await stream.NextAsync())!;
        Assert.Equal(left.ToString(), leaving.Id);
        Assert.Equal("o1", leaving.Data.GetProperty("left")[0].GetString());

        // ?values=plain, as an ordinary query.
        using var plain = await Stream.OpenAsync(Admin, Live(Paid, "&values=plain"));
        Assert.Equal("\"1.50\"", (await plain.NextAsync())!.Data.GetProperty("entered")[0].GetProperty("price").GetRawText());
    }

    /// <summary>A client that reconnects with the id of the last event it got (or <c>?since</c>) gets
    /// no snapshot, and exactly the deltas after it.</summary>
    [Fact]
    public async Task A_live_query_resumes_after_the_last_event_id()
    {
        long first = await Put("o1", """{"status": "paid"}""");
        long second = await Put("o2", """{"status": "paid"}""");
        await Put("o9", """{"status": "open"}""");
        long third = await Put("o1", """{"status": "open"}""");

        using var resumed = await Stream.OpenAsync(Admin, Live(Paid, "&since=0", lastEventId: first.ToString()));
        var a = (await resumed.NextAsync())!;
        Assert.Equal(("delta", second.ToString()), (a.Name, a.Id));
        Assert.Equal("o2", a.Data.GetProperty("entered")[0].GetProperty("_id").GetString());
        var b = (await resumed.NextAsync())!;
        Assert.Equal(("delta", third.ToString()), (b.Name, b.Id));
        Assert.Equal("o1", b.Data.GetProperty("left")[0].GetString());

        using var since = await Stream.OpenAsync(Admin, Live(Paid, $"&since={second}"));
        Assert.Equal(third.ToString(), (await since.NextAsync())!.Id);
    }

    [Fact]
    public async Task Bad_input_is_400_before_the_stream_starts()
    {
        await Put("o1", "{}");
        await Put("o2", "{}");
        async Task Refused(HttpRequestMessage request, string code) => await (await Admin.SendAsync(request)).ProblemAsync(400, code);
        await Refused(Live("""{"collection": "orders", "where": {"path": "a"}}"""), ErrorCodes.InvalidOp);
        await Refused(Live("""{"collection": "orders", "limit": 0}"""), ErrorCodes.InvalidValue);
        await Refused(Live("""{"collection": "orders"}""", "&since=3"), ErrorCodes.InvalidCursor);
        await Refused(Live("""{"collection": "orders"}""", "&since=-1"), ErrorCodes.InvalidCursor);
        await Refused(Live("""{"collection": "orders"}""", lastEventId: "x1"), ErrorCodes.InvalidCursor);
        await Refused(Live("""{"collection": "orders", "at": 9}"""), ErrorCodes.InvalidAt);
        var page = await (await Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json("""{"collection": "orders", "limit": 1}"""))).JsonAsync();
        await Refused(Live($$"""{"collection": "orders", "limit": 1, "after": "{{page.GetProperty("next").GetString()}}"}"""), ErrorCodes.InvalidCursor);
        await Refused(new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/shop/query?live=yes") { Content = HttpExtensions.Json("""{"collection": "orders"}""") }, ErrorCodes.InvalidValue);
        await Refused(new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/shop/query?since=1") { Content = HttpExtensions.Json("""{"collection": "orders"}""") }, ErrorCodes.InvalidValue);
        await (await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/dbs/nope/query?live=true") { Content = HttpExtensions.Json("""{"collection": "orders"}""") }))
            .ProblemAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_live_query_is_authorized_as_a_query()
    {
        await Put("o1", """{"status": "paid"}""");
        await (await _server.Anonymous.SendAsync(Live(Paid))).ProblemAsync(401, ErrorCodes.Unauthorized);
        using var reading = await Stream.OpenAsync(_server.Reader, Live(Paid));
        Assert.Equal("snapshot", (await reading.NextAsync())!.Name);
    }

    /// <summary>When the server stops, an open stream ends with an <c>error</c> event (a problem, code
    /// unavailable) whose id is the last position sent, so the client knows where to resume.</summary>
    [Fact]
    public async Task A_stopping_server_ends_the_stream_with_an_error_event()
    {
        long at = await Put("o1", """{"status": "paid"}""");
        var stream = await Stream.OpenAsync(Admin, Live(Paid));
        Assert.Equal("snapshot", (await stream.NextAsync())!.Name);
        var stopping = _server.DisposeAsync().AsTask();
        var error = (await stream.NextAsync())!;
        Assert.Equal(("error", at.ToString()), (error.Name, error.Id));
        Assert.Equal(ErrorCodes.Unavailable, error.Data.GetProperty("code").GetString());
        Assert.Equal(503, error.Data.GetProperty("status").GetInt32());
        Assert.Null(await stream.NextAsync());
        stream.Dispose();
        await stopping.WaitAsync(Timeout);
        _server = await ServerFixture.StartOnLoopbackAsync();   // for DisposeAsync
    }
}

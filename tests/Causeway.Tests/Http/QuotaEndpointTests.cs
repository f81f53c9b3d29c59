using System.Net;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Causeway.Tests.Http;

/// <summary>GET and PUT /v1/dbs/{db}/quotas and what quotas answer over HTTP (docs/api.md, Quotas), on
/// a server on a real loopback port over a replica in RocksDB on disk, whose time the test moves.</summary>
public sealed class QuotaEndpointTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new();
    private WebApplication _app = null!;
    private HttpClient _admin = null!;
    private HttpClient _reader = null!;
    private string _adminToken = "";

    public async Task InitializeAsync()
    {
        await StartAsync();
        (await _admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    private async Task StartAsync()
    {
        var replica = await Replica.OpenAsync(_folder.Path, new ReplicaOptions { Time = _time });
        var tokens = StaticTokens.LoadOrCreate(_folder.Path, dev: false);
        _adminToken = tokens.AdminToken;
        _app = CausewayServer.Build(replica, tokens, new ServerOptions { DataDirectory = _folder.Path, Urls = "http://127.0.0.1:0" });
        await _app.StartAsync();
        var url = new Uri(_app.Urls.First());
        _admin = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        _admin.DefaultRequestHeaders.Authorization = new("Bearer", tokens.AdminToken);
        _reader = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        _reader.DefaultRequestHeaders.Authorization = new("Bearer", tokens.ReadToken);
    }

    /// <summary>Stops the server, which closes its replica.</summary>
    private async Task StopAsync()
    {
        _admin.Dispose();
        _reader.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> PutQuotas(string json) => _admin.PutAsync("/v1/dbs/shop/quotas", HttpExtensions.Json(json));

    private Task<HttpResponseMessage> PutDoc(string id, string json) => _admin.PutAsync($"/v1/dbs/shop/docs/orders/{id}", HttpExtensions.Json(json));

    private async Task<(long Documents, long Position)> InfoAsync()
    {
        var info = await (await _admin.GetAsync("/v1/dbs/shop")).JsonAsync();
        return (info.GetProperty("documents").GetInt64(), info.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Quotas_are_read_with_doc_read_and_set_with_db_admin()
    {
        var none = await (await _reader.GetAsync("/v1/dbs/shop/quotas")).JsonAsync();
        Assert.Equal("""{"limits":{"documents":null,"bytes":null,"writesPerSecond":null,"syncSessions":null},"usage":{"documents":0,"bytes":0,"syncSessions":0}}""", none.GetRawText());

        await (await _reader.PutAsync("/v1/dbs/shop/quotas", HttpExtensions.Json("""{"documents": 1}"""))).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _admin.GetAsync("/v1/dbs/nope/quotas")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await _admin.PutAsync("/v1/dbs/nope/quotas", HttpExtensions.Json("{}"))).ProblemAsync(404, ErrorCodes.NotFound);

        await PutDoc("o1", """{"total": 12}""");
        var set = await PutQuotas("""{"documents": 100, "bytes": 5000, "writesPerSecond": 50}""");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        long bytes = Causeway.Documents.ValueCbor.Encode(Causeway.Values.ValueJson.Parse("""{"total": 12}""")).Length;
        Assert.Equal($$$"""{"limits":{"documents":100,"bytes":5000,"writesPerSecond":50,"syncSessions":null},"usage":{"documents":1,"bytes":{{{bytes}}},"syncSessions":0}}""",
            (await set.JsonAsync()).GetRawText());
        Assert.Equal(100, (await (await _reader.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetProperty("limits").GetProperty("documents").GetInt64());

        // The typed client reads and writes the same.
        using var client = new Causeway.Client.CausewayClient(_admin.BaseAddress!, _adminToken);
        Assert.Equal(new QuotaLimits(100, 5000, 50), (await client.GetQuotasAsync("shop")).Limits);
        Assert.Equal(new QuotaLimits(SyncSessions: 2), (await client.SetQuotasAsync("shop", new QuotaLimits(SyncSessions: 2))).Limits);
        Assert.Equal(ErrorCodes.InvalidValue, (await Assert.ThrowsAsync<InvalidInputException>(() => client.SetQuotasAsync("shop", new QuotaLimits(Documents: -1)))).Code);
    }

    [Theory]
    [InlineData("[]", 400, ErrorCodes.InvalidJson)]
    [InlineData("not json", 400, ErrorCodes.InvalidJson)]
    [InlineData("""{"documents": 1, "documents": 2}""", 400, ErrorCodes.InvalidJson)]
    [InlineData("""{"documents": -1}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"bytes": 1.5}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"bytes": 1e3}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"syncSessions": "2"}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"documents": 99999999999999999999}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"writesPerSecond": 0}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"writesPerSecond": 100001}""", 400, ErrorCodes.InvalidValue)]
    [InlineData("""{"docs": 5}""", 400, ErrorCodes.InvalidValue)]
    public async Task A_bad_body_is_400_with_a_stable_code_and_changes_nothing(string body, int status, string code)
    {
        (await PutQuotas("""{"documents": 7}""")).EnsureSuccessStatusCode();
        await (await PutQuotas(body)).ProblemAsync(status, code);
        var quotas = await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync();
        Assert.Equal(7, quotas.GetProperty("limits").GetProperty("documents").GetInt64());
    }

    [Fact]
    public async Task A_write_past_the_documents_quota_is_403_quota_exceeded_and_writes_nothing()
    {
        await PutDoc("o1", "{}");
        (await PutQuotas("""{"documents": 2}""")).EnsureSuccessStatusCode();
        await PutDoc("o2", "{}");
        var before = await InfoAsync();

        var refused = await (await PutDoc("o3", "{}")).ProblemAsync(403, ErrorCodes.QuotaExceeded);
        Assert.Equal("Database 'shop' is limited to 2 documents; this write would have made it 3.", refused.GetProperty("detail").GetString());
        await (await _admin.PostAsync("/v1/dbs/shop/docs/orders", HttpExtensions.Json("{}"))).ProblemAsync(403, ErrorCodes.QuotaExceeded);
        const string Tx = """{"ops": [{"op": "delete", "collection": "orders", "id": "o1"}, {"op": "put", "collection": "orders", "id": "o3", "doc": {}}, {"op": "put", "collection": "orders", "id": "o4", "doc": {}}]}""";
        await (await _admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json(Tx))).ProblemAsync(403, ErrorCodes.QuotaExceeded);
        Assert.Equal(before, await InfoAsync());
        await (await _admin.GetAsync("/v1/dbs/shop/docs/orders/o3")).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v1/dbs/shop/docs/orders/o1")).StatusCode);
        var changes = await (await _admin.GetAsync($"/v1/dbs/shop/changes?since={before.Position}")).JsonAsync();
        Assert.Equal(0, changes.GetProperty("changes").GetArrayLength());

        // A delete frees room.
        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync("/v1/dbs/shop/docs/orders/o1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutDoc("o3", "{}")).StatusCode);
        var usage = (await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("documents").GetInt64());
    }

    [Fact]
    public async Task A_write_past_the_bytes_quota_is_403_quota_exceeded()
    {
        (await PutQuotas("""{"bytes": 20}""")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await PutDoc("o1", """{"n": "short"}""")).StatusCode);
        var before = await InfoAsync();
        var refused = await (await PutDoc("o1", """{"n": "a much longer value than before"}""")).ProblemAsync(403, ErrorCodes.QuotaExceeded);
        Assert.Matches(@"^Database 'shop' is limited to 20 bytes of documents; this write would have made it \d+\.$", refused.GetProperty("detail").GetString());
        Assert.Equal(before, await InfoAsync());
        Assert.Equal("short", (await (await _admin.GetAsync("/v1/dbs/shop/docs/orders/o1")).JsonAsync()).GetProperty("n").GetString());
    }

    [Fact]
    public async Task Writes_past_the_rate_are_429_with_Retry_After_and_pass_again_a_second_later()
    {
        (await PutQuotas("""{"writesPerSecond": 2}""")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await PutDoc("o1", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutDoc("o2", "{}")).StatusCode);
        var before = await InfoAsync();

        var response = await PutDoc("o3", "{}");
        var refused = await response.ProblemAsync(429, ErrorCodes.RateLimited);
        Assert.Equal("Database 'shop' is limited to 2 writes per second; this write would have made it 3 in the last second.", refused.GetProperty("detail").GetString());
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal(before, await InfoAsync());
        await (await _admin.GetAsync("/v1/dbs/shop/docs/orders/o3")).ProblemAsync(404, ErrorCodes.NotFound);
        // Reads are not writes.
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v1/dbs/shop/docs/orders/o1")).StatusCode);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await PutDoc("o3", "{}")).StatusCode);
    }

    [Fact]
    public async Task Quotas_and_usage_survive_a_restart_of_the_server()
    {
        (await PutQuotas("""{"documents": 2, "bytes": 1000, "writesPerSecond": 10, "syncSessions": 3}""")).EnsureSuccessStatusCode();
        await PutDoc("o1", """{"a": 1}""");
        await PutDoc("o2", """{"b": 2}""");
        string before = (await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetRawText();

        await StopAsync();
        await StartAsync();
        Assert.Equal(before, (await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetRawText());
        await (await PutDoc("o3", "{}")).ProblemAsync(403, ErrorCodes.QuotaExceeded);
    }

    [Fact]
    public async Task A_sync_session_past_the_quota_is_refused_before_the_upgrade_and_a_replicate_before_dialing()
    {
        (await PutQuotas("""{"syncSessions": 1}""")).EnsureSuccessStatusCode();
        var url = _admin.BaseAddress!;
        await using var peer = Replica.OpenInMemory();
        await using (var link = await peer.ReplicateWithServerAsync("shop", url, _adminToken))
        {
            Assert.Equal("live", link.Status.State);
            var usage = (await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetProperty("usage");
            Assert.Equal(1, usage.GetProperty("syncSessions").GetInt64());

            // Another peer dialing: 403 before the WebSocket opens, and what the dialer says names the quota.
            var dialed = await Assert.ThrowsAsync<ForbiddenException>(() => SyncDialer.ConnectAsync(url, "shop", _adminToken));
            Assert.Contains("quota of sync sessions", dialed.Message);
            await using var other = Replica.OpenInMemory();
            var refused = await Assert.ThrowsAsync<SyncRefusedException>(() => other.SyncWithServerAsync("shop", url, _adminToken));
            Assert.Contains("(403)", refused.Message);

            // This server opening one more: 403 quota_exceeded, before it dials (the peer below does not exist).
            var replicate = await (await _admin.PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json("""{"peer": "http://127.0.0.1:1"}""")))
                .ProblemAsync(403, ErrorCodes.QuotaExceeded);
            Assert.Equal("Database 'shop' is limited to 1 open sync sessions; this session would have made it 2.", replicate.GetProperty("detail").GetString());
        }
        await SyncWait.UntilAsync(async () => (await (await _admin.GetAsync("/v1/dbs/shop/quotas")).JsonAsync()).GetProperty("usage").GetProperty("syncSessions").GetInt64() == 0);
        await using var later = Replica.OpenInMemory();
        await later.SyncWithServerAsync("shop", url, _adminToken);
    }
}

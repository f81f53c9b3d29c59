using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Causeway.Tests.Http;

/// <summary>POST replicate, GET peers, DELETE peers/{id} and the sync WebSocket, between two real
/// Kestrel servers on loopback ports.</summary>
public sealed class ReplicationEndpointTests : IAsyncLifetime
{
    private ServerFixture _a = null!;
    private ServerFixture _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ServerFixture.StartOnLoopbackAsync();
        _b = await ServerFixture.StartOnLoopbackAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static Task<HttpResponseMessage> Replicate(ServerFixture server, string db, string body) => server.Admin.PostAsync($"/v1/dbs/{db}/replicate", HttpExtensions.Json(body));

    private static string Body(ServerFixture peer, string? token, string mode = "once", string direction = "both")
        => JsonSerializer.Serialize(new Dictionary<string, string?> { ["peer"] = peer.Url.ToString(), ["token"] = token, ["mode"] = mode, ["direction"] = direction });

    private static async Task WriteAsync(ServerFixture server, string db, string coll, string id, string json)
    {
        var response = await server.Admin.PutAsync($"/v1/dbs/{db}/docs/{coll}/{id}", HttpExtensions.Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> InfoAsync(ServerFixture server, string db) => await (await server.Admin.GetAsync($"/v1/dbs/{db}")).JsonAsync();

    private static async Task<JsonElement[]> PeersAsync(ServerFixture server, string db)
        => [.. (await (await server.Admin.GetAsync($"/v1/dbs/{db}/peers")).JsonAsync()).GetProperty("peers").EnumerateArray()];

    private static string[] Heads(JsonElement info) => [.. info.GetProperty("heads").EnumerateArray().Select(h => h.GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Replicate_once_in_both_directions_makes_two_servers_converge()
    {
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 20; i++) await WriteAsync(_a, "shop", "orders", $"a{i}", $$"""{"n": {{i}}}""");
        for (int i = 0; i < 7; i++) await WriteAsync(_b, "shop", "orders", $"b{i}", $$"""{"n": {{i}}}""");
        await WriteAsync(_b, "shop", "orders", "a3", """{"n": 300}""");   // concurrent with a3 on A

        var response = await Replicate(_a, "shop", Body(_b, _b.AdminToken));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.JsonAsync();
        Assert.Equal(_b.Replica.Did, result.GetProperty("peer").GetString());
        Assert.Equal(8, result.GetProperty("applied").GetInt64());
        Assert.Equal(20, result.GetProperty("sent").GetInt64());
        Assert.Equal(28, result.GetProperty("position").GetInt64());
        Assert.True(result.GetProperty("bytesSent").GetInt64() > 0 && result.GetProperty("bytesReceived").GetInt64() > 0);
        Assert.True(result.GetProperty("elapsedMs").GetInt64() >= 0);
        Assert.Equal(0, result.GetProperty("skipped").GetInt64());

        var a = await InfoAsync(_a, "shop");
        var b = await InfoAsync(_b, "shop");
        Assert.Equal(Heads(a), Heads(b));
        Assert.Equal(27, a.GetProperty("documents").GetInt64());
        Assert.Equal(27, b.GetProperty("documents").GetInt64());
        var docA = await (await _a.Admin.GetAsync("/v1/dbs/shop/docs/orders/a3")).JsonAsync();
        var docB = await (await _b.Admin.GetAsync("/v1/dbs/shop/docs/orders/a3")).JsonAsync();
        Assert.Equal(docA.GetProperty("n").GetInt64(), docB.GetProperty("n").GetInt64());
        Assert.True((await (await _b.Admin.GetAsync("/v1/dbs/shop/verify")).JsonAsync()).GetProperty("ok").GetBoolean());

        // Again: nothing left to exchange. And the once-sessions are gone from both peers lists.
        var again = await (await Replicate(_a, "shop", Body(_b, _b.AdminToken))).JsonAsync();
        Assert.Equal(0, again.GetProperty("applied").GetInt64());
        Assert.Equal(0, again.GetProperty("sent").GetInt64());
        Assert.Empty(await PeersAsync(_a, "shop"));
        await SyncWait.UntilAsync(async () => (await PeersAsync(_b, "shop")).Length == 0);
    }

    [Fact]
    public async Task A_pull_creates_the_database_and_a_push_needs_it_to_exist()
    {
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 5; i++) await WriteAsync(_b, "shop", "c", $"d{i}", """{"v": 1}""");

        var push = await (await Replicate(_a, "shop", Body(_b, _b.AdminToken, direction: "push"))).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Contains("nothing to push", push.GetProperty("detail").GetString());
        await (await Replicate(_a, "acme.eu", Body(_b, _b.AdminToken, direction: "pull"))).ProblemAsync(404, ErrorCodes.NotFound);
        await (await Replicate(_a, "acme.eu", Body(_b, _b.AdminToken, direction: "both"))).ProblemAsync(404, ErrorCodes.NotFound);
        Assert.Empty(_a.Replica.ListDatabases());

        var pulled = await Replicate(_a, "shop", Body(_b, _b.AdminToken, direction: "pull"));
        Assert.True(pulled.StatusCode == HttpStatusCode.OK, await pulled.Content.ReadAsStringAsync());
        Assert.Equal(5, (await pulled.JsonAsync()).GetProperty("applied").GetInt64());
        Assert.Equal(5, (await InfoAsync(_a, "shop")).GetProperty("documents").GetInt64());

        // A pull that fails leaves no empty database behind.
        await (await Replicate(_a, "gone", Body(_b, _b.AdminToken, direction: "pull"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Equal(["shop"], _a.Replica.ListDatabases());
    }

    /// <summary>A new server joins in one step: a two-way sync creates the database on whichever side
    /// lacks it (with the authority to create it there), then both hold the same commits.</summary>
    [Fact]
    public async Task A_two_way_sync_creates_the_database_where_it_is_missing()
    {
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 3; i++) await WriteAsync(_b, "shop", "c", $"d{i}", """{"v": 1}""");

        // Here: A lacks it and pulls and pushes.
        var both = await Replicate(_a, "shop", Body(_b, _b.AdminToken, direction: "both"));
        Assert.True(both.StatusCode == HttpStatusCode.OK, await both.Content.ReadAsStringAsync());
        Assert.Equal(3, (await InfoAsync(_a, "shop")).GetProperty("documents").GetInt64());

        // There: A has one B lacks; the peer creates it for the session, since the token may create databases.
        await _a.Admin.PutAsync("/v1/dbs/tools", null);
        await WriteAsync(_a, "tools", "c", "hammer", """{"v": 2}""");
        var there = await Replicate(_a, "tools", Body(_b, _b.AdminToken, direction: "both"));
        Assert.True(there.StatusCode == HttpStatusCode.OK, await there.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _b.Admin.GetAsync("/v1/dbs/tools/docs/c/hammer")).StatusCode);
        Assert.Equal(Heads(await InfoAsync(_a, "tools")), Heads(await InfoAsync(_b, "tools")));

        // A database created there for a session that brought nothing is dropped again.
        await _a.Admin.PutAsync("/v1/dbs/empty", null);
        var nothing = await Replicate(_a, "empty", Body(_b, _b.AdminToken, direction: "both"));
        Assert.True(nothing.StatusCode == HttpStatusCode.OK, await nothing.Content.ReadAsStringAsync());
        await SyncWait.UntilAsync(() => Task.FromResult(!_b.Replica.ListDatabases().Contains("empty")));
    }

    [Fact]
    public async Task A_pull_with_collections_makes_a_partial_replica_that_says_what_it_does_not_hold()
    {
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        for (int i = 0; i < 4; i++)
        {
            await WriteAsync(_b, "shop", "orders", $"eu-{i}", """{"total": 1}""");
            await WriteAsync(_b, "shop", "orders", $"us-{i}", """{"total": 2}""");
            await WriteAsync(_b, "shop", "users", $"u{i}", """{"name": "x"}""");
        }
        string body = JsonSerializer.Serialize(new { peer = _b.Url.ToString(), token = _b.AdminToken, direction = "pull", collections = new[] { "orders/eu-" } });
        var pulled = await Replicate(_a, "shop", body);
        Assert.True(pulled.StatusCode == HttpStatusCode.OK, await pulled.Content.ReadAsStringAsync());
        Assert.Equal(12, (await pulled.JsonAsync()).GetProperty("applied").GetInt64());

        var info = await InfoAsync(_a, "shop");
        Assert.Equal(["orders/eu-"], info.GetProperty("holds").EnumerateArray().Select(h => h.GetString()!).ToArray());
        Assert.Equal(4, info.GetProperty("documents").GetInt64());
        Assert.Equal(Heads(await InfoAsync(_b, "shop")), Heads(info));
        Assert.Equal(HttpStatusCode.OK, (await _a.Admin.GetAsync("/v1/dbs/shop/docs/orders/eu-2")).StatusCode);
        var missing = await (await _a.Admin.GetAsync("/v1/dbs/shop/docs/users/u1")).ProblemAsync(409, ErrorCodes.NotHeld);
        Assert.Contains("orders/eu-", missing.GetProperty("detail").GetString());
        await (await _a.Admin.PutAsync("/v1/dbs/shop/docs/orders/us-9", HttpExtensions.Json("{}"))).ProblemAsync(409, ErrorCodes.NotHeld);
        Assert.True((await (await _a.Admin.GetAsync("/v1/dbs/shop/verify")).JsonAsync()).GetProperty("ok").GetBoolean());

        // A query confined to ids it holds runs; one that could reach other ids is refused.
        async Task<HttpResponseMessage> QueryAsync(string where)
            => await _a.Admin.PostAsync("/v1/dbs/shop/query", HttpExtensions.Json($$"""{"collection": "orders", "where": {{where}}}"""));
        var held = await (await QueryAsync("""{"path": "_id", "prefix": "eu-"}""")).JsonAsync();
        Assert.Equal(4, held.GetProperty("docs").GetArrayLength());
        var narrower = await (await QueryAsync("""{"and": [{"path": "total", "eq": 1}, {"path": "_id", "prefix": "eu-1"}]}""")).JsonAsync();
        Assert.Equal("eu-1", Assert.Single(narrower.GetProperty("docs").EnumerateArray()).GetProperty("_id").GetString());
        var ids = await (await QueryAsync("""{"or": [{"path": "_id", "eq": "eu-0"}, {"path": "_id", "in": ["eu-3", "eu-7"]}]}""")).JsonAsync();
        Assert.Equal(2, ids.GetProperty("docs").GetArrayLength());
        await (await QueryAsync("""{"path": "_id", "prefix": "e"}""")).ProblemAsync(409, ErrorCodes.NotHeld);
        await (await QueryAsync("""{"or": [{"path": "_id", "prefix": "eu-"}, {"path": "total", "eq": 2}]}""")).ProblemAsync(409, ErrorCodes.NotHeld);
        await (await QueryAsync("""{"not": {"path": "_id", "prefix": "us-"}}""")).ProblemAsync(409, ErrorCodes.NotHeld);

        // Writes it holds go back to the full replica.
        await WriteAsync(_a, "shop", "orders", "eu-9", """{"total": 9}""");
        string both = JsonSerializer.Serialize(new { peer = _b.Url.ToString(), token = _b.AdminToken, collections = new[] { "orders/eu-" } });
        var pushed = await Replicate(_a, "shop", both);
        Assert.True(pushed.StatusCode == HttpStatusCode.OK, await pushed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _b.Admin.GetAsync("/v1/dbs/shop/docs/orders/eu-9")).StatusCode);
    }

    [Fact]
    public async Task Continuous_replication_is_listed_live_catches_up_and_stops_on_delete()
    {
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        await WriteAsync(_a, "shop", "c", "first", """{"v": 0}""");

        var response = await Replicate(_a, "shop", Body(_b, _b.AdminToken, mode: "continuous"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var started = await response.JsonAsync();
        string id = started.GetProperty("id").GetString()!;
        Assert.Equal("continuous", started.GetProperty("mode").GetString());
        Assert.Equal("live", started.GetProperty("state").GetString());
        await (await Replicate(_a, "shop", Body(_b, _b.AdminToken, mode: "continuous"))).ProblemAsync(409, ErrorCodes.AlreadyExists);

        // Writes on either side flow while the link stays up; the list shows it live and caught up.
        for (int i = 0; i < 30; i++)
        {
            await WriteAsync(_b, "shop", "c", $"b{i}", $$"""{"v": {{i}}}""");
            await WriteAsync(_a, "shop", "c", $"a{i}", $$"""{"v": {{i}}}""");
        }
        await SyncWait.UntilAsync(async () =>
        {
            string[] a = Heads(await InfoAsync(_a, "shop")), b = Heads(await InfoAsync(_b, "shop"));
            return a.SequenceEqual(b);
        });
        await SyncWait.UntilAsync(async () => (await PeersAsync(_a, "shop")).Single() is var p && p.GetProperty("behind").GetInt64() == 0 && p.GetProperty("ahead").GetInt64() == 0);
        var peer = (await PeersAsync(_a, "shop")).Single();
        Assert.Equal(id, peer.GetProperty("id").GetString());
        Assert.Equal("outbound", peer.GetProperty("role").GetString());
        Assert.Equal("live", peer.GetProperty("state").GetString());
        Assert.Equal("both", peer.GetProperty("direction").GetString());
        Assert.Equal(_b.Replica.Did, peer.GetProperty("peerDid").GetString());
        Assert.Equal(_b.Url.AbsoluteUri, peer.GetProperty("remote").GetString());
        Assert.Equal(30, peer.GetProperty("applied").GetInt64());
        Assert.Equal(31, peer.GetProperty("sent").GetInt64());
        Assert.Equal(1, peer.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, peer.GetProperty("lastError").ValueKind);
        Assert.True(DateTimeOffset.Parse(peer.GetProperty("since").GetString()!) <= DateTimeOffset.UtcNow);
        var inbound = (await PeersAsync(_b, "shop")).Single();
        Assert.Equal("inbound", inbound.GetProperty("role").GetString());
        Assert.Equal(_a.Replica.Did, inbound.GetProperty("peerDid").GetString());

        // A reader may look, not stop; an unknown id is 404; a session B accepted is not B's to stop.
        Assert.Equal(HttpStatusCode.OK, (await _a.Reader.GetAsync("/v1/dbs/shop/peers")).StatusCode);
        await (await _a.Reader.DeleteAsync($"/v1/dbs/shop/peers/{id}")).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _a.Admin.DeleteAsync("/v1/dbs/shop/peers/s999")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await _b.Admin.DeleteAsync($"/v1/dbs/shop/peers/{inbound.GetProperty("id").GetString()}")).ProblemAsync(400, ErrorCodes.InvalidValue);

        var stopped = await _a.Admin.DeleteAsync($"/v1/dbs/shop/peers/{id}");
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.True((await stopped.JsonAsync()).GetProperty("stopped").GetBoolean());
        Assert.Empty(await PeersAsync(_a, "shop"));
        await SyncWait.UntilAsync(async () => (await PeersAsync(_b, "shop")).Length == 0);
        await (await _a.Admin.DeleteAsync($"/v1/dbs/shop/peers/{id}")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Peer_failures_are_424_and_say_what_the_peer_said()
    {
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
        await _b.Admin.PutAsync("/v1/dbs/shop", null);
        await WriteAsync(_a, "shop", "c", "x", """{"v": 1}""");
        await WriteAsync(_b, "shop", "c", "y", """{"v": 2}""");

        // The peer refusing our token is not the caller's 401.
        var wrongToken = await (await Replicate(_a, "shop", Body(_b, "cw_wrong"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Contains("401", wrongToken.GetProperty("detail").GetString());
        var noToken = await (await Replicate(_a, "shop", Body(_b, null, mode: "continuous"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Contains("401", noToken.GetProperty("detail").GetString());
        await _a.Admin.PutAsync("/v1/dbs/only-here", null);
        var noDatabase = await (await Replicate(_a, "only-here", Body(_b, _b.AdminToken, direction: "pull"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Contains("404", noDatabase.GetProperty("detail").GetString());

        // Nobody listens there.
        string nowhere = $$"""{"peer": "http://127.0.0.1:{{ServerProcess.FreePort()}}", "token": "t"}""";
        var unreachable = await (await Replicate(_a, "shop", nowhere)).ProblemAsync(424, ErrorCodes.PeerUnavailable);
        Assert.Contains("cannot be reached", unreachable.GetProperty("detail").GetString());
        await (await Replicate(_a, "shop", nowhere.Replace("}", """, "mode": "continuous"}"""))).ProblemAsync(424, ErrorCodes.PeerUnavailable);

        // B's read-only token may pull from B, but B refuses a push with it: once or continuous.
        var push = await (await Replicate(_a, "shop", Body(_b, _b.ReadToken, direction: "push"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Contains("may not write", push.GetProperty("detail").GetString());
        var pushLink = await (await Replicate(_a, "shop", Body(_b, _b.ReadToken, mode: "continuous", direction: "both"))).ProblemAsync(424, ErrorCodes.SyncRefused);
        Assert.Contains("may not write", pushLink.GetProperty("detail").GetString());
        Assert.Empty(await PeersAsync(_a, "shop"));
        Assert.Null(await _b.Replica.GetDatabase("shop").GetAsync("c", "x"));

        var pull = await Replicate(_a, "shop", Body(_b, _b.ReadToken, direction: "pull"));
        Assert.True(pull.StatusCode == HttpStatusCode.OK, await pull.Content.ReadAsStringAsync());
        Assert.Equal(1, (await pull.JsonAsync()).GetProperty("applied").GetInt64());

        // A server does not sync with itself.
        await (await Replicate(_a, "shop", Body(_a, _a.AdminToken))).ProblemAsync(424, ErrorCodes.SyncRefused);
    }

    [Fact]
    public async Task Bad_replicate_requests_are_400_401_403_or_415_and_change_nothing()
    {
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
        string peer = _b.Url.ToString();
        foreach (var (body, code) in new (string, string)[]
        {
            ("", ErrorCodes.InvalidJson),
            ("{", ErrorCodes.InvalidJson),
            ("[]", ErrorCodes.InvalidJson),
            ("\"peer\"", ErrorCodes.InvalidJson),
            ("{}", ErrorCodes.InvalidValue),
            ("""{"peer": 7}""", ErrorCodes.InvalidValue),
            ("""{"peer": "not a url"}""", ErrorCodes.InvalidValue),
            ("""{"peer": "ftp://127.0.0.1/"}""", ErrorCodes.InvalidValue),
            ("""{"peer": "/relative"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}?token=x"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "token": 5}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "token": ""}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "mode": "sometimes"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "mode": true}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "direction": "sideways"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "direction": "PULL"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "collections": "orders"}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "collections": [1]}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "collections": []}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "collections": ["orders/bad prefix"]}""", ErrorCodes.InvalidName),
            ($$"""{"peer": "{{peer}}", "collections": ["bad name"]}""", ErrorCodes.InvalidName),
            ($$"""{"peer": "{{peer}}", "extra": 1}""", ErrorCodes.InvalidValue),
            ($$"""{"peer": "{{peer}}", "peer": "{{peer}}"}""", ErrorCodes.InvalidJson),
            ("""{"peer": "\ud800"}""", ErrorCodes.InvalidJson),
        })
            await (await Replicate(_a, "shop", body)).ProblemAsync(400, code);

        // What a database holds is fixed when it is created: a full one does not become partial.
        var partial = await (await Replicate(_a, "shop", $$"""{"peer": "{{peer}}", "collections": ["orders"]}""")).ProblemAsync(400, ErrorCodes.InvalidValue);
        Assert.Contains("holds every collection", partial.GetProperty("detail").GetString());
        await (await Replicate(_a, "Bad%20Name", $$"""{"peer": "{{peer}}"}""")).ProblemAsync(400, ErrorCodes.InvalidName);
        await (await _a.Admin.PostAsync("/v1/dbs/shop/replicate", new StringContent($$"""{"peer": "{{peer}}"}""", System.Text.Encoding.UTF8, "text/plain"))).ProblemAsync(415, ErrorCodes.UnsupportedMediaType);
        await (await _a.Reader.PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json($$"""{"peer": "{{peer}}"}"""))).ProblemAsync(403, ErrorCodes.Forbidden);
        await (await _a.Anonymous.PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json($$"""{"peer": "{{peer}}"}"""))).ProblemAsync(401, ErrorCodes.Unauthorized);
        Assert.Equal(0, (await InfoAsync(_a, "shop")).GetProperty("position").GetInt64());
        Assert.Empty(await PeersAsync(_a, "shop"));
    }

    [Fact]
    public async Task The_sync_endpoint_speaks_only_websocket_to_a_token_that_may_read_or_write()
    {
        await _a.Admin.PutAsync("/v1/dbs/shop", null);
        var plain = await (await _a.Admin.GetAsync("/v1/dbs/shop/sync")).ProblemAsync(400, ErrorCodes.WebSocketRequired);
        Assert.Contains("WebSocket", plain.GetProperty("detail").GetString());
        await (await _a.Reader.GetAsync("/v1/dbs/shop/sync")).ProblemAsync(400, ErrorCodes.WebSocketRequired);
        await (await _a.Anonymous.GetAsync("/v1/dbs/shop/sync")).ProblemAsync(401, ErrorCodes.Unauthorized);
        await (await _a.Admin.GetAsync("/v1/dbs/nope/sync")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await _a.Admin.GetAsync("/v1/dbs/Bad%20Name/sync")).ProblemAsync(400, ErrorCodes.InvalidName);

        // A real WebSocket opens; without a token the upgrade is refused with 401 before anything else.
        using (var socket = new ClientWebSocket())
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {_a.AdminToken}");
            await socket.ConnectAsync(new Uri($"ws://{_a.Url.Authority}/v1/dbs/shop/sync"), CancellationToken.None);
            Assert.Equal(WebSocketState.Open, socket.State);
            // Garbage instead of a hello: the server refuses it and closes.
            await socket.SendAsync("not cbor"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
            var buffer = new byte[64 * 1024];
            WebSocketReceiveResult received;
            do received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
            while (received.MessageType != WebSocketMessageType.Close);
        }
        using (var anonymous = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } })
        {
            await Assert.ThrowsAnyAsync<WebSocketException>(() => anonymous.ConnectAsync(new Uri($"ws://{_a.Url.Authority}/v1/dbs/shop/sync"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
        }
    }

    [Fact]
    public async Task A_token_that_may_neither_read_nor_write_gets_403_before_the_upgrade()
    {
        var app = CausewayServer.Build(Replica.OpenInMemory(), _ => new OnePrincipal(Principal.WithCommands("creator", Causeway.Authority.Commands.DbCreate)),
            new ServerOptions(), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        try
        {
            using var http = app.GetTestServer().CreateClient();
            Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/v1/dbs/shop", null)).StatusCode);
            var refused = await (await http.GetAsync("/v1/dbs/shop/sync")).ProblemAsync(403, ErrorCodes.Forbidden);
            Assert.Contains("neither read nor write", refused.GetProperty("detail").GetString());
            await (await http.GetAsync("/v1/dbs/shop/peers")).ProblemAsync(403, ErrorCodes.Forbidden);
            await (await http.PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json("""{"peer": "http://127.0.0.1:1"}"""))).ProblemAsync(403, ErrorCodes.Forbidden);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class OnePrincipal(Principal principal) : IRequestAuthenticator
    {
        public Principal? Authenticate(HttpContext context) => principal;
    }

    [Fact]
    public async Task Replicate_once_between_servers_holding_a_forked_history_answers_409_forked_history()
    {
        // A third replica signs commits, is backed up, signs more that reach B, and is restored without
        // its fence: it signs another commit with a seq B holds, and that one reaches A.
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup"), careless = Path.Combine(folder.Path, "careless");
        await using (var origin = await Replica.OpenAsync(data))
        {
            var shop = await origin.CreateDatabaseAsync("shop");
            for (int i = 0; i < 3; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await origin.BackupAsync(backup);
            for (int i = 3; i < 6; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await origin.SyncWithServerAsync("shop", _b.Url, _b.AdminToken).WaitAsync(TimeSpan.FromSeconds(20));
        }
        await Replica.RestoreAsync(backup, careless, fence: false);
        await using (var restored = await Replica.OpenAsync(careless))
        {
            await restored.GetDatabase("shop").PutJsonAsync("orders", "fork", "{}");
            await restored.SyncWithServerAsync("shop", _a.Url, _a.AdminToken).WaitAsync(TimeSpan.FromSeconds(20));
        }

        // Either server dialing: the one that meets the fork ends the session, the other hears it.
        foreach (var (dialer, peer) in new[] { (_a, _b), (_b, _a) })
        {
            var problem = await (await Replicate(dialer, "shop", Body(peer, peer.AdminToken)).WaitAsync(TimeSpan.FromSeconds(20))).ProblemAsync(409, ErrorCodes.ForkedHistory);
            Assert.Contains("forked", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _b.Admin.GetAsync("/v1/dbs/shop/docs/orders/fork")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _a.Admin.GetAsync("/v1/dbs/shop/docs/orders/o-3")).StatusCode);
    }
}

internal static class SyncWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(25);
        }
    }
}

using System.Text.Json;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Causeway.Tests.Http;

/// <summary><c>POST /v1/dbs/{db}/query</c> with the path index, from outside: the answer's position,
/// <c>?explain=true</c>, <c>?count=true</c>, hostile filters and the 408 of a query past its
/// budget, on a real loopback server over RocksDB on disk.</summary>
public sealed class QueryIndexEndpointTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplication _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        // Every read of the clock moves it 200 ms on: a query that reads thousands of documents runs out of its second.
        var replica = await Replica.OpenAsync(_folder.Path, new ReplicaOptions { Time = new SteppingTime(TimeSpan.FromMilliseconds(200)), QueryBudget = TimeSpan.FromSeconds(1) });
        var tokens = StaticTokens.LoadOrCreate(_folder.Path, dev: false);
        _app = CausewayServer.Build(replica, tokens, new ServerOptions { DataDirectory = _folder.Path, Urls = "http://127.0.0.1:0" });
        await _app.StartAsync();
        _admin = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        _admin.DefaultRequestHeaders.Authorization = new("Bearer", tokens.AdminToken);
        (await _admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        var ops = string.Join(", ", Enumerable.Range(0, 3000).Select(i => $$"""{ "op": "put", "collection": "orders", "id": "o-{{i:D4}}", "doc": { "status": "{{(i % 3 == 0 ? "paid" : "new")}}", "total": {{i}} } }"""));
        (await _admin.PostAsync("/v1/dbs/shop/tx", HttpExtensions.Json($$"""{ "ops": [ {{ops}} ] }"""))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private Task<HttpResponseMessage> Query(string json, string parameters = "") => _admin.PostAsync($"/v1/dbs/shop/query{parameters}", HttpExtensions.Json(json));

    [Fact]
    public async Task Explain_shows_the_index_the_ranges_and_the_rows()
    {
        var answer = await (await Query("""{ "collection": "orders", "where": { "path": "status", "eq": "paid" }, "limit": 2 }""", "?explain=true")).JsonAsync();
        Assert.Equal(["o-0000", "o-0003"], answer.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("_id").GetString()));
        Assert.True(answer.GetProperty("position").GetInt64() > 0);
        var plan = answer.GetProperty("plan");
        Assert.Equal("index", plan.GetProperty("access").GetString());
        Assert.Equal("status = \"paid\"", plan.GetProperty("ranges")[0].GetString());
        Assert.Equal(3, plan.GetProperty("examinedRows").GetInt64());
        Assert.Equal(2, plan.GetProperty("returnedRows").GetInt64());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("fallback").ValueKind);

        var plain = await (await Query("""{ "collection": "orders", "limit": 1 }""")).JsonAsync();
        Assert.False(plain.TryGetProperty("plan", out _));
    }

    [Fact]
    public async Task Count_answers_how_many_match_at_a_position()
    {
        var answer = await (await Query("""{ "collection": "orders", "where": { "and": [ { "path": "status", "eq": "paid" }, { "path": "total", "lt": 30 } ] } }""", "?count=true")).JsonAsync();
        Assert.Equal(10, answer.GetProperty("count").GetInt64());
        Assert.True(answer.GetProperty("position").GetInt64() > 0);
        await (await Query("""{ "collection": "orders" }""", "?count=yes")).ProblemAsync(400, "invalid_value");
    }

    [Fact]
    public async Task Hostile_filters_get_a_400_or_a_correct_answer()
    {
        string many = string.Join(", ", Enumerable.Range(0, 10_001).Select(i => $$"""{ "path": "total", "eq": {{i}} }"""));
        await (await Query($$"""{ "collection": "orders", "where": { "or": [ {{many}} ] } }""")).ProblemAsync(400, "invalid_op");
        string values = string.Join(", ", Enumerable.Range(0, 20_000));
        await (await Query($$"""{ "collection": "orders", "where": { "path": "total", "in": [ {{values}} ] } }""")).ProblemAsync(400, "invalid_op");

        // Thousands of branches within the limit, paths that do not exist, mixed kinds: answered.
        string branches = string.Join(", ", Enumerable.Range(0, 2000).Select(i => $$"""{ "path": "total", "eq": {{i * 7}} }"""));
        var answer = await (await Query($$"""{ "collection": "orders", "where": { "or": [ {{branches}} ] }, "limit": 3 }""")).JsonAsync();
        Assert.Equal(["o-0000", "o-0007", "o-0014"], answer.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("_id").GetString()));
        var none = await (await Query("""{ "collection": "orders", "where": { "path": "no.such.path", "gt": "a" } }""")).JsonAsync();
        Assert.Equal(0, none.GetProperty("docs").GetArrayLength());
        var mixed = await (await Query("""{ "collection": "orders", "where": { "path": "status", "gt": 5 } }""")).JsonAsync();
        Assert.Equal(0, mixed.GetProperty("docs").GetArrayLength());
    }

    [Fact]
    public async Task A_query_past_its_budget_is_a_408_and_changes_nothing()
    {
        var problem = await (await Query("""{ "collection": "orders", "where": { "not": { "path": "total", "eq": -1 } }, "orderBy": [ { "path": "status" } ] }""")).ProblemAsync(408, "query_timeout");
        Assert.Contains("budget", problem.GetProperty("detail").GetString());
        // The server goes on answering.
        var answer = await (await Query("""{ "collection": "orders", "where": { "path": "total", "eq": 42 } }""")).JsonAsync();
        Assert.Equal("o-0042", answer.GetProperty("docs")[0].GetProperty("_id").GetString());
    }

    /// <summary>A clock that moves on by a step every time it is read.</summary>
    private sealed class SteppingTime(TimeSpan step) : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _ticks));
    }
}

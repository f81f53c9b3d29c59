using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Schemas;
using Xunit.Abstractions;

namespace Causeway.Tests.Http;

/// <summary>The hostile-input test of the HTTP server: at least 10,000 generated malformed or
/// hostile requests over every endpoint. Each answer must not be a 5xx; an error must be
/// problem+json whose <c>status</c> matches the HTTP status; a 2xx only where the request turned
/// out valid; and no rejected request may move the target database's heads or position.
/// The generator is seeded: the seed is printed in every failure and CAUSEWAY_FUZZ_SEED replays it.</summary>
public sealed class HostileRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const int RequestCount = 10_000;
    public const string SeedVariable = "CAUSEWAY_FUZZ_SEED";
    private const int MaxReportedFailures = 40;

    private static readonly HashSet<string> KnownCodes = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet();

    private ServerFixture _server = null!;
    private HttpClient Client => _server.Anonymous;
    private string _adminToken = "";
    private string _readToken = "";
    private IReadOnlyList<HostileUcan> _ucans = [];
    private IReadOnlyList<(string Cid, string Token)> _spare = [];

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        _adminToken = _server.Admin.DefaultRequestHeaders.Authorization!.Parameter!;
        _readToken = _server.Reader.DefaultRequestHeaders.Authorization!.Parameter!;
        (await _server.Admin.PutAsync($"/v1/dbs/{HostileGenerator.Target}", null)).EnsureSuccessStatusCode();
        // Documents whose fields have every common kind, so type mismatches and valid edits both occur.
        for (int i = 1; i <= HostileGenerator.SeededDocuments; i++)
        {
            string path = $"/v1/dbs/{HostileGenerator.Target}/docs/items/d{i}";
            (await _server.Admin.PutAsync(path, HttpExtensions.Json($"{{\"n\": {i}, \"s\": \"text {i}\", \"nested\": {{\"x\": 1.5, \"y\": null}}}}"))).EnsureSuccessStatusCode();
            (await _server.Admin.PatchAsync(path, HttpExtensions.Json("""{"ops": [{"op": "increment", "path": "count", "by": 3}, {"op": "add", "path": "tags", "value": "a"}, {"op": "enable", "path": "flag"}]}"""))).EnsureSuccessStatusCode();
        }
        (await _server.Admin.PostAsync($"/v1/dbs/{HostileGenerator.Target}/tx", HttpExtensions.Json("""{"ops": [{"op": "put", "collection": "orders", "id": "o-1", "doc": {"total": 12}}, {"op": "create", "collection": "orders", "doc": {"total": 1}}]}"""))).EnsureSuccessStatusCode();
        (await _server.Admin.PutAsync("/v1/dbs/s0", null)).EnsureSuccessStatusCode();
        // Stored functions of every behaviour, under limits tight enough that spinning ones cost little.
        (await _server.Admin.PutAsync($"/v1/dbs/{HostileGenerator.Target}/function-limits", HttpExtensions.Json(HostileGenerator.SeededLimits))).EnsureSuccessStatusCode();
        foreach (var (name, definition) in HostileGenerator.SeededFunctions)
            (await _server.Admin.PutAsync($"/v1/dbs/{HostileGenerator.Target}/functions/{name}", HttpExtensions.Json(definition))).EnsureSuccessStatusCode();
        _ucans = await HostileUcan.MakeAsync(_server);
        _spare = HostileUcan.Spare(_server, 5);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_hostile_requests_never_get_a_5xx_always_get_problem_json_and_never_move_the_heads()
    {
        int seed = Seed();
        output.WriteLine($"{SeedVariable}={seed} (set it to replay this run)");
        var clock = Stopwatch.StartNew();
        var state = new FuzzState();
        var expected = await ReadTargetAsync($"seed={seed}: the seeding");
        state.Update(expected);
        var generator = new HostileGenerator(seed, _adminToken, _readToken, state, _ucans, _spare);

        var failures = new List<string>();
        int failureCount = 0;
        var byEndpoint = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byStatus = new SortedDictionary<int, int>();
        var byEndpointStatus = new Dictionary<string, SortedDictionary<int, int>>();
        var byFamily = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int accepted = 0, rejected = 0, headChecks = 0, bigBodies = 0;

        void Fail(int index, HostileRequest request, string what)
        {
            failureCount++;
            if (failures.Count < MaxReportedFailures)
                failures.Add($"seed={seed} request #{index} {request.Describe()}: {what}");
        }

        for (int i = 0; i < RequestCount; i++)
        {
            var request = generator.Next();
            byEndpoint[request.Endpoint] = byEndpoint.GetValueOrDefault(request.Endpoint) + 1;
            var parts = request.Family.Split('+');
            byFamily[parts[0]] = byFamily.GetValueOrDefault(parts[0]) + 1;
            foreach (var modifier in parts.Skip(1)) byFamily["+" + modifier] = byFamily.GetValueOrDefault("+" + modifier) + 1;
            if (request.Body is { Length: > 1 << 20 }) bigBodies++;

            var answer = await SendAsync(request);
            if (answer.Error is not null)
            {
                Fail(i, request, answer.Error);
                byStatus[0] = byStatus.GetValueOrDefault(0) + 1;
                continue;
            }
            int status = answer.Status;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            var statuses = byEndpointStatus.TryGetValue(request.Endpoint, out var known) ? known : byEndpointStatus[request.Endpoint] = new();
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            foreach (var problem in CheckAnswer(request, answer)) Fail(i, request, problem);

            bool ok = status is >= 200 and < 300;
            if (ok) accepted++; else rejected++;

            if (ok && request.IsWrite && request.TouchesTarget)
            {
                // An accepted write to the target legitimately moves its heads: take the new ones.
                var now = await ReadTargetAsync($"seed={seed} request #{i} {request.Describe()} ({status})");
                if (now.Position < expected.Position)
                    Fail(i, request, $"an accepted write moved the position back from {expected.Position} to {now.Position}");
                expected = now;
                state.Update(now);
                headChecks++;
            }
            else if (request.IsWrite || i % 50 == 49)
            {
                var now = await ReadTargetAsync($"seed={seed} request #{i} {request.Describe()} ({status})");
                headChecks++;
                if (!now.SameAs(expected))
                {
                    Fail(i, request, $"the target's state changed from {expected} to {now} though the request was {(ok ? $"accepted ({status}) but did not touch the target" : $"rejected ({status})")}");
                    expected = now;
                    state.Update(now);
                }
            }
        }

        clock.Stop();
        // The ledger the rejected requests left behind is still whole.
        var verify = await (await _server.Admin.GetAsync($"/v1/dbs/{HostileGenerator.Target}/verify")).JsonAsync();
        if (!verify.GetProperty("ok").GetBoolean())
        {
            failureCount++;
            failures.Add($"seed={seed}: after all requests the target's ledger does not verify: {verify}");
        }
        int sent = byEndpoint.Values.Sum();
        output.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:F1} s ({accepted} accepted, {rejected} rejected, {headChecks} head checks, {bigBodies} bodies over 1 MB)");
        output.WriteLine("by endpoint:");
        foreach (var (endpoint, n) in byEndpoint)
        {
            var statuses = byEndpointStatus.GetValueOrDefault(endpoint) ?? [];
            output.WriteLine($"  {n,6}  {endpoint,-45} {string.Join(" ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        }
        output.WriteLine("by status:");
        foreach (var (status, n) in byStatus) output.WriteLine($"  {n,6}  {(status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture))}");
        output.WriteLine("by family (and +modifiers applied on top):");
        foreach (var (family, n) in byFamily) output.WriteLine($"  {n,6}  {family}");
        output.WriteLine($"target at the end: {expected}");

        Assert.True(failureCount == 0, $"seed={seed} ({SeedVariable}={seed} replays it): {failureCount} failures, the first {failures.Count}:\n" + string.Join("\n", failures));
        Assert.True(sent >= RequestCount, $"seed={seed}: only {sent} requests were sent");
        foreach (var endpoint in HostileGenerator.Endpoints)
            Assert.True(byEndpoint.GetValueOrDefault(endpoint) >= 50, $"seed={seed}: {endpoint} got only {byEndpoint.GetValueOrDefault(endpoint)} requests");
        Assert.True(rejected > sent * 3 / 4, $"seed={seed}: only {rejected} of {sent} requests were rejected; the generator makes too many valid ones");
        Assert.True(accepted > 0, $"seed={seed}: no request was accepted; the valid-looking ones are not reaching the server");
    }

    private static int Seed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        if (string.IsNullOrWhiteSpace(text)) return Random.Shared.Next();
        return int.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private sealed record Answer(int Status, string? MediaType, byte[] Body, string? WwwAuthenticate, string? Error, string? ETag = null);

    private async Task<Answer> SendAsync(HostileRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri("http://localhost" + request.Target));
        if (request.Body is not null)
        {
            HttpContent content = request.UnknownLength ? new UnsizedContent(request.Body) : new ByteArrayContent(request.Body);
            if (request.ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            message.Content = content;
        }
        if (request.Authorization is not null) message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            // A stream (feed=sse) that was wrongly accepted never ends: read its headers only, then hang up.
            using var response = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            byte[] body = mediaType == "text/event-stream" ? [] : await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return new Answer((int)response.StatusCode, mediaType, body, response.Headers.WwwAuthenticate.ToString(), null, response.Headers.ETag?.ToString());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Answer(0, null, [], null, "no answer within 30 s");
        }
        catch (Exception e)
        {
            // The in-process server hands exceptions that escaped the pipeline to the client: a 500 over a socket.
            return new Answer(0, null, [], null, $"the server failed: {e.GetType().Name}: {e.Message} {e.InnerException?.GetType().Name} {e.InnerException?.Message}");
        }
    }

    /// <summary>Longest 'detail' a problem may have: messages quote what they refuse clipped, never whole.</summary>
    private const int MaxDetail = 1000;

    private static IEnumerable<string> CheckAnswer(HostileRequest request, Answer answer)
    {
        int status = answer.Status;
        string excerpt = Excerpt(answer.Body);
        if (status >= 500) yield return $"got {status}: {excerpt}";
        if (status >= 400)
        {
            if (answer.MediaType != "application/problem+json")
                yield return $"got {status} with content type '{answer.MediaType ?? "none"}', not application/problem+json: {excerpt}";
            else if (request.Method == "HEAD")
            {
                // A HEAD answer has no body to check.
            }
            else
            {
                JsonElement problem = default;
                string? parseError = null;
                try { problem = JsonDocument.Parse(answer.Body).RootElement.Clone(); }
                catch (JsonException e) { parseError = e.Message; }
                if (parseError is not null) yield return $"got {status} with a problem body that is not JSON ({parseError}): {excerpt}";
                else if (problem.ValueKind != JsonValueKind.Object) yield return $"got {status} with a problem body that is not an object: {excerpt}";
                else
                {
                    if (!problem.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || !KnownCodes.Contains(code.GetString()!))
                        yield return $"got {status} without a known 'code': {excerpt}";
                    else if (ErrorCodes.HttpStatus(code.GetString()!) != status)
                        yield return $"got {status} with code '{code.GetString()}', which API.md maps to {ErrorCodes.HttpStatus(code.GetString()!)}: {excerpt}";
                    if (!problem.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out int n) || n != status)
                        yield return $"got {status} with a problem 'status' that differs: {excerpt}";
                    if (!problem.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(detail.GetString()))
                        yield return $"got {status} without a 'detail': {excerpt}";
                    else if (detail.GetString()!.Length > MaxDetail)
                        yield return $"got {status} with a 'detail' of {detail.GetString()!.Length} characters, over {MaxDetail}: a message should quote input clipped: {excerpt}";
                    if (status == 401 && code.ValueKind == JsonValueKind.String && code.GetString() is not (ErrorCodes.Unauthorized or ErrorCodes.TokenInvalid
                            or ErrorCodes.TokenExpired or ErrorCodes.TokenRevoked or ErrorCodes.TokenReplayed))
                        yield return $"got 401 with code '{code.GetString()}'";
                    // A refused capability token says why in UCAN's terms.
                    if (code.ValueKind == JsonValueKind.String && code.GetString()!.StartsWith("token_", StringComparison.Ordinal)
                        && (!problem.TryGetProperty("ucanError", out var reason) || reason.ValueKind != JsonValueKind.String
                            || !Enum.TryParse<UcanError>(reason.GetString(), out var parsed) || UcanException.CodeOf(parsed) != code.GetString()))
                        yield return $"got {code.GetString()} without a matching 'ucanError': {excerpt}";
                    if (request.Ucan is { Status: 403 } && status == 403 && !problem.TryGetProperty("ucanError", out _))
                        yield return $"got 403 for a misaddressed UCAN without 'ucanError': {excerpt}";
                }
            }
            if (status == 401 && answer.WwwAuthenticate != "Bearer")
                yield return "a 401 without 'WWW-Authenticate: Bearer'";
            if (status == 412 && !request.Headers.Any(h => h.Name is "If-Match" or "If-None-Match"))
                yield return $"got 412 though the request had no precondition: {excerpt}";
        }
        else if (status is >= 200 and < 300)
        {
            if (request.MustReject) yield return $"accepted ({status}) though it is invalid ({request.Why}): {excerpt}";
            if (answer.MediaType == "application/json")
            {
                string? parseError = null;
                JsonElement json = default;
                try { json = JsonDocument.Parse(answer.Body).RootElement.Clone(); }
                catch (JsonException e) { parseError = e.Message; }
                if (parseError is not null) yield return $"accepted ({status}) with a body that is not JSON ({parseError}): {excerpt}";
                else if (VersionOf(request, json) is { } version && answer.ETag != $"\"{version}\"")
                    yield return $"accepted ({status}) with ETag {answer.ETag ?? "none"}, not the document's version \"{version}\": {excerpt}";
            }
        }
        else if (status != 304)
        {
            yield return $"got an unexpected status {status}: {excerpt}";
        }
        if (request.ExpectStatus is { } expected && status != expected && !(request.Allow415First && status == 415))
            yield return $"expected {expected} ({request.Why}), got {status}: {excerpt}";
    }

    /// <summary>The version a document answer must carry as its ETag: a read's _meta.commit, or the commit
    /// of a PUT, PATCH or POST of a document. Null for every other answer (or a path System.Uri rewrites).</summary>
    private static string? VersionOf(HostileRequest request, JsonElement json)
    {
        string path = request.Target.Split('?')[0];
        if (json.ValueKind != JsonValueKind.Object || path.Contains('%') || !path.StartsWith("/v1/dbs/", StringComparison.Ordinal)) return null;
        var segments = path.Split('/');   // "", "v1", "dbs", db, "docs", coll[, id]
        if (segments.Length is < 6 or > 7 || segments[4] != "docs" || segments.Any(p => p is "." or "..")) return null;
        bool withId = segments.Length == 7;
        return request.Method switch
        {
            "GET" when withId && json.TryGetProperty("_meta", out var meta) => meta.GetProperty("commit").GetString(),
            "PUT" or "PATCH" when withId => json.GetProperty("commit").GetString(),
            "POST" when !withId => json.GetProperty("commit").GetString(),
            _ => null,
        };
    }

    private static string Excerpt(byte[] body)
    {
        string text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        return body.Length > 400 ? text + $"… ({body.Length} bytes)" : text;
    }

    private async Task<TargetState> ReadTargetAsync(string after)
    {
        var response = await _server.Admin.GetAsync($"/v1/dbs/{HostileGenerator.Target}");
        var json = await response.JsonAsync();
        Assert.True(response.IsSuccessStatusCode, $"the target database is gone after {after}: {json}");
        return new TargetState(
            json.GetProperty("position").GetInt64(),
            json.GetProperty("documents").GetInt64(),
            json.GetProperty("heads").EnumerateArray().Select(h => h.GetString()!).ToArray());
    }
}

/// <summary>A body sent without Content-Length.</summary>
internal sealed class UnsizedContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes, 0, bytes.Length);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>What the heads check compares: position, document count and heads of the target database.</summary>
internal sealed record TargetState(long Position, long Documents, string[] Heads)
{
    public bool SameAs(TargetState other) => Position == other.Position && Documents == other.Documents && Heads.SequenceEqual(other.Heads);
    public override string ToString() => $"position {Position}, {Documents} documents, heads [{string.Join(", ", Heads)}]";
}

/// <summary>What the generator may know of the server: the target's position and heads (real CIDs).</summary>
internal sealed class FuzzState
{
    public long Position { get; private set; }
    public List<string> Cids { get; } = [];

    public void Update(TargetState state)
    {
        Position = state.Position;
        foreach (var head in state.Heads)
            if (!Cids.Contains(head)) Cids.Add(head);
    }
}

/// <summary>One generated request. <see cref="MustReject"/> marks requests that are invalid for sure
/// (a 2xx is then a bug); <see cref="ExpectStatus"/> pins the status where only one is right.</summary>
internal sealed record HostileRequest(
    string Endpoint,
    string Family,
    string Method,
    string Target,
    byte[]? Body,
    string? ContentType,
    string? Authorization,
    IReadOnlyList<(string Name, string Value)> Headers,
    bool IsWrite,
    bool TouchesTarget,
    bool MustReject,
    int? ExpectStatus,
    bool Allow415First,
    bool UnknownLength,
    string Why)
{
    /// <summary>The capability token the request carries, if any.</summary>
    public HostileUcan? Ucan { get; init; }

    public string Describe()
    {
        string body = Body is null ? "no body" : Body.Length > 160
            ? $"{Body.Length} bytes: {Printable(Body.AsSpan(0, 120))}…"
            : $"{Printable(Body)}";
        string target = Target.Length > 200 ? Target[..200] + $"… ({Target.Length} chars)" : Target;
        string auth = Authorization is null ? "none" : Authorization.Length > 60 ? Authorization[..60] + "…" : Authorization;
        string headers = string.Concat(Headers.Select(h => $"; {h.Name}: {(h.Value.Length > 120 ? h.Value[..120] + "…" : h.Value)}"));
        return $"[{Family}] {Method} {target} (content-type: {ContentType ?? "none"}; authorization: {auth}{headers}) {body}";
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes) text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
        return text.ToString();
    }
}

/// <summary>The seeded generator of hostile requests.</summary>
internal sealed class HostileGenerator
{
    public const string Target = "target";
    public const int SeededDocuments = 6;

    public const string Status = "GET /v1/status";
    public const string ListDbs = "GET /v1/dbs";
    public const string PutDb = "PUT /v1/dbs/{db}";
    public const string GetDb = "GET /v1/dbs/{db}";
    public const string DeleteDb = "DELETE /v1/dbs/{db}";
    public const string PutDoc = "PUT /v1/dbs/{db}/docs/{coll}/{id}";
    public const string PostDoc = "POST /v1/dbs/{db}/docs/{coll}";
    public const string GetDoc = "GET /v1/dbs/{db}/docs/{coll}/{id}";
    public const string PatchDoc = "PATCH /v1/dbs/{db}/docs/{coll}/{id}";
    public const string DeleteDoc = "DELETE /v1/dbs/{db}/docs/{coll}/{id}";
    public const string History = "GET /v1/dbs/{db}/docs/{coll}/{id}/history";
    public const string Tx = "POST /v1/dbs/{db}/tx";
    public const string Changes = "GET /v1/dbs/{db}/changes";
    public const string Verify = "GET /v1/dbs/{db}/verify";
    public const string Commit = "GET /v1/dbs/{db}/commits/{cid}";
    public const string QueryDocs = "POST /v1/dbs/{db}/query";
    public const string Export = "GET /v1/dbs/{db}/export";
    public const string Import = "POST /v1/dbs/{db}/import";
    public const string Replicate = "POST /v1/dbs/{db}/replicate";
    public const string Peers = "GET /v1/dbs/{db}/peers";
    public const string StopPeer = "DELETE /v1/dbs/{db}/peers/{id}";
    public const string SyncSocket = "GET /v1/dbs/{db}/sync";
    public const string GetSchema = "GET /v1/dbs/{db}/schema";
    public const string PutSchema = "PUT /v1/dbs/{db}/schema";
    public const string HandOutRanges = "POST /v1/dbs/{db}/reservations";
    public const string IssueToken = "POST /v1/tokens";
    public const string HoldToken = "PUT /v1/tokens/{cid}";
    public const string GetToken = "GET /v1/tokens/{cid}";
    public const string RevokeToken = "POST /v1/tokens/{cid}/revoke";
    public const string PutFunction = "PUT /v1/dbs/{db}/functions/{name}";
    public const string GetFunction = "GET /v1/dbs/{db}/functions/{name}";
    public const string ListFunctions = "GET /v1/dbs/{db}/functions";
    public const string DeleteFunction = "DELETE /v1/dbs/{db}/functions/{name}";
    public const string CallFunction = "POST /v1/dbs/{db}/functions/{name}/call";
    public const string GetFunctionLimits = "GET /v1/dbs/{db}/function-limits";
    public const string PutFunctionLimits = "PUT /v1/dbs/{db}/function-limits";
    public const string UnknownRoute = "unknown route";
    public const string WrongMethod = "wrong method";

    public static readonly string[] Endpoints = [Status, ListDbs, PutDb, GetDb, DeleteDb, PutDoc, PostDoc, GetDoc, PatchDoc, DeleteDoc, History, Tx, Changes, Verify, Commit, QueryDocs, Export, Import, Replicate, Peers, StopPeer, SyncSocket, GetSchema, PutSchema, HandOutRanges, IssueToken, HoldToken, GetToken, RevokeToken,
        PutFunction, GetFunction, ListFunctions, DeleteFunction, CallFunction, GetFunctionLimits, PutFunctionLimits, UnknownRoute, WrongMethod];

    private static readonly (string Endpoint, int Weight)[] Weights =
    [
        (Status, 3), (ListDbs, 3), (PutDb, 4), (GetDb, 4), (DeleteDb, 3),
        (PutDoc, 13), (PostDoc, 7), (GetDoc, 6), (PatchDoc, 15), (DeleteDoc, 4), (History, 4),
        (Tx, 15), (Changes, 6), (Verify, 2), (Commit, 5), (QueryDocs, 9), (Export, 2), (Import, 4),
        (Replicate, 5), (Peers, 3), (StopPeer, 3), (SyncSocket, 3), (GetSchema, 3), (PutSchema, 6), (HandOutRanges, 4),
        (IssueToken, 3), (HoldToken, 3), (GetToken, 2), (RevokeToken, 2),
        (PutFunction, 7), (GetFunction, 2), (ListFunctions, 2), (DeleteFunction, 2), (CallFunction, 9), (GetFunctionLimits, 2), (PutFunctionLimits, 3),
        (UnknownRoute, 3), (WrongMethod, 3),
    ];

    /// <summary>Error messages quote names clipped to 40-48 characters: with an odd prefix the cut falls inside a surrogate pair.</summary>
    private static readonly string EmojiRun = "a" + string.Concat(Enumerable.Repeat("😀", 40));
    private static readonly string EmojiRunJson = "a" + string.Concat(Enumerable.Repeat("\\ud83d\\ude00", 40));

    private readonly Random _rng;
    private readonly string _admin;
    private readonly string _reader;
    private readonly FuzzState _state;
    private readonly IReadOnlyList<HostileUcan> _ucans;
    private readonly IReadOnlyList<(string Cid, string Token)> _spare;
    private int _hugeBudget = 30;      // bodies of 1-3 MB
    private int _oversizeBudget = 2;   // bodies over the 20 MB limit

    public HostileGenerator(int seed, string adminToken, string readToken, FuzzState state, IReadOnlyList<HostileUcan> ucans,
        IReadOnlyList<(string Cid, string Token)>? spare = null)
    {
        _spare = spare ?? [];
        _rng = new Random(seed);
        _admin = adminToken;
        _reader = readToken;
        _state = state;
        _ucans = ucans;
    }

    // ------------------------------------------------------------------ the request being built

    private sealed class Draft
    {
        public string Endpoint = "";
        public string Family = "";
        public string Method = "GET";
        public string Path = "/";
        public string Query = "";
        public byte[]? Body;
        public string? ContentType;
        public string? Authorization;
        public readonly List<(string, string)> Headers = [];
        public bool Mapped = true;         // the route and method exist
        public bool NamesValid = true;     // the database name in the path is valid
        public bool TouchesTarget;
        public bool MustReject;
        public int? ExpectStatus;
        public bool Allow415First;
        public bool UnknownLength;         // sent without Content-Length, so the server must count as it reads         // the routing refuses a non-JSON content type before the endpoint runs
        public readonly List<string> Why = [];
        public bool ForbidAdmin;           // a DELETE of the target itself: never with a working token
        public HostileUcan? Ucan;          // the capability token sent instead of a static one

        public void Reject(string why)
        {
            MustReject = true;
            Why.Add(why);
        }
    }

    public HostileRequest Next()
    {
        var d = new Draft { Authorization = "Bearer " + _admin };
        string endpoint = PickWeighted();
        d.Endpoint = endpoint;
        switch (endpoint)
        {
            case Status: StatusRequest(d); break;
            case ListDbs: ListRequest(d); break;
            case PutDb: PutDbRequest(d); break;
            case GetDb: GetDbRequest(d); break;
            case DeleteDb: DeleteDbRequest(d); break;
            case PutDoc: PutDocRequest(d); break;
            case PostDoc: PostDocRequest(d); break;
            case GetDoc: GetDocRequest(d, history: false); break;
            case History: GetDocRequest(d, history: true); break;
            case PatchDoc: PatchRequest(d); break;
            case DeleteDoc: DeleteDocRequest(d); break;
            case Tx: TxRequest(d); break;
            case Changes: ChangesRequest(d); break;
            case Verify: VerifyRequest(d); break;
            case Commit: CommitRequest(d); break;
            case QueryDocs: QueryRequest(d); break;
            case Export: ExportRequest(d); break;
            case Import: ImportRequest(d); break;
            case Replicate: ReplicateRequest(d); break;
            case Peers: PeersRequest(d); break;
            case StopPeer: StopPeerRequest(d); break;
            case SyncSocket: SyncSocketRequest(d); break;
            case GetSchema: GetSchemaRequest(d); break;
            case PutSchema: PutSchemaRequest(d); break;
            case HandOutRanges: HandOutRangesRequest(d); break;
            case IssueToken: IssueTokenRequest(d); break;
            case HoldToken: HoldTokenRequest(d); break;
            case GetToken: GetTokenRequest(d); break;
            case RevokeToken: RevokeTokenRequest(d); break;
            case PutFunction: PutFunctionRequest(d); break;
            case GetFunction: GetFunctionRequest(d); break;
            case ListFunctions: ListFunctionsRequest(d); break;
            case DeleteFunction: DeleteFunctionRequest(d); break;
            case CallFunction: CallFunctionRequest(d); break;
            case GetFunctionLimits: GetFunctionLimitsRequest(d); break;
            case PutFunctionLimits: PutFunctionLimitsRequest(d); break;
            case UnknownRoute: UnknownRouteRequest(d); break;
            default: WrongMethodRequest(d); break;
        }
        NoteDotSegments(d);
        CrossCutting(d);
        NeverDropTheTarget(d);
        CredentialsFirst(d);
        bool write = d.Method is not ("GET" or "HEAD" or "OPTIONS" or "TRACE");
        return new HostileRequest(d.Endpoint, d.Family, d.Method, d.Path + d.Query, d.Body, d.ContentType, d.Authorization,
            d.Headers, write, d.TouchesTarget, d.MustReject, d.ExpectStatus, d.Allow415First, d.UnknownLength, string.Join("; ", d.Why)) { Ucan = d.Ucan };
    }

    private string PickWeighted()
    {
        int total = Weights.Sum(w => w.Weight);
        int roll = _rng.Next(total);
        foreach (var (endpoint, weight) in Weights)
        {
            if (roll < weight) return endpoint;
            roll -= weight;
        }
        return Weights[^1].Endpoint;
    }

    // ------------------------------------------------------------------ endpoints

    private void StatusRequest(Draft d)
    {
        d.Path = Pick("/v1/status", "/v1/status", "/v1/status", "/v1/status/", "/V1/Status");
        d.Family = "status";
        if (Chance(0.3)) BodyOnRead(d);
        if (Chance(0.3)) d.Query = GarbageQuery();
    }

    private void ListRequest(Draft d)
    {
        d.Path = Pick("/v1/dbs", "/v1/dbs", "/v1/dbs/");
        d.Family = "list";
        if (Chance(0.3)) BodyOnRead(d);
        if (Chance(0.3)) d.Query = GarbageQuery();
    }

    private static readonly string[] ScratchDatabases = ["s0", "s1", "s2", "s3", "s1.k", "s2.k.j", "target.k1", "target.k2"];

    private void PutDbRequest(Draft d)
    {
        d.Method = "PUT";
        var (segment, valid, _) = Database(targetShare: 0.2, scratchShare: 0.4);
        d.NamesValid = valid;
        d.Path = $"/v1/dbs/{segment}";
        d.Family = valid ? "create-db" : "create-db/bad-name";
        if (!valid) d.Reject("bad database name");
        if (segment == Target) d.Reject("the target exists");
        if (Chance(0.3)) { d.Body = Utf8(Pick("{}", "{\"name\": \"x\"}", "garbage", "[1,2")); d.ContentType = Pick("application/json", "text/plain", null); }
    }

    private void GetDbRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.6, scratchShare: 0.1);
        d.NamesValid = valid;
        d.Path = $"/v1/dbs/{segment}";
        d.Family = valid ? "db-info" : "db-info/bad-name";
        if (!valid) d.Reject("bad database name");
        if (Chance(0.3)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void DeleteDbRequest(Draft d)
    {
        d.Method = "DELETE";
        int roll = _rng.Next(10);
        if (roll < 3)
        {
            // The target itself, but never with a token that may drop it.
            d.Path = $"/v1/dbs/{Target}";
            d.ForbidAdmin = true;
            d.TouchesTarget = true;
            if (Chance(0.5)) { d.Authorization = "Bearer " + _reader; d.ExpectStatus = 403; d.Reject("a read token may not drop"); d.Family = "drop-db/read-token"; }
            else { d.Authorization = BogusAuthorization(); d.ExpectStatus = 401; d.Reject("no valid token"); d.Family = "drop-db/bad-token"; }
        }
        else
        {
            var (segment, valid, _) = Database(targetShare: 0, scratchShare: 0.5);
            d.NamesValid = valid;
            d.Path = $"/v1/dbs/{segment}";
            d.Family = valid ? "drop-db" : "drop-db/bad-name";
            if (!valid) d.Reject("bad database name");
        }
        if (Chance(0.2)) { d.Body = Utf8("{\"force\": true}"); d.ContentType = "application/json"; }
    }

    private void PutDocRequest(Draft d)
    {
        d.Method = "PUT";
        DocPath(d, withId: true);
        DocumentBody(d);
        if (Chance(0.3)) Precondition(d, mayCreate: true);
    }

    private void PostDocRequest(Draft d)
    {
        d.Method = "POST";
        DocPath(d, withId: false);
        DocumentBody(d);
        if (Chance(0.05)) Precondition(d, takesNone: true);
    }

    private void GetDocRequest(Draft d, bool history)
    {
        DocPath(d, withId: true);
        if (history) d.Path += "/history";
        d.Family = history ? "history" : "read-doc";
        if (Chance(0.45)) AtQuery(d);
        if (Chance(0.15)) BodyOnRead(d);
    }

    private void DeleteDocRequest(Draft d)
    {
        d.Method = "DELETE";
        DocPath(d, withId: true, deleting: true);
        d.Family = "delete-doc";
        if (Chance(0.15)) { d.Body = Utf8("{\"ops\": []}"); d.ContentType = "application/json"; d.Family = "delete-doc/body"; }
        if (Chance(0.3)) Precondition(d);
    }

    private void PatchRequest(Draft d)
    {
        d.Method = "PATCH";
        DocPath(d, withId: true);
        PatchBody(d);
        if (Chance(0.3)) Precondition(d);
    }

    /// <summary>If-Match / If-None-Match on a document write. Plausible ones (a version the target has
    /// had, several, *, create only) may hold or not (412); a version no document has never holds; weak,
    /// unquoted, unterminated, non-CID, mixed, empty or misplaced ones are 400 for sure, and so is any
    /// precondition on a write that takes none (POST of a document, tx).</summary>
    private void Precondition(Draft d, bool mayCreate = false, bool takesNone = false)
    {
        string known = _state.Cids.Count > 0 ? _state.Cids[_rng.Next(_state.Cids.Count)] : "bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua";
        string nowhere = Causeway.Encoding.Cid.ForDagCbor(BitConverter.GetBytes(_rng.NextInt64())).ToString();
        static string Tag(string version) => $"\"{version}\"";
        const string IfMatch = "If-Match", IfNoneMatch = "If-None-Match";
        void Malformed(string name, string value, string why)
        {
            d.Headers.Add((name, value));
            d.Reject(why);
            // Preconditions are read before the body, so an oversized one may be refused for either.
            if (d.ExpectStatus == 413) d.ExpectStatus = null;
            d.Family += "+bad-precondition";
        }

        if (takesNone)
        {
            Malformed(Pick(IfMatch, IfNoneMatch), Pick("*", Tag(known)), "a write that takes no precondition");
            return;
        }
        int roll = _rng.Next(20);
        if (roll < 8)
        {
            d.Headers.Add(_rng.Next(5) switch
            {
                0 => (IfMatch, Tag(known)),
                1 => (IfMatch, $"{Tag(nowhere)}, {Tag(known)}"),
                2 => (IfMatch, string.Join(Pick(",", ", ", " ,\t"), Enumerable.Repeat(Tag(known), _rng.Next(2, 300)))),
                3 => mayCreate && Chance(0.6) ? (IfNoneMatch, Pick("*", " * ")) : (IfMatch, "*"),
                _ => (IfMatch, Pick("*", $"  {Tag(known)}  ", $",{Tag(known)},")),
            });
            d.Family += "+precondition";
            return;
        }
        if (roll < 10)
        {
            d.Headers.Add((IfMatch, Pick(Tag(nowhere), $"{Tag(nowhere)}, {Tag(Causeway.Encoding.Cid.ForDagCbor([0xa0]).ToString())}")));
            d.Reject("no document is at that version");
            d.Family += "+stale-precondition";
            return;
        }
        switch (_rng.Next(16))
        {
            case 0: Malformed(IfMatch, $"W/{Tag(known)}", "a weak entity tag"); break;
            case 1: Malformed(IfMatch, Pick(known, "bafy", "abc", "W/", "**", "* *"), "an unquoted entity tag"); break;
            case 2:
                if (Chance(0.5)) Malformed(IfMatch, Pick(",", " , ,", ",\t,"), "an If-Match with no entity tag");
                else
                {
                    // An empty value may not survive the way to the server (HttpClient or the test host drops it),
                    // so it is refused (400) or, gone, the write is unconditional: either is right.
                    d.Headers.Add((Pick(IfMatch, IfNoneMatch), Pick("", " ")));
                    if (d.ExpectStatus == 413) d.ExpectStatus = null;
                    d.Family += "+empty-precondition";
                }
                break;
            case 3: Malformed(IfMatch, Tag(Pick("not-a-cid", "", "W/x", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", known.ToUpperInvariant(), known[..^1], known + "a", new string('b', _rng.Next(100, 6000)))), "an entity tag that is not a version"); break;
            case 4: Malformed(IfMatch, Pick($"{Tag(known)} junk", $"{Tag(known)}{Tag(known)}", $"{Tag(known)} ; q=1", $"{Tag(known)}\\"), "not a list of entity tags"); break;
            case 5: Malformed(IfMatch, Pick($"*, {Tag(known)}", $"{Tag(known)}, *", "*, *"), "* listed with entity tags"); break;
            case 6: Malformed(IfMatch, Pick($"\"{known}", "\"", $"{Tag(known)}, \"", "\"\"\""), "an unterminated entity tag"); break;
            case 7: Malformed(IfMatch, $"{Tag(known)}, W/{Tag(known)}", "a weak entity tag in a list"); break;
            case 8:
                d.Headers.Add((IfMatch, Pick("*", Tag(known))));
                Malformed(IfNoneMatch, "*", "If-Match and If-None-Match together");
                break;
            case 9: Malformed(IfNoneMatch, Pick(Tag(known), $"W/{Tag(known)}", ",", "**", "*, *", Tag(nowhere)), "If-None-Match other than *"); break;
            case 10:
                if (mayCreate) Malformed(IfNoneMatch, Pick("x", "\"*\""), "If-None-Match other than *");
                else Malformed(IfNoneMatch, "*", "create only on a write that cannot create");
                break;
            case 11:
                // Two header lines: joined, they are one list; with a bad one the whole is bad.
                d.Headers.Add((IfMatch, Tag(known)));
                Malformed(IfMatch, Pick("W/\"x\"", "junk", "*"), "a bad If-Match line beside a good one");
                break;
            default: Malformed(IfMatch, Tag(Pick("b" + new string('a', 58), "bafyrei" + new string('!', 10), "zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz", "b\t")), "an entity tag that is not a version"); break;
        }
    }

    private void TxRequest(Draft d)
    {
        d.Method = "POST";
        var (segment, valid, target) = Database(targetShare: 0.88, scratchShare: 0.02);
        d.NamesValid = valid;
        d.TouchesTarget = target;
        d.Path = $"/v1/dbs/{segment}/tx";
        if (!valid) d.Reject("bad database name");
        TxBody(d);
        if (Chance(0.04)) Precondition(d, takesNone: true);
    }

    private void ChangesRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.85, scratchShare: 0.03);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Path = $"/v1/dbs/{segment}/changes";
        d.Family = "changes";
        long position = _state.Position;
        var parameters = new List<string>();
        bool bad = false;
        void Bad(string p, string why) { parameters.Add(p); bad = true; d.Reject(why); }

        int roll = _rng.Next(10);
        if (roll < 2)
        {
            // Valid, cheap: near the end, small pages.
            parameters.Add($"since={Math.Max(0, position - _rng.Next(5))}");
            if (Chance(0.5)) parameters.Add($"limit={_rng.Next(1, 20)}");
            if (Chance(0.3)) parameters.Add("feed=poll");
            d.Family = "changes/valid";
        }
        else
        {
            int n = _rng.Next(1, 3);
            for (int k = 0; k < n; k++)
            {
                switch (_rng.Next(3))
                {
                    case 0:
                        string since = Pick("-1", "abc", "1.0", "%201", "+1", "99999999999999999999", "9223372036854775808", (position + 1).ToString(CultureInfo.InvariantCulture),
                            (position + 1000).ToString(CultureInfo.InvariantCulture), "", "0x1", "%EF%BC%91", "1e3", "%00", "NaN", "-0", "0%2C1", new string('9', 400));
                        Bad($"since={since}", "bad 'since'");
                        break;
                    case 1:
                        Bad($"limit={Pick("0", "-1", "10001", "abc", "", "1.5", "99999999999999999999", "%201", "1e2", "%00", "2147483648")}", "bad 'limit'");
                        break;
                    default:
                        Bad($"feed={Pick("SSE", "", "stream", "poll%20", "sse%00", "longpoll", "Poll", "sse,poll", "%F0%9F%98%80", Escape(EmojiRun))}", "bad 'feed'");
                        break;
                }
            }
            // A stream would start only if the rest were valid. (Not next to another 'feed': the server joins
            // repeated values with commas and drops empty ones, so "feed=&feed=sse" is a valid "sse".)
            if (Chance(0.25) && !parameters.Any(p => p.StartsWith("feed=", StringComparison.Ordinal))) parameters.Add("feed=sse");
            d.Family = "changes/bad-params";
        }
        if (Chance(0.1)) { parameters.Add("since=0"); parameters.Add("since=1"); if (!bad) d.Reject("two values of 'since'"); d.Family = "changes/repeated"; }
        Shuffle(parameters);
        d.Query = "?" + string.Join("&", parameters);
        if (Chance(0.1)) BodyOnRead(d);
    }

    private void QueryRequest(Draft d)
    {
        var (segment, valid, isTarget) = Database(targetShare: 0.85, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Method = "POST";
        d.Path = $"/v1/dbs/{segment}/query";
        d.ContentType = "application/json";
        string collection = Pick("orders", "items", "nothing-here");
        int roll = _rng.Next(12);
        switch (roll)
        {
            case 0:
            case 1:
                string path = Pick("total", "a.b", "_id", "tags"), op = Pick("eq", "ne", "lt", "gte", "in", "prefix", "exists");
                string operand = Pick("1", "\"x\"", "[1, \"a\"]", "true", "null"), desc = Pick("true", "false");
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"where\": {\"path\": \"" + path + "\", \"" + op + "\": " + operand
                    + "}, \"orderBy\": [{\"path\": \"total\", \"desc\": " + desc + "}], \"limit\": " + _rng.Next(1, 50) + "}");
                d.Family = "query/plausible";
                break;
            case 2:
                d.Body = Break($$"""{"collection": "{{collection}}", "limit": 5}""").Body;
                d.Reject("malformed JSON");
                d.Family = "query/broken-json";
                break;
            case 3:
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"where\": {\"path\": \"total\", \"" + Pick("between", "like", "regex", "EQ") + "\": 1}}");
                d.Reject("unknown operator");
                d.Family = "query/unknown-operator";
                break;
            case 4:
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"where\": {\"path\": \"total\", \"eq\": 1, \"gt\": 2}}");
                d.Reject("two operators");
                d.Family = "query/two-operators";
                break;
            case 5:
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"limit\": " + Pick("0", "-1", "1001", "1e9", "\"5\"", "1.5") + "}");
                d.Reject("bad limit");
                d.Family = "query/bad-limit";
                break;
            case 6:
                d.Body = Utf8($$"""{"collection": "{{collection}}", "after": "{{Pick("garbage", "", "AAAA", "gqFwAQ", new string('z', 500), "%00")}}"}""");
                d.Reject("bad cursor");
                d.Family = "query/bad-cursor";
                break;
            case 7:
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"where\": " + string.Concat(Enumerable.Repeat("{\"not\": ", 40))
                    + "{\"path\": \"a\", \"exists\": true}" + new string('}', 40) + "}");
                d.Reject("predicate nested deeper than 32");
                d.Family = "query/deep";
                break;
            case 8:
                d.Body = Utf8($$"""{"collection": "{{Pick("bad name", "", "a/b", EmojiRun)}}"}""");
                d.Reject("bad collection");
                d.Family = "query/bad-collection";
                break;
            case 9:
                d.Body = Utf8("{\"collection\": \"" + collection + "\", \"where\": {\"path\": \"" + Pick("a..b", "$x", "", "_meta.x") + "\", \"eq\": 1}}");
                d.Reject("bad path");
                d.Family = "query/bad-path";
                break;
            case 10:
                d.Body = Utf8($$"""{"collection": "{{collection}}", "at": "{{Pick("yesterday", "99999999", "bafybad", "-1")}}"}""");
                d.Reject("bad at");
                d.Family = "query/bad-at";
                break;
            default:
                d.Body = Utf8($$"""{"collection": "{{collection}}", "unknown": 1, "where": []}""");
                d.Reject("unknown member, where not an object");
                d.Family = "query/shape";
                break;
        }
        ContentTypeMutation(d, 0.1);
        if (isTarget) d.TouchesTarget = true;
    }

    private void ExportRequest(Draft d)
    {
        int roll = _rng.Next(10);
        if (roll < 3)
        {
            d.Path = $"/v1/dbs/{Target}/export";
            d.Family = "export";
        }
        else if (roll < 6)
        {
            d.Path = $"/v1/dbs/{Target}/export";
            d.Authorization = BogusAuthorization();
            d.ExpectStatus = 401;
            d.Reject("no valid token");
            d.Family = "export/bad-token";
            d.ForbidAdmin = true;
        }
        else
        {
            var (segment, valid, _) = Database(targetShare: 0, scratchShare: 0.3);
            d.NamesValid = valid;
            if (!valid) d.Reject("bad database name");
            d.Path = $"/v1/dbs/{segment}/export";
            d.Family = valid ? "export/other-db" : "export/bad-name";
        }
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void ImportRequest(Draft d)
    {
        WriteTo(d, "POST", "import", "application/vnd.ipld.car", targetShare: 0.85, scratchShare: 0.05);
        switch (_rng.Next(7))
        {
            case 0:
                // A valid, empty archive: { roots: [], version: 1 } and no blocks; applies nothing.
                d.Body = [0x11, 0xA2, 0x65, .. "roots"u8, 0x80, 0x67, .. "version"u8, 0x01];
                d.Family = "import/empty";
                break;
            case 1:
                d.Body = new byte[_rng.Next(1, 4096)];
                _rng.NextBytes(d.Body);
                d.Reject("random bytes");
                d.Family = "import/random";
                break;
            case 2:
                d.Body = [0x11, 0xA2, 0x65, .. "roots"u8, 0x80, 0x67, .. "version"u8, 0x02];
                d.Reject("CAR version 2 header");
                d.Family = "import/version";
                break;
            case 3:
                d.Body = [0x11, 0xA2, 0x65, .. "roots"u8, 0x80, 0x67, .. "version"u8, 0x01, 0x30, 0x01, 0x71, 0x12, 0x20, 0x00, 0x01];
                d.Reject("truncated section");
                d.Family = "import/truncated";
                break;
            case 4:
                d.Body = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];
                d.Reject("absurd length");
                d.Family = "import/length";
                break;
            case 5:
                d.Body = Utf8("{\"roots\": [], \"version\": 1}");
                d.ContentType = Pick("application/json", "application/vnd.ipld.car", null);
                d.Reject("JSON is not a CAR");
                if (d.ContentType != "application/vnd.ipld.car") d.Allow415First = true;
                d.Family = "import/json";
                break;
            default:
                d.Body = [];
                d.Reject("empty body");
                d.Family = "import/empty-body";
                break;
        }
        if (Chance(0.1))
        {
            d.Authorization = BogusAuthorization();
            if (d.NamesValid) d.ExpectStatus = 401; // a bad name is refused (400) before the token is looked at, as everywhere
            d.Reject("no valid token");
            d.Family += "/bad-token";
            d.ForbidAdmin = true;
        }
    }

    /// <summary>No peer listens anywhere the generator points, so even a well-formed replicate request is
    /// refused (424), and a pull into a missing database must leave none behind.</summary>
    private void ReplicateRequest(Draft d)
    {
        WriteTo(d, "POST", "replicate", "application/json");
        d.Reject("no peer is reachable");
        string peer = Pick("http://127.0.0.1:1", "http://127.0.0.1:1/", "ws://127.0.0.1:1", "https://127.0.0.1:1/base/");
        string mode = Pick("\"once\"", "\"continuous\"");
        string direction = Pick("\"pull\"", "\"push\"", "\"both\"");
        string wellFormed = $"{{\"peer\": \"{peer}\", \"token\": \"t\", \"mode\": {mode}, \"direction\": {direction}}}";
        switch (_rng.Next(12))
        {
            case 0 or 1:
                d.Body = Utf8(wellFormed);
                d.Family = "replicate/unreachable";
                break;
            case 2:
                (d.Body, string broken) = Break(wellFormed);
                d.Family = "replicate/broken-json-" + broken;
                break;
            case 3:
                d.Body = Utf8(Pick("[]", "\"x\"", "null", "1", "{}", "{\"peer\": null}", "{\"token\": \"t\"}"));
                d.Family = "replicate/shape";
                break;
            case 4:
                d.Body = Utf8($"{{\"peer\": {Pick("1", "true", "[]", "{}", "\"\"", "\"not a url\"", "\"ftp://127.0.0.1/\"", "\"/relative\"", "\"http://\"", "\"http://u:p@127.0.0.1:1\"", "\"http://127.0.0.1:1/?token=x\"", "\"http://127.0.0.1:1/#f\"", "\"" + new string('h', 5000) + "\"", "\"" + EmojiRunJson + "\"")}}}");
                d.Family = "replicate/bad-peer";
                break;
            case 5:
                d.Body = Utf8($"{{\"peer\": \"{peer}\", \"token\": {Pick("1", "\"\"", "[]", "\"a\\u0000b\"", "\"a\\nb\"", "false")}}}");
                d.Family = "replicate/bad-token";
                break;
            case 6:
                d.Body = Utf8($"{{\"peer\": \"{peer}\", \"mode\": {Pick("\"Once\"", "\"always\"", "1", "null", "\"\"", "[\"once\"]")}, \"direction\": {Pick("\"PULL\"", "\"up\"", "2", "\"both \"", "{}", direction)}}}");
                d.Family = "replicate/bad-mode-or-direction";
                break;
            case 7:
                d.Body = Utf8($"{{\"peer\": \"{peer}\", \"collections\": {Pick("[\"items\"]", "[\"bad name\"]", "[1]", "\"items\"", "{}", "[null]", "[\"" + EmojiRunJson + "\"]")}}}");
                d.Family = "replicate/collections";
                break;
            case 8:
                d.Body = Utf8($"{{\"peer\": \"{peer}\", {Pick("\"extra\": 1", "\"Peer\": \"x\"", "\"peer\": \"http://127.0.0.1:2\"", "\"\": 0", "\"" + EmojiRunJson + "\": 1")}}}");
                d.Family = "replicate/members";
                break;
            case 9:
                d.Body = Utf8(wellFormed.Replace("\"peer\": \"", "\"peer\": \"\\ud800"));
                d.Family = "replicate/lone-surrogate";
                break;
            case 10:
                d.Body = Utf8("{\"peer\": \"" + peer + "\", \"token\": \"" + new string('t', _rng.Next(1_000, 100_000)) + "\"}");
                d.Family = "replicate/long-token";
                break;
            default:
                d.Body = Utf8(Deep(_rng.Next(10, 2000), closed: Chance(0.5)));
                d.Family = "replicate/deep";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private void PeersRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.85, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Path = $"/v1/dbs/{segment}/peers";
        d.Family = valid ? "peers" : "peers/bad-name";
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void StopPeerRequest(Draft d)
    {
        var (segment, valid, isTarget) = Database(targetShare: 0.85, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Method = "DELETE";
        d.TouchesTarget = isTarget;
        d.Path = $"/v1/dbs/{segment}/peers/{Pick("s1", "s0", "s999999999999999999999", "x", "%01", "%FF", "%2F", Escape(EmojiRun), new string('s', 3000), "s1%0A")}";
        d.Reject("no such session");
        d.Family = "stop-peer";
        if (Chance(0.2)) BodyOnRead(d);
    }

    private void SyncSocketRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.85, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Path = $"/v1/dbs/{segment}/sync";
        d.Reject("not a WebSocket");
        d.Family = "sync";
        if (Chance(0.4))
        {
            d.Headers.Add(("Upgrade", Pick("websocket", "WebSocket", "h2c", "")));
            d.Headers.Add(("Sec-WebSocket-Version", Pick("13", "8", "x")));
            d.Headers.Add(("Sec-WebSocket-Key", Pick("dGhlIHNhbXBsZSBub25jZQ==", "", "x")));
            d.Family = "sync/upgrade-headers";
        }
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void GetSchemaRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.8, scratchShare: 0.1);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Path = $"/v1/dbs/{segment}/schema";
        d.Family = valid ? "schema" : "schema/bad-name";
        if (Chance(0.2)) d.Authorization = "Bearer " + _reader;   // reading a schema needs only read access
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    /// <summary>Valid schemas name only collections no other request writes (fz_*), so an accepted one
    /// constrains nothing the rest of the run does.</summary>
    private static readonly string[] ValidSchemas =
    [
        """{"collections": {}}""",
        """{"collections": {"fz_players": {"id": "uuid", "fields": {"name": {"kind": "lww", "type": "string", "required": true}, "credits": {"kind": "bcounter", "min": 0}}, "unique": [["name"]]}}}""",
        """{"collections": {"fz_players": {"fields": {"name": {"kind": "lww", "type": "string"}}, "unique": [["name"]]}, "fz_items": {"fields": {"owner": {"kind": "lww", "references": "fz_players", "policy": "add-wins"}, "price": {"kind": "lww", "type": "number"}, "discounted_price": {"kind": "lww", "type": "number"}}, "checks": [{"name": "below", "expr": "discounted_price > 0 and price > discounted_price"}]}}}""",
        """{"collections": {"fz_orders": {"id": "sequence", "fields": {"item": {"kind": "lww", "references": "fz_players", "policy": "remove-wins"}}}, "fz_players": {"fields": {"n": {"kind": "counter"}}}}}""",
    ];

    private void PutSchemaRequest(Draft d)
    {
        var (valid, isTarget) = WriteTo(d, "PUT", "schema", "application/json");
        string wellFormed = Pick(ValidSchemas);
        switch (_rng.Next(12))
        {
            case 0 or 1:
                d.Body = Utf8(wellFormed);
                d.Family = "put-schema/valid";
                break;
            case 2:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "put-schema/broken-json-" + broken;
                break;
            case 3:
                d.Body = Utf8(Pick("[]", "\"x\"", "null", "1", "{}", "{\"collections\": []}", "{\"collections\": null}", "{\"collections\": {\"c\": 1}}", "{\"collections\": {\"c\": {\"fields\": []}}}"));
                d.Reject("not a schema's shape");
                d.Family = "put-schema/shape";
                break;
            case 4:
                d.Body = Utf8("""{"collections": {"c": {"fields": {"n": {"kind": """ + Pick("\"nope\"", "\"LWW\"", "1", "null", "[]", "\"bcounter \"", "\"" + EmojiRunJson + "\"") + "}}}}}");
                d.Reject("an unknown field kind");
                d.Family = "put-schema/kind";
                break;
            case 5:
                // A bound on a register cannot be kept without coordination: 422 with the reason.
                d.Body = Utf8("{\"collections\": {\"c\": {\"fields\": {\"n\": {\"kind\": \"lww\", \"" + Pick("min", "max") + "\": " + Pick("0", "-5", "100") + "}}}}}");
                d.Reject("a constraint it cannot guarantee");
                if (valid && isTarget && d.Authorization == "Bearer " + _admin) d.ExpectStatus = 422;
                d.Family = "put-schema/unguaranteed";
                break;
            case 6:
                d.Body = Utf8("{\"collections\": {\"c\": {\"fields\": {\"p\": {\"kind\": \"lww\", \"type\": \"number\"}}, \"checks\": [{\"name\": \"k\", \"expr\": \"" + Pick("p >", "(((", "and and", ")", "p > > 1", "p ==", "'open", "p in (", new string('(', 5000)) + "\"}]}}}");
                d.Reject("a check that does not parse");
                d.Family = "put-schema/bad-check";
                break;
            case 7:
                d.Body = Utf8(Pick(
                    """{"collections": {"_system": {}}}""", """{"collections": {"bad name": {}}}""", """{"collections": {"c": {"extra": 1}}}""",
                    """{"collections": {}, "home": "not a did"}""", """{"collections": {}, "homes": 1}""", """{"collections": {"c": {"id": "guid"}}}""",
                    """{"collections": {"c": {"fields": {"n": {"kind": "lww", "type": "strin"}}}}}""", """{"collections": {"c": {"unique": "n"}}}""",
                    """{"collections": {"c": {"fields": {"n": {"kind": "lww", "references": "c", "policy": "sometimes"}}}}}"""));
                d.Reject("a member, name or value the schema format does not have");
                d.Family = "put-schema/members";
                break;
            case 8:
                // Over the limits: more unique constraints, or checks, than a collection may have.
                d.Body = _rng.Next(2) == 0
                    ? Utf8("{\"collections\": {\"c\": {\"fields\": {\"n\": {\"kind\": \"lww\"}}, \"unique\": [" + string.Join(",", Enumerable.Repeat("[\"n\"]", SchemaJson.MaxUnique + 1)) + "]}}}")
                    : Utf8("{\"collections\": {\"c\": {\"fields\": {\"n\": {\"kind\": \"lww\"}}, \"checks\": [" + string.Join(",", Enumerable.Range(0, SchemaJson.MaxChecks + 1).Select(i => $"{{\"name\": \"k{i}\", \"expr\": \"n > {i}\"}}")) + "]}}}");
                d.Reject("over the schema's limits");
                d.Family = "put-schema/limits";
                break;
            case 9:
                d.Body = Utf8(wellFormed.Replace("\"collections\": {", "\"collections\": {\"\ud800x\": {}, "));
                d.Reject("a lone surrogate in a collection name");
                d.Family = "put-schema/lone-surrogate";
                break;
            case 10:
                d.Body = Utf8(Deep(_rng.Next(10, 2000), closed: Chance(0.5)));
                d.Reject("not a schema");
                d.Family = "put-schema/deep";
                break;
            default:
                d.Body = Utf8("{\"collections\": {" + string.Join(",", Enumerable.Range(0, _rng.Next(1, 300)).Select(i => $"\"fz_{i}\": {{\"fields\": {{\"v\": {{\"kind\": \"counter\"}}}}}}")) + "}}");
                d.Family = "put-schema/many-collections";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private void HandOutRangesRequest(Draft d)
    {
        WriteTo(d, "POST", "reservations", "application/json");
        string wellFormed = $"{{\"collection\": \"fz_players\", \"fields\": [\"name\"], \"ranges\": \"{Pick("0-7", "8-f", "0", "0,3,a-c")}\", \"replica\": \"{OtherReplica}\"}}";
        switch (_rng.Next(9))
        {
            case 0 or 1:
                // Accepted only while a schema in force has unique (name) on fz_players.
                d.Body = Utf8(wellFormed);
                d.Family = "reservations/well-formed";
                break;
            case 2:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "reservations/broken-json-" + broken;
                break;
            case 3:
                d.Body = Utf8(Pick("[]", "\"x\"", "null", "1", "{}", "{\"collection\": \"fz_players\"}", "{\"fields\": [\"name\"]}"));
                d.Reject("not a hand-out's shape");
                d.Family = "reservations/shape";
                break;
            case 4:
                d.Body = Utf8($"{{\"collection\": \"fz_players\", \"fields\": [\"name\"], \"ranges\": \"{Pick("x", "g", "-", " ,", "", "f-0", "0--7", "0-", "zz", "%", "\\u00e9", "0-8-f")}\", \"replica\": \"{OtherReplica}\"}}");
                d.Reject("ranges that are not hex digits");
                d.Family = "reservations/bad-ranges";
                break;
            case 5:
                d.Body = Utf8(wellFormed.Replace(OtherReplica, Pick("nobody", "", "did:key:z6Mk", "did:web:example.com", OtherReplica + "x", OtherReplica.ToUpperInvariant())));
                d.Reject("not a replica's did:key");
                d.Family = "reservations/bad-replica";
                break;
            case 6:
                d.Body = Utf8(wellFormed.Replace("[\"name\"]", Pick("[]", "[\"nope\"]", "[\"name\", \"name\"]", "\"name\"", "[1]", "[null]", "[\"" + new string('f', _rng.Next(100, 20_000)) + "\"]", "[\"" + EmojiRunJson + "\"]")));
                d.Reject("no such unique tuple");
                d.Family = "reservations/bad-fields";
                break;
            case 7:
                d.Body = Utf8(wellFormed.Replace("\"fz_players\"", Pick("\"nope\"", "\"_reservations\"", "\"bad name\"", "1", "null", "\"" + EmojiRunJson + "\"", "\"" + new string('c', 5000) + "\"")));
                d.Reject("no such collection in the schema");
                d.Family = "reservations/bad-collection";
                break;
            default:
                d.Body = Utf8(wellFormed[..^1] + Pick(", \"extra\": 1}", ", \"Ranges\": \"0\"}", ", \"\": 0}"));
                d.Reject("a member a hand-out does not have");
                d.Family = "reservations/members";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private static readonly string OtherReplica = Causeway.Security.ReplicaIdentity.FromSeed(new byte[32]).Did;

    private void VerifyRequest(Draft d)
    {
        // Verifying walks the whole ledger: most of these are refused before that.
        int roll = _rng.Next(10);
        if (roll < 2)
        {
            d.Path = $"/v1/dbs/{Target}/verify";
            d.Family = "verify";
        }
        else if (roll < 5)
        {
            d.Path = $"/v1/dbs/{Target}/verify";
            d.Authorization = BogusAuthorization();
            d.ExpectStatus = 401;
            d.Reject("no valid token");
            d.Family = "verify/bad-token";
            d.ForbidAdmin = true;
        }
        else
        {
            var (segment, valid, _) = Database(targetShare: 0, scratchShare: 0.3);
            d.NamesValid = valid;
            if (!valid) d.Reject("bad database name");
            d.Path = $"/v1/dbs/{segment}/verify";
            d.Family = valid ? "verify/other-db" : "verify/bad-name";
        }
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void CommitRequest(Draft d)
    {
        var (segment, valid, _) = Database(targetShare: 0.85, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        string known = _state.Cids.Count > 0 ? _state.Cids[_rng.Next(_state.Cids.Count)] : "bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua";
        string cid;
        int roll = _rng.Next(12);
        if (roll < 2)
        {
            cid = known;
            d.Family = "commit/known";
            if (Chance(0.3)) d.Headers.Add(("If-None-Match", $"\"{known}\""));
        }
        else
        {
            d.Family = "commit/bad-cid";
            d.Reject("not a commit of this database");
            cid = _rng.Next(17) switch
            {
                16 => Escape(EmojiRun),
                0 => "not-a-cid",
                1 => "b",
                2 => "bafy",
                3 => "bafyrei" + new string('!', 10),
                4 => "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
                5 => "zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz",
                6 => "b" + new string('a', _rng.Next(100, 20_000)),
                7 => "%09",
                8 => Escape("bäfy😀"),
                9 => known + "x",
                10 => known[..^1],
                11 => Flip(known),
                12 => "bafyrei" + new string('a', 52),
                13 => "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", // a raw-block CID, not a commit
                14 => Escape(known + "\u0001"),
                _ => "%2F" + known,
            };
        }
        d.Path = $"/v1/dbs/{segment}/commits/{cid}";
        if (Chance(0.15)) BodyOnRead(d);
        if (Chance(0.1)) d.Query = "?at=" + Pick("1", "x", known);
    }

    // ------------------------------------------------------------------ tokens

    /// <summary>A delegation this run may hold, read and revoke: made for the run, in no chain a request uses.</summary>
    private (string Cid, string Token) Spare() => _spare.Count > 0 ? _spare[_rng.Next(_spare.Count)] : ("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua", "glhA");

    private string TokenCid(Draft d, out bool valid)
    {
        valid = Chance(0.8);
        if (valid) return Pick(Spare().Cid, Causeway.Encoding.Cid.ForDagCbor(BitConverter.GetBytes(_rng.NextInt64())).ToString());
        d.Reject("not a CID");
        return Pick("x", "bafy", "%20", Escape(EmojiRun), "Qm" + new string('a', 44), new string('b', _rng.Next(60, 3000)), Flip(Spare().Cid).ToUpperInvariant());
    }

    private void IssueTokenRequest(Draft d)
    {
        d.Method = "POST";
        d.Path = "/v1/tokens";
        d.ContentType = "application/json";
        long expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        string at = expires.ToString(CultureInfo.InvariantCulture);
        string wellFormed = $$"""{"audience": "{{OtherReplica}}", "command": "/doc/read", "db": "{{Target}}", "coll": "items", "expires": {{at}}}""";
        switch (_rng.Next(8))
        {
            case 0 or 1:
                d.Body = Utf8(Chance(0.5) ? wellFormed : wellFormed.Replace("\"coll\": \"items\", ", "\"policy\": [[\"!=\", \".id\", \"x\"]], "));
                d.Family = "issue-token/well-formed";
                break;
            case 2:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "issue-token/broken-json-" + broken;
                break;
            case 3:
                d.Body = Utf8(Pick("[]", "null", "{}", "{\"audience\": 1}", wellFormed.Replace($", \"expires\": {at}", ""), wellFormed.Replace(at, "1"),
                    wellFormed.Replace(at, "1e99"), wellFormed.Replace(at, "\"soon\"")));
                d.Reject("not a token request's shape");
                d.Family = "issue-token/shape";
                break;
            case 4:
                d.Body = Utf8(wellFormed.Replace(OtherReplica, Pick("nobody", "", "did:key:z6Mk", "did:web:example.com", OtherReplica + "x", EmojiRunJson)));
                d.Reject("not a did:key audience");
                d.Family = "issue-token/bad-audience";
                break;
            case 5:
                d.Body = Utf8(wellFormed.Replace("/doc/read", Pick("doc/read", "/Doc", "/doc/", "//doc", "", "/ doc", "/doc\\u0000")));
                d.Reject("not a command");
                d.Family = "issue-token/bad-command";
                break;
            case 6:
                d.Body = Utf8(Pick(wellFormed.Replace("\"db\": \"target\", ", ""), wellFormed.Replace("\"items\"", "\"a b\""), wellFormed.Replace("\"target\"", "\"Target\""),
                    wellFormed[..^1] + ", \"id\": \"x\", \"idPrefix\": \"y\"}", wellFormed[..^1] + ", \"policy\": [[\"like\", \".id\", 1]]}",
                    wellFormed[..^1] + ", \"policy\": [[\"==\", \".x\", {\"$decimal\": \"1.5\"}]]}", wellFormed[..^1] + ", \"policy\": \"all\"}",
                    wellFormed[..^1] + $", \"notBefore\": {expires + 10}}}"));
                d.Reject("a scope or policy that does not hold together");
                d.Family = "issue-token/bad-scope";
                break;
            default:
                d.Body = Utf8(wellFormed[..^1] + Pick(", \"extra\": 1}", ", \"Audience\": \"x\"}", ", \"audience\": \"" + OtherReplica + "\"}"));
                d.Reject("an unknown or repeated member");
                d.Family = "issue-token/members";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private void HoldTokenRequest(Draft d)
    {
        d.Method = "PUT";
        var (cid, token) = Spare();
        string other = TokenCid(d, out bool validCid);
        bool matches = validCid && Chance(0.7);
        d.Path = $"/v1/tokens/{(matches ? cid : other)}";
        matches = d.Path.EndsWith("/" + cid, StringComparison.Ordinal);
        d.ContentType = "application/json";
        switch (_rng.Next(5))
        {
            case 0 or 1:
                d.Body = Utf8($$"""{"token": "{{token}}"}""");
                if (!matches) d.Reject("the token's CID is another");
                d.Family = matches ? "hold-token/well-formed" : "hold-token/other-cid";
                break;
            case 2:
                d.Body = Utf8($$"""{"token": "{{Pick("", "glhA", "not*base64", token[..^4], token + "AAAA", Flip(token), new string('g', _rng.Next(100, 100_000)))}}"}""");
                d.Reject("not a delegation");
                d.Family = "hold-token/bad-token";
                break;
            case 3:
                d.Body = Utf8(Pick("{}", "[]", "{\"token\": 1}", "{\"token\": null}", $$"""{"token": "{{token}}", "x": 1}""", "{\"token\": \"a\", \"token\": \"b\"}"));
                d.Reject("not a hold request's shape");
                d.Family = "hold-token/shape";
                break;
            default:
                (d.Body, string broken) = Break($$"""{"token": "{{token}}"}""");
                d.Reject("not JSON");
                d.Family = "hold-token/broken-json-" + broken;
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private void GetTokenRequest(Draft d)
    {
        d.Path = $"/v1/tokens/{TokenCid(d, out _)}";
        d.Family = "get-token";
        if (Chance(0.2)) BodyOnRead(d);
    }

    private void RevokeTokenRequest(Draft d)
    {
        d.Method = "POST";
        // Only spare or unknown CIDs: revoking a link of the run's read-only session would change what later requests get.
        d.Path = $"/v1/tokens/{TokenCid(d, out _)}/revoke";
        d.Family = "revoke-token";
        if (Chance(0.3))
        {
            d.Authorization = "Bearer " + _reader;
            d.ForbidAdmin = true; // keep the read token: no valid spelling of the admin's instead
            d.Reject("the read token is neither the owner nor an issuer");
            if (d.Why.Count == 1) d.ExpectStatus = 403;
            d.Family += "/read-token";
        }
        if (Chance(0.2)) { d.Body = Utf8("{\"why\": \"lost\"}"); d.ContentType = "application/json"; }
    }

    private void UnknownRouteRequest(Draft d)
    {
        d.Mapped = false;
        d.Family = "unknown-route";
        d.Method = Pick("GET", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
        d.Path = Pick(
            "/", "/v1", "/v1/", "/v2/status", "/v1/statuses", "/v1/dbs/target/docs", "/v1/dbs/target/docs/items/d1/history/x",
            "/v1/dbs/target/query", "/v1/dbs/target/schema/x", "/v1/dbs/target/replicate/x", "/v1/dbs/target/peers/s1/x", "/v1/tokens/x/y",
            "/v1/dbs/target/sync/x",
            "/v1/dbs/target/functions/f/x", "/v1/dbs/target/functions/fz_echo/call/x", "/v1/dbs/target/function-limits/x", "/v1/dbs/target/docs/items/d1/x/y/z", "/v1/%01",
            "/v1/dbs/target/commits", "/v1/dbs/target/changes/x", "/v1/dbs/target/verify/x", "/v1/dbs/target/tx/x",
            "/.env", "/%2e%2e/%2e%2e/etc/passwd", "/v1/dbs//docs/items/d1", "/v1/dbs/target/docs//d1", "/v1/dbs/target//items/d1",
            "/v1/dbs/target/doc/items/d1", "/v1/db/target", "/" + new string('x', 5000), "/v1/" + Escape("数据库"), "/v1/dbs/target/docs/items/d1/history/",
            "/%F0%9F%98%80", "/v1/%FF%FE");
        if (d.Path == "/v1/dbs/target/docs/items/d1/history/" && d.Method == "GET") { d.Mapped = true; d.Family = "unknown-route/trailing-slash"; }
        else d.Reject("no such route");
        if (Chance(0.3)) { d.Body = Utf8(Pick("{}", "{\"ops\": [{\"op\": \"delete\"}]}", "<xml/>")); d.ContentType = Pick("application/json", "application/xml"); }
    }

    private void WrongMethodRequest(Draft d)
    {
        d.Mapped = false;
        d.Family = "wrong-method";
        string cid = _state.Cids.Count > 0 ? _state.Cids[0] : "b";
        (d.Method, d.Path) = _rng.Next(25) switch
        {
            21 => ("POST", $"/v1/dbs/{Target}/functions/fz_echo"),
            22 => ("GET", $"/v1/dbs/{Target}/functions/fz_echo/call"),
            23 => ("DELETE", $"/v1/dbs/{Target}/function-limits"),
            24 => ("PATCH", $"/v1/dbs/{Target}/functions"),
            0 => ("POST", "/v1/status"),
            1 => ("PUT", "/v1/status"),
            2 => ("DELETE", "/v1/status"),
            3 => ("POST", "/v1/dbs"),
            4 => ("PATCH", $"/v1/dbs/{Target}"),
            5 => ("POST", $"/v1/dbs/{Target}"),
            6 => ("GET", $"/v1/dbs/{Target}/tx"),
            7 => ("PUT", $"/v1/dbs/{Target}/tx"),
            8 => ("POST", $"/v1/dbs/{Target}/docs/items/d1"),
            9 => ("PUT", $"/v1/dbs/{Target}/docs/items"),
            10 => ("GET", $"/v1/dbs/{Target}/docs/items"),
            11 => ("POST", $"/v1/dbs/{Target}/changes"),
            12 => ("DELETE", $"/v1/dbs/{Target}/verify"),
            13 => ("POST", $"/v1/dbs/{Target}/commits/{cid}"),
            14 => ("HEAD", "/v1/status"),
            15 => ("OPTIONS", "/v1/dbs"),
            16 => ("FOO", $"/v1/dbs/{Target}"),
            17 => ("TRACE", "/v1/status"),
            18 => ("PATCH", $"/v1/dbs/{Target}/docs/items/d1/history"),
            19 => ("PROPFIND", $"/v1/dbs/{Target}/docs/items/d1"),
            _ => ("DELETE", $"/v1/dbs/{Target}/changes"),
        };
        d.Reject("wrong method");
        d.ExpectStatus = 405;
        if (Chance(0.4))
        {
            d.Body = Utf8(Pick("{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {}}]}", "{}", "{\"n\": 1}"));
            d.ContentType = "application/json";
        }
    }

    // ------------------------------------------------------------------ stored functions

    /// <summary>The target's limits on calls: small, so that a spinning script costs a few milliseconds.</summary>
    public const string SeededLimits = """{ "timeoutMs": 200, "statements": 50000 }""";

    /// <summary>The target's functions, which the run calls and reads but never redefines or deletes:
    /// one that answers its argument, one that writes, and ones that always fail.</summary>
    public static readonly (string Name, string Definition)[] SeededFunctions =
    [
        ("fz_echo", """{ "source": "function (arg) { return arg; }", "role": [] }"""),
        ("fz_log", """{ "source": "function (arg) { db.put('fn_log', arg.id, { n: arg.n === undefined ? 0 : arg.n }); return arg.id; }", "role": [ { "cmd": "/doc/write", "collections": ["fn_log"] } ], "args": { "id": "string", "n": "integer?" } }"""),
        ("fz_spin", """{ "source": "function () { db.put('fn_log', 'spin', { a: 1 }); while (true) {} }", "role": [ { "cmd": "/doc" } ] }"""),
        ("fz_abort", """{ "source": "function () { db.put('fn_log', 'abort', { a: 1 }); abort('closed', 'Closed.'); }", "role": [ { "cmd": "/doc" } ] }"""),
        ("fz_throw", """{ "source": "function () { db.put('fn_log', 'throw', { a: 1 }); throw { a: 1 }; }", "role": [ { "cmd": "/doc" } ] }"""),
    ];

    /// <summary>Seeded functions that fail whatever their argument.</summary>
    private static readonly string[] FailingFunctions = ["fz_spin", "fz_abort", "fz_throw"];

    /// <summary>Names the run defines and deletes as it goes.</summary>
    private static readonly string[] ScratchFunctions = ["fz_def0", "fz_def1", "fz_def2"];

    /// <summary>Sources of valid definitions: most misbehave when called, none escapes the limits.</summary>
    private static readonly string[] ScratchSources =
    [
        "function (arg) { return arg; }", "async function (arg) { return [arg, Date.now(), Math.random()]; }", "function () { while (true) {} }",
        "function f() { return f(); }", "function () { throw null; }", "function () { throw { a: 1 }; }", "function () { return new Promise(() => {}); }",
        "function () { const a = {}; a.a = a; return a; }", "function () { return eval('1'); }", "function () { return this.constructor.constructor('return process')(); }",
        "function () { return /(a+)+$/.test('a'.repeat(30) + '!'); }", "function () { return 'x'.repeat(2000000); }", "function () { abort('no', 'No.'); }",
        "function () { const a = []; for (;;) a.push('x' + a.length); }", "function () { return new ArrayBuffer(2e9); }", "function () { return importNamespace('System'); }",
        "function (arg) { db.put('fn_log', 'g', { v: arg }); return db.get('fn_log', 'g'); }", "function () { return db.query({ collection: 'items', limit: 2 }).docs.length; }",
        "function () { db.put('items', 'd1', { n: 0 }); }", "function () { return '" + EmojiRunJson + "'; }", "(function () { return () => 1; })()",
    ];

    private static readonly string[] ValidRoles =
    [
        "[]", """[ { "cmd": "/doc" } ]""", """[ { "cmd": "/doc/write", "collections": ["fn_log"] } ]""",
        """[ { "cmd": "/doc/read", "collections": ["items"] }, { "cmd": "/doc/write", "collections": ["fn_log"] } ]""", """[ { "cmd": "/doc/delete", "collections": null } ]""",
    ];

    /// <summary>A function name for a path: <paramref name="names"/> mostly, "nope" (which is never
    /// defined) unless <paramref name="defining"/>, or a bad one (a sure rejection).</summary>
    private string FunctionSegment(Draft d, string[] names, bool defining = false)
    {
        double roll = _rng.NextDouble();
        if (roll < 0.82) return Pick(names);
        if (roll < 0.88) return defining ? Pick(names) : "nope";
        d.Reject("bad function name");
        return Pick("9lives", "a%20b", "-x", ".x", new string('f', 129), new string('f', _rng.Next(1000, 5000)), Escape("función"), "a%2Fb", Escape(EmojiRun), "a:b", "a@b", "x%01", "%FF", "a%3Fb");
    }

    /// <summary>The database part of a function path: the target mostly. Functions exist only where the run defines them.</summary>
    private string FunctionDatabase(Draft d, double targetShare = 0.85)
    {
        var (segment, valid, isTarget) = Database(targetShare, scratchShare: 0.05);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.TouchesTarget = isTarget;
        return segment;
    }

    private void PutFunctionRequest(Draft d)
    {
        d.Method = "PUT";
        d.ContentType = "application/json";
        string segment = FunctionDatabase(d, targetShare: 0.92);
        string name = FunctionSegment(d, ScratchFunctions, defining: true);
        d.Path = $"/v1/dbs/{segment}/functions/{name}";
        static string Body(string source, string role, string? args = null)
            => $$"""{ "source": {{JsonSerializer.Serialize(source)}}, "role": {{role}}{{(args is null ? "" : $", \"args\": {args}")}} }""";
        string wellFormed = Body(Pick(ScratchSources), Pick(ValidRoles), Chance(0.3) ? Pick("""{ "a": "string" }""", """{ "n": "integer?", "o": "object?" }""", "{}") : null);
        switch (_rng.Next(12))
        {
            case 0 or 1 or 2:
                d.Body = Utf8(wellFormed);
                d.Family = "define/valid";
                break;
            case 3:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "define/broken-json-" + broken;
                break;
            case 4:
                d.Body = Utf8(Pick("[]", "null", "1", "\"function () {}\"", "{}", """{ "source": 1, "role": [] }""", """{ "source": "function () {}" }""", """{ "role": [] }""",
                    """{ "source": "function () {}", "role": {} }""", """{ "source": "function () {}", "role": [], "extra": 1 }""", """{ "source": null, "role": [] }""",
                    """{ "source": "function () {}", "role": [], "args": [] }""", """{ "source": "function () {}", "role": "all" }"""));
                d.Reject("not a definition's shape");
                d.Family = "define/shape";
                break;
            case 5:
                d.Body = Utf8(Body("function () {}", Pick("""[ { "cmd": "/db/admin" } ]""", """[ { "cmd": "/" } ]""", """[ { "cmd": "doc" } ]""", """[ { "cmd": "/doc", "collections": [] } ]""",
                    """[ { "cmd": "/doc", "collections": ["_functions"] } ]""", """[ { "cmd": "/doc", "collections": ["bad name"] } ]""", """[ { "cmd": "/doc", "x": 1 } ]""",
                    """[ { "cmd": 1 } ]""", """[ "/doc" ]""", """[ { "cmd": "/doc", "collections": [1] } ]""",
                    "[" + string.Join(", ", Enumerable.Repeat("""{ "cmd": "/doc" }""", 65)) + "]")));
                d.Reject("a role a function cannot have");
                d.Family = "define/bad-role";
                break;
            case 6:
                d.Body = Utf8(Body("function () {}", "[]", Pick("""{ "a": "text" }""", """{ "a": 1 }""", """{ "a": "string??" }""", "\"string\"", """{ "": "string" }""",
                    "{" + string.Join(", ", Enumerable.Range(0, 65).Select(i => $"\"a{i}\": \"any\"")) + "}")));
                d.Reject("an argument shape that is not one");
                d.Family = "define/bad-args";
                break;
            case 7:
                d.Body = Utf8(Body(Pick("function (", "function () { return ; ) }", "}", "return 1", "42", "'text'", "null", "function () {} function () {}",
                    "(function () { while (true) {} })()", "await 1", "function () { with ({}) {} }", "\u0000", "function () { return 1 }; 2"), "[]"));
                d.Reject("a source that does not compile or give a function");
                d.Family = "define/bad-source";
                break;
            case 8:
                d.Body = Utf8(Body(Pick(
                    "function () { return " + new string('[', 100_000) + new string(']', 100_000) + "; }",
                    "function () { return " + new string('!', 100_000) + "1; }",
                    "function () { return " + string.Join("+", Enumerable.Repeat("1", 60_000)) + "; }",
                    "function () { return 1; }" + new string(' ', FunctionDefinition.MaxSourceLength)), "[]"));
                d.Reject("a source nested too deep or too long");
                d.Family = "define/deep-or-long-source";
                break;
            case 9:
                // Escapes in the JSON text: a lone surrogate is refused, a NUL in a string is just a character.
                bool lone = Chance(0.5);
                d.Body = Utf8(Body("function () { return 1; }", "[]").Replace("return 1", lone ? "return '\\ud800'" : "return '1\\u0000'"));
                if (lone) d.Reject("a lone surrogate");
                d.Family = lone ? "define/lone-surrogate" : "define/nul-in-string";
                break;
            case 10:
                d.Body = Utf8(Body(Pick(ScratchSources), """[ { "cmd": "/doc", "collections": null } ]""", "null"));
                d.Family = "define/nulls";
                break;
            default:
                d.Body = Utf8(Body("function (arg) { return '" + HugeUnicode(_rng.Next(10, 20_000)) + "'; }", "[]"));
                d.Family = "define/unicode-source";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    private void GetFunctionRequest(Draft d)
    {
        string segment = FunctionDatabase(d);
        string name = FunctionSegment(d, [.. SeededFunctions.Select(f => f.Name), .. ScratchFunctions]);
        d.Path = $"/v1/dbs/{segment}/functions/{name}";
        d.Family = "get-function";
        // Seeded functions exist on the target alone; scratch ones may be defined anywhere the run put them.
        if (name == "nope" || (!d.TouchesTarget && !ScratchFunctions.Contains(name))) d.Reject("no such function");
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void ListFunctionsRequest(Draft d)
    {
        string segment = FunctionDatabase(d);
        d.Path = Pick($"/v1/dbs/{segment}/functions", $"/v1/dbs/{segment}/functions/");
        d.Family = "list-functions";
        if (Chance(0.2)) BodyOnRead(d);
        if (Chance(0.2)) d.Query = GarbageQuery();
    }

    private void DeleteFunctionRequest(Draft d)
    {
        d.Method = "DELETE";
        string segment = FunctionDatabase(d);
        // Scratch names only: the seeded functions stay for the calls.
        string name = FunctionSegment(d, ScratchFunctions);
        d.Path = $"/v1/dbs/{segment}/functions/{name}";
        d.Family = "delete-function";
        if (name == "nope") d.Reject("no such function");
        if (Chance(0.1)) { d.Body = Utf8("{}"); d.ContentType = "application/json"; d.Family += "/body"; }
    }

    private void CallFunctionRequest(Draft d)
    {
        d.Method = "POST";
        d.ContentType = "application/json";
        string segment = FunctionDatabase(d);
        string name = FunctionSegment(d, [.. SeededFunctions.Select(f => f.Name), .. ScratchFunctions]);
        d.Path = $"/v1/dbs/{segment}/functions/{name}/call";
        if (name == "nope" || (!d.TouchesTarget && !ScratchFunctions.Contains(name))) d.Reject("no such function");
        if (FailingFunctions.Contains(name)) d.Reject("a function that always fails");
        bool logs = d.TouchesTarget && name == "fz_log", echoes = d.TouchesTarget && name == "fz_echo";
        string wellFormed = name == "fz_log"
            ? $$"""{ "id": "{{Pick("l1", "l2", "l-" + _rng.Next(100))}}"{{(Chance(0.5) ? $", \"n\": {_rng.Next(-5, 100)}" : "")}} }"""
            : ValidDoc();
        switch (_rng.Next(12))
        {
            case 0 or 1 or 2:
                d.Body = Utf8(name == "fz_echo" && Chance(0.4) ? Pick("1", "\"s\"", "[1, {\"a\": null}]", "true", "null", "-0.5", "{}") : wellFormed);
                d.Family = "call/well-formed";
                break;
            case 3:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "call/broken-json-" + broken;
                break;
            case 4:
                d.Body = Utf8(Pick("""{ "id": 5 }""", """{ "n": 1 }""", """{ "id": "x", "extra": 1 }""", "[]", "\"x\"", "null", """{ "id": null }""", """{ "id": "x", "n": 1.5 }""", """{ "id": "x", "n": "1" }"""));
                if (logs) d.Reject("an argument that does not fit the shape");
                d.Family = "call/shape";
                break;
            case 5:
                // No body at all, without (or with) a content type: the argument is null.
                d.Body = Chance(0.5) ? null : [];
                if (Chance(0.5)) d.ContentType = null;
                if (logs) d.Reject("a null argument where an object is needed");
                d.Family = "call/no-body";
                break;
            case 6:
            {
                var (value, bad, family) = HostileValue(fieldNames: false);
                bool bare = Chance(0.5);
                d.Body = bare ? value : Bytes("{ \"id\": ", value, " }");
                if (bad) d.Reject("not a value");
                else if (logs && bare) d.Reject("an argument that does not fit the shape");
                d.Family = "call/value/" + family;
                break;
            }
            case 7:
                d.Body = Utf8(Deep(Pick(65, 1_000, 10_000), closed: Chance(0.8)));
                d.Reject("nested deeper than 64");
                d.Family = "call/deep";
                break;
            case 8:
                // Over the result limit when echoed; never the shape fz_log takes.
                d.Body = Utf8("\"" + new string('a', _rng.Next(1_100_000, 1_500_000)) + "\"");
                if (echoes || logs) d.Reject(echoes ? "a result over the limit" : "an argument that does not fit the shape");
                d.Family = "call/huge";
                break;
            case 9:
                d.Body = Utf8(Pick("""{ "v": { "$decimal": "1.50" } }""", """{ "v": { "$time": "2026-01-02T03:04:05Z" } }""", """{ "v": { "$bytes": "AAEC" } }"""));
                if (logs) d.Reject("an argument that does not fit the shape");
                d.Family = "call/typed-value";
                break;
            case 10:
                d.Body = Utf8(Pick("""{ "v": { "$decimal": "abc" } }""", """{ "v": { "$time": 5 } }""", """{ "v": { "$what": "" } }""", """{ "v": 1e400 }""", """{ "v": 9223372036854775808 }"""));
                d.Reject("a bad typed value or number");
                d.Family = "call/bad-typed-value";
                break;
            default:
                d.Body = Utf8(wellFormed);
                d.Family = "call/well-formed";
                break;
        }
        if (Chance(0.3))
        {
            if (Chance(0.6))
            {
                d.Headers.Add(("Idempotency-Key", Pick("k1", "k2", "key-" + _rng.Next(20), "a:b@c.d")));
                d.Family += "+idempotency-key";
            }
            else
            {
                d.Headers.Add(("Idempotency-Key", Pick("has space", new string('k', 257), "a/b", "k1, k2", "key?x", "a\\b")));
                if (Chance(0.3)) d.Headers.Add(("Idempotency-Key", "k3"));
                d.Reject("not an idempotency key");
                d.Family += "+bad-idempotency-key";
            }
        }
        if (Chance(0.1))
        {
            d.Query = Pick("?values=plain", "?values=typed", "?values=odd", "?values=");
            if (d.Query is "?values=odd" or "?values=") d.Reject("a 'values' that is neither typed nor plain");
        }
        // A request without a body needs no content type; one with a body does.
        if (d.Body is { Length: > 0 }) ContentTypeMutation(d, 0.1);
    }

    private void GetFunctionLimitsRequest(Draft d)
    {
        string segment = FunctionDatabase(d);
        d.Path = $"/v1/dbs/{segment}/function-limits";
        d.Family = "function-limits";
        if (Chance(0.2))
        {
            d.Authorization = "Bearer " + _reader;
            d.ForbidAdmin = true;
            d.Reject("the read token is not the database's admin");
            if (d.NamesValid) d.ExpectStatus = 403;
            d.Family += "/read-token";
        }
        if (Chance(0.2)) BodyOnRead(d);
    }

    private void PutFunctionLimitsRequest(Draft d)
    {
        d.Method = "PUT";
        d.ContentType = "application/json";
        string segment = FunctionDatabase(d);
        // Limits are this server's setting, not a commit: the target's heads must not move.
        d.TouchesTarget = false;
        d.Path = $"/v1/dbs/{segment}/function-limits";
        // Every valid body keeps calls short (they stop within a few hundred milliseconds), and never
        // raises the result limit above the default, so huge echoes stay refused.
        var members = new List<string> { $"\"timeoutMs\": {_rng.Next(20, 300)}", $"\"statements\": {_rng.Next(1_000, 100_000)}" };
        if (Chance(0.5)) members.Add($"\"recursionDepth\": {_rng.Next(8, 300)}");
        if (Chance(0.5)) members.Add($"\"memoryBytes\": {_rng.Next(1 << 20, 64 << 20)}");
        if (Chance(0.3)) members.Add($"\"arrayLength\": {_rng.Next(100, 200_000)}");
        if (Chance(0.3)) members.Add($"\"regexTimeoutMs\": {_rng.Next(5, 200)}");
        if (Chance(0.3)) members.Add($"\"resultBytes\": {_rng.Next(100, 1_048_577)}");
        if (Chance(0.3)) members.Add($"\"idempotencyHours\": {_rng.Next(1, 48)}");
        string wellFormed = "{ " + string.Join(", ", members) + " }";
        switch (_rng.Next(6))
        {
            case 0 or 1:
                d.Body = Utf8(wellFormed);
                d.Family = "put-function-limits/valid";
                break;
            case 2:
                (d.Body, string broken) = Break(wellFormed);
                d.Reject("not JSON");
                d.Family = "put-function-limits/broken-json-" + broken;
                break;
            case 3:
                d.Body = Utf8(wellFormed[..^1] + Pick(", \"nope\": 1 }", ", \"TimeoutMs\": 1 }", ", \"\": 1 }"));
                d.Reject("a limit there is not");
                d.Family = "put-function-limits/unknown-member";
                break;
            case 4:
                d.Body = Utf8(wellFormed.Replace(members[0], "\"timeoutMs\": " + Pick("-1", "0", "\"100\"", "null", "600000", "1e300", "true", "[]", "{}")));
                d.Reject("a limit out of range or not a number");
                d.Family = "put-function-limits/bad-value";
                break;
            default:
                d.Body = Utf8(Pick("[]", "1", "null", "\"x\"", "[{\"timeoutMs\": 100}]"));
                d.Reject("limits are an object");
                d.Family = "put-function-limits/shape";
                break;
        }
        ContentTypeMutation(d, 0.1);
    }

    // ------------------------------------------------------------------ names and paths

    /// <summary>A database segment for a path: the target, a scratch database, one that does not exist, or a bad name.</summary>
    private (string Segment, bool Valid, bool IsTarget) Database(double targetShare, double scratchShare)
    {
        double roll = _rng.NextDouble();
        if (roll < targetShare) return (Target, true, true);
        if (roll < targetShare + scratchShare) return (Pick(ScratchDatabases), true, false);
        if (roll < targetShare + scratchShare + 0.05) return (Pick("nope", "target.none", "zz-1", "a.b", "x" + new string('y', 63)), true, false);
        string bad = _rng.Next(23) switch
        {
            22 => Escape(EmojiRun),
            0 => "Target",
            1 => "tar%20get",
            2 => "a..b",
            3 => ".target",
            4 => "target.",
            5 => new string('a', 65),
            6 => "a.b.c.d.e.f.g.h.i",
            7 => "target%2Fx",
            8 => "%2E%2E",
            9 => Escape("tärget"),
            10 => Escape("数据库"),
            11 => "%F0%9F%98%80",
            12 => "target%01",
            13 => "target;x",
            14 => "%FF",
            15 => "%ED%A0%80",
            16 => new string('b', _rng.Next(300, 5000)),
            17 => "target%0A",
            18 => "t*",
            19 => Escape("target\u200b"),
            20 => "target.%2E",
            _ => "TARGET",
        };
        return (bad, false, false);
    }

    /// <summary>Fills a write to a database's <paramref name="route"/> with a body of <paramref name="contentType"/>,
    /// on the target mostly; a bad database name makes it a sure rejection.</summary>
    private (bool Valid, bool IsTarget) WriteTo(Draft d, string method, string route, string contentType, double targetShare = 0.8, double scratchShare = 0.1)
    {
        var (segment, valid, isTarget) = Database(targetShare, scratchShare);
        d.NamesValid = valid;
        if (!valid) d.Reject("bad database name");
        d.Method = method;
        d.Path = $"/v1/dbs/{segment}/{route}";
        d.ContentType = contentType;
        d.TouchesTarget = isTarget;
        return (valid, isTarget);
    }

    /// <summary>System.Uri resolves "%2E%2E" segments before sending, so such a request lands on another
    /// route: a shorter one, which for a read may well exist (".../docs/%2E%2E/%2E%2E" is GET /v1/dbs/).</summary>
    private static void NoteDotSegments(Draft d)
    {
        if (!d.Path.Contains("/%2E%2E", StringComparison.Ordinal)) return;
        d.Mapped = false;
        if (d.ExpectStatus == 413) d.ExpectStatus = null;
        if (d.Method == "GET")
        {
            d.MustReject = false;
            d.Why.Add("a read that may land on another route");
        }
    }

    /// <summary>Whatever the generator does, never send a working DELETE of the target itself.</summary>
    private void NeverDropTheTarget(Draft d)
    {
        if (d.Method != "DELETE") return;
        string resolved = new Uri("http://localhost" + d.Path).AbsolutePath.TrimEnd('/');
        if (!resolved.Equals($"/v1/dbs/{Target}", StringComparison.Ordinal)) return;
        if (d.Authorization is { } auth && auth.Trim().EndsWith(_admin, StringComparison.Ordinal) && auth.Trim().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            d.Authorization = "Bearer " + _reader;
            d.Reject("a read token may not drop");
        }
    }

    /// <summary>Fills the path of a document endpoint; bad collection names and ids make the request a sure rejection.</summary>
    private void DocPath(Draft d, bool withId, bool deleting = false)
    {
        var (segment, valid, target) = Database(targetShare: 0.86, scratchShare: 0.02);
        d.NamesValid = valid;
        d.TouchesTarget = target;
        if (!valid) d.Reject("bad database name");
        string collection;
        if (Chance(0.86)) collection = Pick("items", "items", "items", "orders", "new_coll", "A-b_9");
        else
        {
            d.Reject("bad collection name");
            collection = _rng.Next(14) switch
            {
                13 => Escape(EmojiRun),
                0 => "a.b",
                1 => "a%20b",
                2 => new string('c', 65),
                3 => "col%2Fx",
                4 => "%2E%2E",
                5 => Escape("kölle"),
                6 => "%24x",
                7 => "a:b",
                8 => "a@b",
                9 => "%7F",
                10 => "x%FF",
                11 => Escape("😀"),
                _ => new string('c', _rng.Next(1000, 10_000)),
            };
        }
        string path = $"/v1/dbs/{segment}/docs/{collection}";
        if (withId)
        {
            string id;
            double roll = _rng.NextDouble();
            if (roll < 0.6) id = deleting && Chance(0.85) ? $"t{_rng.Next(100)}" : $"d{_rng.Next(1, SeededDocuments + 1)}";
            else if (roll < 0.72) id = $"n{_rng.Next(1000)}";
            else if (roll < 0.8) id = Pick("%2E%2E", "a:b@c", "-", "_", "A.B", new string('i', 256), "o-1", "a.b.c");
            else
            {
                d.Reject("bad document id");
                id = _rng.Next(12) switch
                {
                    11 => Escape(EmojiRun),
                    0 => new string('i', 257),
                    1 => "a%2Fb",
                    2 => "a%20b",
                    3 => Escape("é"),
                    4 => Escape("😀"),
                    5 => "a%23b",
                    6 => "a%3Fb",
                    7 => "a+b",
                    8 => "a%01",
                    9 => "a%FFb",
                    _ => new string('i', _rng.Next(1000, 20_000)),
                };
            }
            path += "/" + id;
        }
        d.Path = path;
        NoteDotSegments(d);
    }

    private static readonly string[] BadFieldNames =
    [
        "", ".", "a.", ".a", "a..b", "$x", "a.$x", "_top", "_", "__proto__x", "a\\u0001b", "a\\nb", "a\\u007fb", "a\\u0085b", "\\u0000",
        "a\\u0000b", "$decimal", "a.\\t", "$" + EmojiRun, "a.." + EmojiRunJson,
    ];

    private static readonly string[] OddButValidFieldNames =
    [
        "a._x", "é", "😀", "a b", "\\u200b", "\\uffff", "\\ud83d\\ude00", "a-b", "constructor", "__proto__", "toString", "0", "-1", "a.0.b",
    ];

    /// <summary>A field path (as JSON string content): bad for sure, or odd but valid.</summary>
    private (string Text, bool Bad) FieldPath()
    {
        double roll = _rng.NextDouble();
        if (roll < 0.55) return (Pick(BadFieldNames), true);
        if (roll < 0.65) return (new string('f', 300), true);
        if (roll < 0.72) return (string.Join('.', Enumerable.Repeat("a", 33)), true);
        if (roll < 0.76) return (new string('f', 256), false);
        return (Pick(OddButValidFieldNames), false);
    }

    // ------------------------------------------------------------------ bodies

    private void DocumentBody(Draft d)
    {
        d.ContentType = "application/json";
        int roll = _rng.Next(100);
        if (roll < 8)
        {
            d.Family = "doc/valid";
            d.Body = Utf8(ValidDoc());
        }
        else if (roll < 33)
        {
            var (body, family) = Break(ValidDoc());
            d.Body = body;
            d.Family = "doc/broken-json/" + family;
            d.Reject("broken JSON");
        }
        else if (roll < 40)
        {
            int depth = Pick(65, 100, 1_000, 10_000);
            d.Body = Utf8("{\"v\": " + Deep(depth, closed: Chance(0.8)) + "}");
            d.Family = "doc/deep";
            d.Reject("nested deeper than 64");
        }
        else if (roll < 48)
        {
            HugeDocument(d);
        }
        else if (roll < 58)
        {
            var (name, bad) = FieldPath();
            bool nested = Chance(0.3);
            string key = name;
            d.Body = Utf8(nested ? $"{{\"outer\": {{\"{key}\": 1}}}}" : $"{{\"{key}\": 1, \"n\": 2}}");
            d.Family = bad ? "doc/bad-key" : "doc/odd-key";
            // Under the top level, '_x' is allowed; every other bad name stays bad.
            if (bad && !(nested && key is "_top" or "_" or "__proto__x")) d.Reject("bad field name");
        }
        else if (roll < 63)
        {
            var (text, bad) = Pick(
                ("{\"v\": {\"$decimal\": \"abc\"}}", true), ("{\"v\": {\"$decimal\": 1.5}}", true), ("{\"v\": {\"$time\": 5}}", true),
                ("{\"v\": {\"$time\": \"yesterday\"}}", true), ("{\"v\": {\"$time\": \"2026-01-02\"}}", true), ("{\"v\": {\"$bytes\": \"!!\"}}", true),
                ("{\"v\": {\"$unknown\": \"x\"}}", true), ("{\"v\": {\"$decimal\": \"" + EmojiRun + "\"}}", true), ("{\"v\": {\"$" + EmojiRun + "\": \"x\"}}", true), ("{\"v\": {\"$decimal\": \"1" + new string('0', 400) + "\"}}", true),
                ("{\"v\": {\"$decimal\": \"1.50\"}}", false), ("{\"v\": {\"$time\": \"2026-01-02T03:04:05Z\"}}", false), ("{\"v\": {\"$bytes\": \"AAEC\"}}", false),
                ("{\"v\": {\"$decimal\": \"1.5\", \"x\": 1}}", true), ("{\"v\": {\"$time\": \"9999-12-31T23:59:59-14:00\"}}", false),
                ("{\"$decimal\": \"1\"}", true), ("{\"v\": {\"$bytes\": \"" + new string('A', 4001) + "\"}}", true));
            d.Body = Utf8(text);
            d.Family = bad ? "doc/bad-typed-value" : "doc/typed-value";
            if (bad) d.Reject("bad typed value");
        }
        else if (roll < 69)
        {
            d.Body = Utf8(Pick("[]", "[1,2]", "1", "\"s\"", "null", "true", "[{\"n\": 1}]", "-0", "1e400"));
            d.Family = "doc/not-an-object";
            d.Reject("a document is an object");
        }
        else if (roll < 78)
        {
            UnicodeDocument(d);
        }
        else if (roll < 82)
        {
            d.Body = Utf8(Pick("", " ", "\n\t", "\r\n"));
            d.Family = "doc/empty";
            d.Reject("empty body");
        }
        else if (roll < 90)
        {
            var (value, bad, family) = HostileNumber();
            d.Body = Utf8($"{{\"v\": {value}, \"n\": 1}}");
            d.Family = "doc/number/" + family;
            if (bad) d.Reject("not a number JSON allows or one out of range");
        }
        else if (roll < 95)
        {
            d.Body = Utf8(Pick("{\"n\": 1, \"n\": 2}", "{\"a\": {\"b\": 1, \"b\": {\"c\": 2}}}", "{\"_id\": \"other\", \"n\": 1}", "{\"_meta\": {\"commit\": \"x\"}, \"_collection\": \"zz\"}",
                "{}", "{\"a\": [[], {}, [[]], null]}", "{\"a\": " + Deep(40, closed: true) + "}"));
            d.Family = "doc/subtle";
        }
        else
        {
            d.Body = Utf8(ValidDoc());
            d.Family = "doc/valid";
        }
        ContentTypeMutation(d, 0.12);
    }

    private void HugeDocument(Draft d)
    {
        bool huge = _hugeBudget > 0 && Chance(0.08);
        if (huge) _hugeBudget--;
        if (_oversizeBudget > 0 && Chance(0.03))
        {
            _oversizeBudget--;
            d.Body = Utf8("{\"v\": \"" + new string('a', 21 << 20) + "\"}");
            d.Family = "doc/huge/over-limit";
            if (Chance(0.5)) { d.UnknownLength = true; d.Family += "+no-length"; }
            // Only on the target, which surely exists (a scratch database may be absent: 404 comes first).
            if (d.TouchesTarget && d.Mapped && !d.MustReject) d.ExpectStatus = 413;
            d.Reject("over the 20 MB limit");
            return;
        }
        int size = huge ? _rng.Next(1 << 20, 3 << 20) : _rng.Next(1_000, 200_000);
        switch (_rng.Next(6))
        {
            case 0:
                d.Body = Utf8("{\"" + new string('k', size) + "\": 1}");
                d.Family = "doc/huge/key";
                d.Reject("field name over 256 characters");
                break;
            case 1:
                d.Body = Utf8("{\"v\": \"" + new string('a', size) + "\"");
                d.Family = "doc/huge/string-truncated";
                d.Reject("unbalanced");
                break;
            case 2:
                d.Body = Utf8("{\"v\": \"" + HugeUnicode(size / 4) + "\"} x");
                d.Family = "doc/huge/unicode-trailing-garbage";
                d.Reject("trailing garbage");
                break;
            case 3:
                d.Body = Utf8("{\"v\": " + new string('9', Math.Min(size, 500_000)) + "}");
                d.Family = "doc/huge/number";
                d.Reject("a number out of range");
                break;
            case 4:
                d.Body = Utf8("{\"v\": [" + string.Join(",", Enumerable.Repeat("1e400", Math.Min(size / 6, 100_000))) + "]}");
                d.Family = "doc/huge/array-of-1e400";
                d.Reject("numbers out of range");
                break;
            default:
                // Big but valid: a large value is allowed.
                d.Body = Utf8("{\"v\": \"" + new string('a', huge ? size / 3 : size) + "\"}");
                d.Family = "doc/huge/valid";
                break;
        }
    }

    private void UnicodeDocument(Draft d)
    {
        switch (_rng.Next(12))
        {
            case 0: d.Body = Utf8("{\"v\": \"\\ud800\"}"); d.Reject("lone surrogate"); d.Family = "doc/unicode/lone-high"; break;
            case 1: d.Body = Utf8("{\"v\": \"x\\udc00y\"}"); d.Reject("lone surrogate"); d.Family = "doc/unicode/lone-low"; break;
            case 2: d.Body = Utf8("{\"\\ud800\": 1}"); d.Reject("lone surrogate in a key"); d.Family = "doc/unicode/lone-key"; break;
            case 3: d.Body = Bytes("{\"v\": \"a", new byte[] { 0xFF }, "b\"}"); d.Reject("invalid UTF-8"); d.Family = "doc/unicode/invalid-utf8"; break;
            case 4: d.Body = Bytes("{\"v\": \"", new byte[] { 0xC0, 0x80 }, "\"}"); d.Reject("overlong UTF-8"); d.Family = "doc/unicode/overlong"; break;
            case 5: d.Body = Bytes("{\"v\": \"", new byte[] { 0xED, 0xA0, 0x80 }, "\"}"); d.Reject("encoded surrogate"); d.Family = "doc/unicode/encoded-surrogate"; break;
            case 6: d.Body = Bytes("{\"", new byte[] { 0xE2, 0x82 }, "\": 1}"); d.Reject("truncated UTF-8 in a key"); d.Family = "doc/unicode/truncated-key"; break;
            case 7: d.Body = Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, ValidDoc()); d.Family = "doc/unicode/bom"; break;
            case 8: d.Body = System.Text.Encoding.Unicode.GetBytes(ValidDoc()); d.ContentType = "application/json; charset=utf-16"; d.Reject("UTF-16 body"); d.Family = "doc/unicode/utf16"; break;
            case 9: d.Body = Utf8("{\"v\": \"\\u0000\\uffff\\ufeff\\u202e\\ud83d\\ude00\", \"\\u202e\": 1, \"😀\": \"é\"}"); d.Family = "doc/unicode/valid-edge"; break;
            case 10: d.Body = Bytes("{\"v\": \"a", new byte[] { 0x01 }, "\"}"); d.Reject("raw control character"); d.Family = "doc/unicode/raw-control"; break;
            default: d.Body = Bytes("{\"v", new byte[] { 0xF4, 0x90, 0x80, 0x80 }, "\": 1}"); d.Reject("code point above U+10FFFF"); d.Family = "doc/unicode/beyond-10ffff"; break;
        }
    }

    private void PatchBody(Draft d)
    {
        d.ContentType = "application/json";
        int roll = _rng.Next(100);
        if (roll < 10)
        {
            d.Family = "patch/valid";
            d.Body = Utf8($"{{\"ops\": [{ValidFieldOp()}]}}");
        }
        else if (roll < 28)
        {
            var (body, family) = Break($"{{\"ops\": [{ValidFieldOp()}, {ValidFieldOp()}]}}");
            d.Body = body;
            d.Family = "patch/broken-json/" + family;
            d.Reject("broken JSON");
        }
        else if (roll < 38)
        {
            var (text, bad) = Pick(
                ($"{{\"ops\": [{ValidFieldOp()}], \"extra\": 1}}", true),
                ($"{{\"ops\": [{ValidFieldOp()}], \"ops2\": []}}", true),
                ("{\"ops\": [{\"op\": \"set\", \"path\": \"n\", \"value\": 1, \"by\": 2}]}", true),
                ("{\"ops\": [{\"op\": \"unset\", \"path\": \"s\", \"value\": 1}]}", true),
                ("{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": 1, \"value\": 1}]}", true),
                ("{\"ops\": [{\"op\": \"enable\", \"path\": \"flag\", \"when\": \"now\"}]}", true),
                ($"{{\"OPS\": [{ValidFieldOp()}]}}", true),
                ($"{{\"Ops\": [{ValidFieldOp()}]}}", true),
                ($"{{\"ops\": [{ValidFieldOp()}], \"\\ud800\": 1}}", true),
                ($"{{\"ops\": [{ValidFieldOp()}], \"\\u006fps\": []}}", false), // an escaped duplicate of 'ops'
                ("{\"ops\": [{\"op\": \"set\", \"path\": \"n\", \"value\": 1, \"\\ud800\": 2}]}", true));
            d.Body = Utf8(text);
            d.Family = "patch/unknown-member";
            if (bad) d.Reject("unknown member");
        }
        else if (roll < 46)
        {
            string op = Pick("explode", "SET", "Set", "", " set", "set\\u0000", "increment ", "inc", "merge", "push", "delete", "replace", "$set", "sét", "\\ud800", "null", new string('o', 10_000), EmojiRun, EmojiRunJson);
            d.Body = Utf8($"{{\"ops\": [{{\"op\": \"{op}\", \"path\": \"n\", \"value\": 1}}]}}");
            d.Family = "patch/unknown-op";
            d.Reject("unknown op");
        }
        else if (roll < 62)
        {
            d.Body = Utf8(Pick(
                "[]", "\"ops\"", "{\"ops\": {}}", "{\"ops\": \"set\"}", "{\"ops\": null}", "{\"ops\": 1}", "{\"ops\": []}", "{\"ops\": [1]}",
                "{\"ops\": [null]}", "{\"ops\": [[]]}", "{\"ops\": [\"set\"]}", "{\"ops\": [{\"op\": 1, \"path\": \"a\", \"value\": 1}]}",
                "{\"ops\": [{\"op\": \"set\", \"path\": 1, \"value\": 1}]}", "{\"ops\": [{\"op\": \"set\", \"path\": [\"a\"], \"value\": 1}]}",
                "{\"ops\": [{\"op\": \"set\", \"path\": null, \"value\": 1}]}", "{\"ops\": [{\"op\": \"set\", \"path\": \"a\"}]}",
                "{\"ops\": [{\"path\": \"a\", \"value\": 1}]}", "{\"ops\": [{\"op\": \"set\", \"value\": 1}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": \"1\"}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": 1.5}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": true}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": null}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": 1e400}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": " + new string('9', 400) + "}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": 9223372036854775808}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": []}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": {}}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\"}]}",
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"count\", \"by\": 1e2}]}", "{\"ops\": [{\"op\": \"set\", \"path\": \"n\", \"value\": 1}, 7]}",
                "{\"op\": \"set\", \"path\": \"n\", \"value\": 1}", "{\"ops\": [{\"op\": \"set\", \"path\": \"a\", \"value\": 1e400}]}",
                "{\"ops\": [{\"op\": \"add\", \"path\": \"tags\", \"value\": {\"$time\": 1}}]}", "{\"ops\": [{\"op\": \"set\", \"path\": \"a\", \"value\": NaN}]}"));
            d.Family = "patch/wrong-types";
            d.Reject("wrong types");
        }
        else if (roll < 74)
        {
            var (path, bad) = FieldPath();
            string op = Pick("set", "unset", "increment", "add", "remove", "enable", "disable");
            string extra = op switch { "set" or "add" or "remove" => ", \"value\": 1", "increment" => ", \"by\": 1", _ => "" };
            d.Body = Utf8($"{{\"ops\": [{{\"op\": \"{op}\", \"path\": \"{path}\"{extra}}}]}}");
            d.Family = bad ? "patch/bad-path" : "patch/odd-path";
            if (bad) d.Reject("bad field path");
        }
        else if (roll < 80)
        {
            // Kinds that do not fit the field (state-dependent, so not a sure rejection).
            d.Body = Utf8(Pick(
                "{\"ops\": [{\"op\": \"increment\", \"path\": \"n\", \"by\": 1}]}", "{\"ops\": [{\"op\": \"add\", \"path\": \"count\", \"value\": 1}]}",
                "{\"ops\": [{\"op\": \"enable\", \"path\": \"tags\"}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"flag\", \"by\": 1}]}",
                "{\"ops\": [{\"op\": \"set\", \"path\": \"count.x\", \"value\": 1}]}", "{\"ops\": [{\"op\": \"remove\", \"path\": \"s\", \"value\": 1}]}",
                "{\"ops\": [{\"op\": \"set\", \"path\": \"n.deeper\", \"value\": 1}]}", "{\"ops\": [{\"op\": \"increment\", \"path\": \"nested\", \"by\": 1}]}"));
            d.Family = "patch/type-mismatch";
        }
        else if (roll < 86)
        {
            int depth = Pick(65, 100, 1_000, 10_000);
            bool inValue = Chance(0.5);
            d.Body = Utf8(inValue
                ? "{\"ops\": [{\"op\": \"set\", \"path\": \"v\", \"value\": " + Deep(depth, closed: Chance(0.8)) + "}]}"
                : "{\"ops\": " + Deep(depth, closed: Chance(0.8)) + "}");
            d.Family = "patch/deep";
            d.Reject("nested deeper than 64");
        }
        else if (roll < 92)
        {
            var (value, bad, family) = HostileValue();
            d.Body = Bytes("{\"ops\": [{\"op\": \"set\", \"path\": \"v\", \"value\": ", value, "}]}");
            d.Family = "patch/value/" + family;
            if (bad) d.Reject("hostile value");
        }
        else if (roll < 95)
        {
            d.Body = Utf8(Pick("", " ", "{}", "null"));
            d.Family = "patch/empty";
            d.Reject("no ops");
        }
        else
        {
            bool huge = _hugeBudget > 0 && Chance(0.1);
            if (huge) _hugeBudget--;
            int size = huge ? _rng.Next(1 << 20, 3 << 20) : _rng.Next(1_000, 100_000);
            d.Body = Utf8(Pick(
                $"{{\"ops\": [{{\"op\": \"set\", \"path\": \"{new string('p', size)}\", \"value\": 1}}]}}",
                $"{{\"ops\": [{string.Join(", ", Enumerable.Repeat("{\"op\": \"increment\", \"path\": \"count\", \"by\": 1}", Math.Min(size / 50, 5_000)))}, 0]}}"));
            d.Family = huge ? "patch/huge/multi-mb" : "patch/huge";
            d.Reject("over-long path or a bad last op");
        }
        ContentTypeMutation(d, 0.1);
    }

    private void TxBody(Draft d)
    {
        d.ContentType = "application/json";
        int roll = _rng.Next(100);
        if (roll < 9)
        {
            d.Family = "tx/valid";
            d.Body = Utf8($"{{\"ops\": [{string.Join(", ", Enumerable.Range(0, _rng.Next(1, 4)).Select(_ => ValidTxOp()))}]}}");
        }
        else if (roll < 25)
        {
            var (body, family) = Break($"{{\"ops\": [{ValidTxOp()}, {ValidTxOp()}]}}");
            d.Body = body;
            d.Family = "tx/broken-json/" + family;
            d.Reject("broken JSON");
        }
        else if (roll < 37)
        {
            // Valid operations, then one that must fail: nothing of it may be written.
            string bad = Pick(
                "{\"op\": \"update\", \"collection\": \"items\", \"id\": \"zz-missing\", \"ops\": [{\"op\": \"set\", \"path\": \"a\", \"value\": 1}]}",
                "{\"op\": \"frobnicate\"}", "{\"op\": \"" + EmojiRun + "\"}", "{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {\"$x\": 1}}",
                "{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": []}", "{\"op\": \"delete\", \"collection\": \"items\"}",
                "{\"op\": \"create\", \"collection\": \"a b\", \"doc\": {}}", "{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\", \"ops\": [{\"op\": \"boom\", \"path\": \"a\"}]}",
                "{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\", \"ops\": [{\"op\": \"set\", \"path\": \"a..b\", \"value\": 1}]}",
                "{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {}, \"extra\": true}",
                "{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"" + new string('i', 257) + "\"}",
                "17", "null", "[]");
            var ops = Enumerable.Range(0, _rng.Next(1, 4)).Select(_ => ValidTxOp()).ToList();
            ops.Insert(_rng.Next(ops.Count + 1), bad);
            d.Body = Utf8($"{{\"ops\": [{string.Join(", ", ops)}]}}");
            d.Family = "tx/all-or-nothing";
            d.Reject("one operation is invalid");
        }
        else if (roll < 55)
        {
            d.Body = Utf8(Pick(
                "{\"ops\": {}}", "{\"ops\": \"put\"}", "{\"ops\": null}", "{\"ops\": []}", "{}", "[]", "{\"ops\": [1]}", "{\"ops\": [[]]}",
                "{\"ops\": [{\"op\": \"put\"}]}", "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\"}]}",
                "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": []}]}", "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": \"x\"}]}",
                "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": 1}]}", "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": null}]}",
                "{\"ops\": [{\"op\": \"put\", \"collection\": 1, \"id\": \"d1\", \"doc\": {}}]}", "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": 1, \"doc\": {}}]}",
                "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": null, \"doc\": {}}]}", "{\"ops\": [{\"op\": \"create\", \"collection\": \"items\", \"id\": \"x\", \"doc\": {}}]}",
                "{\"ops\": [{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\", \"ops\": {}}]}", "{\"ops\": [{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\", \"ops\": []}]}",
                "{\"ops\": [{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\"}]}", "{\"ops\": [{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d1\", \"ops\": [1]}]}",
                "{\"ops\": [{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {}}]}", "{\"ops\": [{\"op\": \"PUT\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {}}]}",
                "{\"ops\": [{\"op\": 1}]}", "{\"ops\": [{\"collection\": \"items\", \"id\": \"d1\"}]}", "{\"ops\": [{\"op\": \"delete\"}]}",
                "{\"ops\": [{\"op\": \"delete\", \"collection\": [\"items\"], \"id\": \"d1\"}]}", "{\"ops\": [{\"op\": \"\\ud800\", \"collection\": \"items\", \"id\": \"d1\"}]}",
                "{\"ops\": [{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"\\udc00\"}]}", "{\"ops\": [{\"op\": \"put\", \"\\ud800\": 1}]}",
                "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {}}], \"atomic\": true}", "{\"ops\": [], \"ops\": []}",
                "{\"\\ud800\": [], \"ops\": [{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"d1\"}]}", "{\"ops\": [{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"d1\", \"\\udfff\": 0}]}"));
            d.Family = "tx/wrong-types";
            d.Reject("wrong types or members");
        }
        else if (roll < 64)
        {
            string op = Pick("put", "create", "update", "delete");
            string collection = Pick("a b", "", new string('c', 65), "a.b", "a/b", "é", "😀", "\\u0000", "$x", EmojiRun, "items");
            string id = Pick("", new string('i', 257), "a/b", "a b", "é", "\\ud83d\\ude00", "\\n", "d1", "a#b", EmojiRunJson);
            bool bad = collection != "items" || id != "d1";
            d.Body = Utf8(op switch
            {
                "put" => $"{{\"ops\": [{{\"op\": \"put\", \"collection\": \"{collection}\", \"id\": \"{id}\", \"doc\": {{\"n\": 1}}}}]}}",
                "create" => $"{{\"ops\": [{{\"op\": \"create\", \"collection\": \"{collection}\", \"doc\": {{\"n\": 1}}}}]}}",
                "update" => $"{{\"ops\": [{{\"op\": \"update\", \"collection\": \"{collection}\", \"id\": \"{id}\", \"ops\": [{{\"op\": \"set\", \"path\": \"n\", \"value\": 2}}]}}]}}",
                _ => $"{{\"ops\": [{{\"op\": \"delete\", \"collection\": \"{collection}\", \"id\": \"{id}\"}}]}}",
            });
            if (op == "create") bad = collection != "items";
            d.Family = bad ? "tx/bad-names" : "tx/names";
            if (bad) d.Reject("bad collection or id");
        }
        else if (roll < 70)
        {
            int depth = Pick(65, 100, 1_000, 10_000);
            d.Body = Utf8(Pick(
                "{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d1\", \"doc\": {\"v\": " + Deep(depth, closed: Chance(0.8)) + "}}]}",
                "{\"ops\": " + Deep(depth, closed: Chance(0.8)) + "}"));
            d.Family = "tx/deep";
            d.Reject("nested deeper than 64");
        }
        else if (roll < 78)
        {
            var (value, bad, family) = HostileValue();
            d.Body = Bytes("{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"n1\", \"doc\": {\"v\": ", value, "}}]}");
            d.Family = "tx/value/" + family;
            if (bad) d.Reject("hostile value");
        }
        else if (roll < 84)
        {
            var (path, bad) = FieldPath();
            d.Body = Utf8(Chance(0.5)
                ? $"{{\"ops\": [{{\"op\": \"put\", \"collection\": \"items\", \"id\": \"n2\", \"doc\": {{\"{path}\": 1}}}}]}}"
                : $"{{\"ops\": [{{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d2\", \"ops\": [{{\"op\": \"set\", \"path\": \"{path}\", \"value\": 1}}]}}]}}");
            d.Family = bad ? "tx/bad-path" : "tx/odd-path";
            if (bad) d.Reject("bad field name");
        }
        else if (roll < 88)
        {
            d.Body = Utf8(Pick("", " ", "null", "0"));
            d.Family = "tx/empty";
            d.Reject("no ops");
        }
        else if (roll < 93)
        {
            bool huge = _hugeBudget > 0 && Chance(0.15);
            if (huge) _hugeBudget--;
            int size = huge ? _rng.Next(1 << 20, 3 << 20) : _rng.Next(1_000, 100_000);
            d.Body = Utf8(_rng.Next(4) switch
            {
                0 => $"{{\"ops\": [{{\"op\": \"put\", \"collection\": \"items\", \"id\": \"{new string('i', size)}\", \"doc\": {{}}}}]}}",
                1 => $"{{\"ops\": [{{\"op\": \"put\", \"collection\": \"{new string('c', size)}\", \"id\": \"d1\", \"doc\": {{}}}}]}}",
                2 => $"{{\"ops\": [{{\"op\": \"{new string('o', size)}\"}}]}}",
                _ => $"{{\"ops\": [{string.Join(", ", Enumerable.Range(0, Math.Min(size / 80, 2_000)).Select(k => $"{{\"op\": \"put\", \"collection\": \"items\", \"id\": \"bulk{k}\", \"doc\": {{\"k\": {k}}}}}"))}, {{\"op\": \"nope\"}}]}}",
            });
            d.Family = huge ? "tx/huge/multi-mb" : "tx/huge";
            d.Reject("over-long name or a bad last op");
        }
        else
        {
            UnicodeDocument(d);
            var doc = d.Body!;
            string family = d.Family;
            d.Body = Bytes("{\"ops\": [{\"op\": \"put\", \"collection\": \"items\", \"id\": \"n3\", \"doc\": ", doc, "}]}");
            d.Family = "tx/" + family[4..];
            if (family.EndsWith("/bom", StringComparison.Ordinal) || family.EndsWith("/utf16", StringComparison.Ordinal)) d.Reject("a BOM or UTF-16 inside the body");
        }
        ContentTypeMutation(d, 0.1);
    }

    // ------------------------------------------------------------------ valid building blocks

    private string ValidDoc()
    {
        var members = new List<string> { $"\"n\": {_rng.Next(-1000, 1000)}" };
        if (Chance(0.7)) members.Add($"\"s\": \"{Pick("alpha", "beta", "gamma delta", "x")}\"");
        if (Chance(0.5)) members.Add("\"tags\": [\"a\", \"b\"]");
        if (Chance(0.5)) members.Add($"\"nested\": {{\"x\": {_rng.Next(100)}.5, \"y\": null, \"z\": true}}");
        if (Chance(0.2)) members.Add("\"when\": {\"$time\": \"2026-01-02T03:04:05Z\"}");
        return "{" + string.Join(", ", members) + "}";
    }

    private string ValidFieldOp() => _rng.Next(9) switch
    {
        0 => $"{{\"op\": \"set\", \"path\": \"n\", \"value\": {_rng.Next(100)}}}",
        1 => "{\"op\": \"set\", \"path\": \"nested.x\", \"value\": \"s\"}",
        2 => "{\"op\": \"unset\", \"path\": \"s\"}",
        3 => $"{{\"op\": \"increment\", \"path\": \"count\", \"by\": {_rng.Next(-5, 6)}}}",
        4 => "{\"op\": \"add\", \"path\": \"tags\", \"value\": \"v\"}",
        5 => "{\"op\": \"remove\", \"path\": \"tags\", \"value\": \"a\"}",
        6 => "{\"op\": \"enable\", \"path\": \"flag\"}",
        7 => "{\"op\": \"disable\", \"path\": \"flag\"}",
        _ => "{\"op\": \"set\", \"path\": \"extra.deep\", \"value\": [1, {\"a\": null}]}",
    };

    private string ValidTxOp() => _rng.Next(5) switch
    {
        0 => $"{{\"op\": \"put\", \"collection\": \"items\", \"id\": \"d{_rng.Next(1, SeededDocuments + 1)}\", \"doc\": {ValidDoc()}}}",
        1 => $"{{\"op\": \"create\", \"collection\": \"orders\", \"doc\": {ValidDoc()}}}",
        2 => $"{{\"op\": \"update\", \"collection\": \"items\", \"id\": \"d{_rng.Next(1, SeededDocuments + 1)}\", \"ops\": [{ValidFieldOp()}]}}",
        3 => $"{{\"op\": \"put\", \"collection\": \"items\", \"id\": \"t{_rng.Next(100)}\", \"doc\": {ValidDoc()}}}",
        _ => $"{{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"t{_rng.Next(100)}\"}}",
    };

    // ------------------------------------------------------------------ mutations

    /// <summary>Breaks a valid JSON object text so that it is certainly not valid JSON.</summary>
    private (byte[] Body, string Family) Break(string json)
    {
        switch (_rng.Next(13))
        {
            case 0: return (Utf8(json[.._rng.Next(1, json.Length)]), "truncated");
            case 1: return (Utf8(Pick("{", "[", "{\"a\":") + json), "unbalanced-open");
            case 2: return (Utf8(json + Pick("}", "]", "}}}")), "unbalanced-close");
            case 3: return (Utf8(json + Pick(" x", ",", "{}", " null", "\"", " {\"ops\": []}")), "trailing-garbage");
            case 4: return (Bytes(json, new byte[] { 0x00 }), "trailing-nul");
            case 5: return (Utf8(json.Insert(1, Pick("/* c */", "// c\n", "# c\n"))), "comment");
            case 6: return (Utf8(json.Replace('"', '\'')), "single-quotes");
            case 7: return (Utf8(json[..^1] + ", \"nan\": " + Pick("NaN", "Infinity", "-Infinity", "nan", "inf", "undefined") + "}"), "nan-infinity");
            case 8: return (Utf8(json[..^1] + ",}"), "trailing-comma");
            case 9:
            {
                int quote = NthStringStart(json);
                return (Bytes(json[..(quote + 1)], new byte[] { Pick<byte>(0xFF, 0xFE, 0xC0, 0x80, 0xF5) }, json[(quote + 1)..]), "invalid-utf8");
            }
            case 10:
            {
                int quote = NthStringStart(json);
                return (Utf8(json.Insert(quote + 1, Pick("\\ud800", "\\udfff", "\\ud800\\u0041", "\\udc00\\ud800"))), "lone-surrogate");
            }
            case 11:
            {
                int quote = NthStringStart(json);
                return (Bytes(json[..(quote + 1)], new byte[] { Pick<byte>(0x01, 0x0A, 0x1F, 0x00) }, json[(quote + 1)..]), "raw-control-char");
            }
            default:
            {
                int quote = NthStringStart(json);
                return (Utf8(json.Insert(quote + 1, Pick("\\x41", "\\u12x", "\\uZZZZ", "\\'", "\\a"))), "bad-escape");
            }
        }
    }

    /// <summary>The index of the opening quote of a random string (key or value) of a JSON text without escaped quotes.</summary>
    private int NthStringStart(string json)
    {
        var starts = new List<int>();
        bool inside = false;
        for (int i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\') { i++; continue; }
            if (json[i] != '"') continue;
            if (!inside) starts.Add(i);
            inside = !inside;
        }
        return starts[_rng.Next(starts.Count)];
    }

    private string Deep(int depth, bool closed)
    {
        var text = new StringBuilder(depth * 8);
        int kind = _rng.Next(3);
        var closers = new Stack<char>();
        for (int i = 0; i < depth; i++)
        {
            bool array = kind == 0 || (kind == 2 && i % 2 == 0);
            text.Append(array ? "[" : "{\"a\":");
            closers.Push(array ? ']' : '}');
        }
        text.Append('1');
        if (closed) while (closers.Count > 0) text.Append(closers.Pop());
        return text.ToString();
    }

    private (string Text, bool Bad, string Family) HostileNumber() => _rng.Next(16) switch
    {
        0 => ("1e400", true, "overflow"),
        1 => ("-1e400", true, "overflow"),
        2 => ("1" + new string('0', 400), true, "400-digits"),
        3 => ("-" + new string('9', 400), true, "400-digits"),
        4 => ("-0", false, "negative-zero"),
        5 => ("1e-400", false, "underflow"),
        6 => ("0." + new string('0', 500) + "1", false, "underflow"),
        7 => ("9223372036854775808", true, "past-int64"), // an integer beyond 64 bits is refused, never stored as a double
        8 => ("-9223372036854775809", true, "past-int64"),
        9 => ("1E+99999999999999999999", true, "huge-exponent"),
        10 => ("1.7976931348623157e309", true, "past-double"),
        11 => (Pick("01", "+1", ".5", "1.", "0x10", "1e", "--1", "1_000", "Infinity", "NaN"), true, "not-json"),
        12 => (new string('1', 300), true, "300-digits"),
        13 => ("1.7976931348623157e308", false, "double-max"),
        14 => ("4.9e-324", false, "double-min"),
        _ => ("123456789012345678901234567890", true, "past-int64"),
    };

    /// <summary>A hostile JSON value for a field: numbers, strings, nesting and bytes. A function's
    /// argument is not a document, so a member named "a.b" is fine there (only field names are paths).</summary>
    private (byte[] Value, bool Bad, string Family) HostileValue(bool fieldNames = true)
    {
        int roll = _rng.Next(10);
        if (roll < 4)
        {
            var (text, bad, family) = HostileNumber();
            return (Utf8(text), bad, "number/" + family);
        }
        return roll switch
        {
            4 => (Utf8("\"\\ud800\""), true, "lone-surrogate"),
            5 => (Bytes("\"", new byte[] { 0xFF, 0xFE }, "\""), true, "invalid-utf8"),
            6 => (Utf8("'single'"), true, "single-quoted"),
            7 when !fieldNames && Chance(0.2) => (Utf8("{\"a.b\": 1}"), false, "dotted-member"),
            7 => (Utf8(Pick("{\"$decimal\": \"x\"}", "{\"$bytes\": 1}", "{\"$what\": \"\"}", fieldNames ? "{\"a.b\": 1}" : "{\"$x\": 1}", "{\"$x\": 1, \"y\": 2}")), true, "bad-nested"),
            8 => (Utf8(Pick("undefined", "True", "nul", "-", "[1,]", "{,}", "\"unterminated")), true, "not-json"),
            _ => (Utf8("\"" + new string('s', _rng.Next(1_000, 50_000)) + "\""), false, "long-string"),
        };
    }

    private static readonly string[] AcceptedContentTypes =
    [
        "application/json; charset=utf-8", "application/json;charset=UTF-8", "APPLICATION/JSON", "application/problem+json",
        "application/json-patch+json", "application/merge-patch+json", "application/json; charset=latin1", "application/json; foo=bar",
        " application/json ", "application/json;", "application/vnd.causeway+json", "application/json; charset=\"utf-8\"",
    ];

    private static readonly string[] RefusedContentTypes =
    [
        "text/plain", "application/xml", "text/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/json",
        "application/jsonx", "json", "application/", "*/*", "application/octet-stream", "application/cbor", "application/json5",
        "text/plain; charset=utf-8; application/json", "application/x-json", "application/javascript", "text/html",
    ];

    private void ContentTypeMutation(Draft d, double probability)
    {
        if (!Chance(probability)) return;
        int roll = _rng.Next(10);
        if (roll < 3)
        {
            d.ContentType = Pick(AcceptedContentTypes);
            d.Family += "+ct-variant";
        }
        else if (roll < 5)
        {
            d.ContentType = null;
            d.Family += "+no-content-type";
            d.Allow415First = true;
            if (d.ExpectStatus == 413) d.ExpectStatus = 415;
            d.Reject("no content type");
        }
        else
        {
            d.ContentType = Pick(RefusedContentTypes);
            d.Family += "+wrong-content-type";
            d.Allow415First = true;
            if (d.ExpectStatus == 413) d.ExpectStatus = 415;
            d.Reject("not a JSON content type");
        }
    }

    private void BodyOnRead(Draft d)
    {
        d.Body = _rng.Next(4) switch
        {
            0 => Utf8("{\"ops\": [{\"op\": \"delete\", \"collection\": \"items\", \"id\": \"d1\"}]}"),
            1 => Utf8("{{{{"),
            2 => Bytes(new byte[] { 0xFF, 0xFE, 0x00 }),
            _ => Utf8(new string('x', _rng.Next(10, 10_000))),
        };
        d.ContentType = Pick("application/json", "text/plain", null);
        d.Family += "+body-on-read";
    }

    private string GarbageQuery() => Pick(
        "?x=1", "?%00=%00", "?a=" + new string('q', 10_000), "?at=1", "?since=-1", "?=", "?&&&", "?a=%FF", "?" + Escape("ключ") + "=1", "?limit=abc&feed=sse");

    private void AtQuery(Draft d)
    {
        long position = _state.Position;
        string known = _state.Cids.Count > 0 ? _state.Cids[_rng.Next(_state.Cids.Count)] : "b";
        int roll = _rng.Next(10);
        if (roll < 3)
        {
            d.Query = "?at=" + Pick("0", "1", position.ToString(CultureInfo.InvariantCulture), known, "2000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1900-01-01T00:00:00%2B14:00", "2026-02-30T00:00:00Z",
                "2020-01-01T00%3A00%3A00%2B14%3A00", Escape(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
            d.Family += "+at";
        }
        else
        {
            d.Query = Pick(
                "?at=", "?at", "?at=%20", "?at=yesterday", "?at=-1", "?at=%2B1", "?at=1.5", "?at=0x10", "?at=99999999999999999999",
                $"?at={position + 1}", $"?at={position + 1_000_000}", "?at=b", "?at=bafy", "?at=bafyreiaaaa", "?at=" + known.ToUpperInvariant(),
                "?at=2020-13-45T00:00:00Z", "?at=T", "?at=now", "?at=%00", "?at=1e3", "?at=%EF%BC%91", "?at=1&at=2",
                "?at=" + Flip(known), "?at=" + new string('9', 5_000), "?at=0001-01-01T00:00:00-01:00", "?at=" + known + "x",
                "?at=%F0%9F%98%80", "?at=%FF", "?at=" + Escape(EmojiRun));
            d.Family += "+bad-at";
            if (d.Query is not ("?at=0001-01-01T00:00:00-01:00")) d.Reject("bad 'at'");
        }
    }

    // ------------------------------------------------------------------ authorization

    private string? BogusAuthorization() => _rng.Next(14) switch
    {
        0 => null,
        1 => "",
        2 => "Bearer",
        3 => "Bearer ",
        4 => "Bearer cw_not-a-token",
        5 => "Basic " + Convert.ToBase64String(Utf8("admin:admin")),
        6 => "Token " + _admin,
        7 => "Bearer " + _admin + "x",
        8 => "Bearer " + _admin[..^1],
        9 => "Bearer " + _admin + "é",
        10 => "Bearer " + new string('A', 8_000),
        11 => "Bearer:" + _admin,
        12 => "Bearer " + _admin.ToUpperInvariant(),
        _ => _admin,
    };

    /// <summary>The server authenticates every /v1 request before routing: without a real token the
    /// answer is 401, whatever else is wrong (route, method, content type, names).</summary>
    private void CredentialsFirst(Draft d)
    {
        // As the server reads it: the scheme in any case, then the token, surrounding spaces ignored.
        string? presented = d.Authorization is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a["Bearer ".Length..].Trim() : null;
        bool real = presented == _admin || presented == _reader || d.Ucan is { Status: 0 };
        if (real) return;
        if (d.Path.Contains("/.", StringComparison.Ordinal) || d.Path.Contains("%2e", StringComparison.OrdinalIgnoreCase)) return;
        if (!new Microsoft.AspNetCore.Http.PathString(d.Path).StartsWithSegments("/v1")) return;
        // GET /v1/status answers without credentials (replica, owner, version, no databases); a header
        // that is there but wrong is still 401.
        if (string.IsNullOrEmpty(d.Authorization) && d.Method == "GET" && d.Path == "/v1/status" && d.Ucan is null) return;
        // A UCAN addressed to another server, or whose chain no request could use, is refused (403) as it is
        // read, before routing, just as an unusable one (401) is.
        d.ExpectStatus = d.Ucan is { Status: 403 } ? 403 : 401;
        d.Allow415First = false;
        d.Reject(d.Ucan is { } ucan ? $"the capability token is {ucan.Name}" : "no valid token");
    }

    private void CrossCutting(Draft d)
    {
        if (d.Body is not null && !d.UnknownLength && Chance(0.04)) { d.UnknownLength = true; d.Family += "+no-length"; }
        if (d.ForbidAdmin) return;
        double roll = _rng.NextDouble();
        if (roll < 0.06)
        {
            d.Authorization = BogusAuthorization();
            d.Family += "+bad-token";
            // GET /v1/status without any Authorization answers anyone (no databases listed).
            bool openStatus = string.IsNullOrEmpty(d.Authorization) && d.Method == "GET" && d.Path == "/v1/status" && d.Ucan is null;
            if (!openStatus) d.Reject("no valid token");
            // Names are checked first, routes before that; with both right, only 401 is right.
            if (d.Mapped && d.NamesValid && !openStatus) d.ExpectStatus = 401;
        }
        else if (roll < 0.09 && d.Method is "PUT" or "POST" or "PATCH" or "DELETE" && !ReadersMayPost(d.Endpoint))
        {
            d.Authorization = "Bearer " + _reader;
            d.Family += "+read-token";
            d.Reject("a read token may not write");
            if (d.Mapped && d.NamesValid) d.ExpectStatus = 403;
        }
        else if (roll < 0.11)
        {
            // Spellings of the admin token that are still valid.
            d.Authorization = Pick("bearer " + _admin, "BEARER " + _admin, "Bearer   " + _admin + "  ");
            d.Family += "+token-spelling";
        }
        else if (roll < 0.20 && _ucans.Count > 0)
        {
            // A capability token: unusable (401), addressed elsewhere or with a broken chain (403), or a sound
            // read-only session, which a write must not get past (403), as the read token.
            var ucan = _ucans[_rng.Next(_ucans.Count)];
            d.Ucan = ucan;
            // A status pinned for the admin token no longer holds: authority is checked before the body.
            d.ExpectStatus = null;
            d.Authorization = ucan.Authorization;
            if (ucan.Proofs is not null) d.Headers.Add(("Ucans", ucan.Proofs));
            d.Family += "+ucan/" + ucan.Name;
            if (ucan.Status == 0 && d.Method is "PUT" or "POST" or "PATCH" or "DELETE" && !ReadersMayPost(d.Endpoint))
            {
                d.Reject("a session that may not write");
                if (d.Mapped && d.NamesValid && ucan.ByCommand) d.ExpectStatus = 403;
            }
        }
        else if (roll < 0.23)
        {
            d.Headers.Add(Pick(("Content-Encoding", "gzip"), ("Accept", "application/xml"), ("X-HTTP-Method-Override", "DELETE"), ("If-None-Match", "*"),
                ("Accept-Charset", "utf-16"), ("X-Forwarded-For", "127.0.0.1"), ("Range", "bytes=0-1"),
                // Prefer: wait is honoured up to 300 s and ignored when unreadable (RFC 7240); the run's writes never lack rights.
                ("Prefer", Pick("wait=1", "wait=301", "wait=-1", "wait=abc", "wait=", "wait=99999999999999999999", "respond-async, wait=0", "wait=\"1\"", "return=minimal; wait=%01", "wait=" + new string('9', 5000)))));
            d.Family += "+odd-header";
        }
    }

    /// <summary>Endpoints that take a body but write nothing a reader may not: a query, holding a
    /// delegation (anyone may), revoking one (the owner or its issuer: 403, or 404 when not held).</summary>
    private static bool ReadersMayPost(string endpoint) => endpoint is QueryDocs or HoldToken or RevokeToken;

    // ------------------------------------------------------------------ helpers

    private bool Chance(double p) => _rng.NextDouble() < p;

    private T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];

    private void Shuffle<T>(List<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private string Flip(string cid)
    {
        if (cid.Length < 10) return cid + "a";
        int i = _rng.Next(8, cid.Length);
        char c = cid[i] == 'a' ? 'b' : 'a';
        return cid[..i] + c + cid[(i + 1)..];
    }

    private static string HugeUnicode(int count)
    {
        var text = new StringBuilder(count * 3);
        for (int i = 0; i < count; i++) text.Append((i % 3) switch { 0 => "é", 1 => "😀", _ => "\\u0041" });
        return text.ToString();
    }

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/> except unreserved characters.</summary>
    private static string Escape(string text)
    {
        var result = new StringBuilder();
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') result.Append(c);
            else result.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static byte[] Bytes(params object[] parts)
    {
        var result = new List<byte>();
        foreach (var part in parts)
            result.AddRange(part switch { string s => Utf8(s), byte[] b => b, _ => throw new ArgumentException("strings or bytes") });
        return [.. result];
    }
}

using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Tests.Http;

/// <summary>Stored functions written to hurt the server, over real HTTP: scripts that spin, recurse,
/// allocate, throw what is no Error, give results JSON cannot hold or that are too big, reach for
/// what the sandbox does not have, wait for ever, backtrack catastrophically, or whose source nests
/// 100,000 levels deep. Each is refused with a function_* problem (at its definition or its call),
/// writes nothing, and leaves the server answering.</summary>
public sealed class HostileScriptTests : IAsyncLifetime
{
    /// <summary>Every call first writes, so "writes nothing" is tested, not assumed.</summary>
    private const string Write = "db.put('log', 'x', { a: 1 }); ";

    private static readonly string[] Stopped = [ErrorCodes.FunctionLimit, ErrorCodes.FunctionTimeout];
    private static readonly string[] Failed = [ErrorCodes.FunctionError];

    private ServerFixture _server = null!;
    private HttpClient Admin => _server.Admin;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartOnLoopbackAsync();
        (await Admin.PutAsync("/v1/dbs/shop", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsync("/v1/dbs/shop/docs/items/cat", HttpExtensions.Json("""{ "price": 30 }"""))).EnsureSuccessStatusCode();
        var ok = await Admin.PutAsync("/v1/dbs/shop/functions/price", HttpExtensions.Json(
            """{ "source": "function (arg) { return db.get('items', arg).price; }", "role": [ { "cmd": "/doc/read", "collections": ["items"] } ] }"""));
        Assert.Equal(201, (int)ok.StatusCode);
        // Tight limits keep the run short; the scripts would pass any limit.
        (await Admin.PutAsync("/v1/dbs/shop/function-limits", HttpExtensions.Json("""{ "timeoutMs": 500, "statements": 200000 }"""))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, string[]> Scripts => new()
    {
        { "loop", "function () { " + Write + "while (true) {} }", Stopped },
        { "loop-in-async", "async function () { " + Write + "for (;;) await null; }", Stopped },
        { "recursion", "function f() { " + Write + "return f(); }", Stopped },
        { "mutual-recursion", "function (a) { " + Write + "const f = n => g(n + 1), g = n => f(n + 1); return f(0); }", Stopped },
        { "array-growth", "function () { " + Write + "const a = []; for (;;) a.push('xxxxxxxxxxxxxxxx' + a.length); }", Stopped },
        { "string-doubling", "function () { " + Write + "let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length; }", [ErrorCodes.FunctionLimit, ErrorCodes.FunctionTimeout, ErrorCodes.FunctionError] },
        { "huge-array", "function () { " + Write + "return new Array(1e9).length; }", Stopped },
        { "array-buffer", "function () { " + Write + "return new ArrayBuffer(2e9).byteLength; }", Failed },
        { "typed-array", "function () { " + Write + "return new Float64Array(3e8).length; }", Failed },
        { "atomics-wait", "function () { " + Write + "return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }", Failed },
        { "throw-object", "function () { " + Write + "throw { a: 1 }; }", Failed },
        { "throw-null", "function () { " + Write + "throw null; }", Failed },
        { "throw-undefined", "function () { " + Write + "throw undefined; }", Failed },
        { "throw-spinning-getter", "function () { " + Write + "throw { get message() { while (true) {} } }; }", Stopped },
        { "throw-proxy", "function () { " + Write + "throw new Proxy({}, { get() { while (true) {} } }); }", Stopped },
        { "cyclic-result", "function () { " + Write + "const a = {}; a.self = a; return a; }", Failed },
        { "deep-result", "function () { " + Write + "let o = {}; for (let i = 0; i < 100000; i++) o = { o }; return o; }", [ErrorCodes.FunctionError, ErrorCodes.FunctionLimit, ErrorCodes.FunctionTimeout] },
        { "huge-result", "function () { " + Write + "const a = []; for (let i = 0; i < 50000; i++) a.push('yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' + i); return a; }", Stopped },
        { "spinning-toJSON", "function () { " + Write + "return { toJSON() { while (true) {} } }; }", Stopped },
        { "function-result", "function () { " + Write + "return function () {}; }", Failed },
        { "bigint-result", "function () { " + Write + "return 10n ** 1000n; }", Failed },
        { "undefined-api", "function () { " + Write + "return db.drop(); }", Failed },
        { "fetch", "function () { " + Write + "return fetch('http://127.0.0.1/'); }", Failed },
        { "eval", "function () { " + Write + "return eval('1 + 1'); }", Failed },
        { "indirect-eval", "function () { " + Write + "return (0, eval)('1 + 1'); }", Failed },
        { "Function", "function () { " + Write + "return new Function('return 1')(); }", Failed },
        { "globalThis-constructor", "function () { " + Write + "return globalThis.constructor.constructor('return process')(); }", Failed },
        { "this-constructor", "function () { " + Write + "return this.constructor.constructor('return process')(); }", Failed },
        { "function-constructor-of-a-function", "function () { " + Write + "return (() => 1).constructor('return 1')(); }", Failed },
        { "async-function-constructor", "function () { " + Write + "return (async () => 1).constructor('return 1')(); }", Failed },
        { "importNamespace", "function () { " + Write + "return importNamespace('System.IO'); }", Failed },
        { "System", "function () { " + Write + "return System.IO.File.ReadAllText('/etc/passwd'); }", Failed },
        { "require", "function () { " + Write + "return require('fs'); }", Failed },
        { "process", "function () { " + Write + "return process.env; }", Failed },
        { "setTimeout", "function () { " + Write + "setTimeout(() => 1, 1); return 1; }", Failed },
        { "never-settling-promise", "function () { " + Write + "return new Promise(() => {}); }", [ErrorCodes.FunctionTimeout] },
        { "catastrophic-regex", "function () { " + Write + "return /(a+)+$/.test('a'.repeat(40) + '!'); }", Stopped },
        { "deep-JSON-parse", "function () { " + Write + "return JSON.parse('['.repeat(100000) + ']'.repeat(100000)); }", Failed },
    };

    private async Task<long> PositionAsync() => (await (await Admin.GetAsync("/v1/dbs/shop")).JsonAsync()).GetProperty("position").GetInt64();

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task A_hostile_script_is_stopped_with_a_function_problem_writes_nothing_and_the_server_answers(string name, string source, string[] codes)
    {
        long before = await PositionAsync();
        var defined = await Admin.PutAsync("/v1/dbs/shop/functions/hostile", HttpExtensions.Json(
            $$"""{ "source": {{JsonSerializer.Serialize(source)}}, "role": [ { "cmd": "/doc" } ] }"""));
        Assert.True(defined.IsSuccessStatusCode, $"{name}: the definition was refused: {await defined.Content.ReadAsStringAsync()}");
        long definedAt = await PositionAsync();
        Assert.Equal(before + 1, definedAt);

        var response = await Admin.PostAsync("/v1/dbs/shop/functions/hostile/call", HttpExtensions.Json("{}"));
        await Refused(name, response, codes);
        Assert.Equal(definedAt, await PositionAsync());
        await (await Admin.GetAsync("/v1/dbs/shop/docs/log/x")).ProblemAsync(404, ErrorCodes.NotFound);
        await StillAnswers();
    }

    public static TheoryData<string, string> DeepSources => new()
    {
        { "brackets", "function () { return " + new string('[', 100_000) + new string(']', 100_000) + "; }" },
        { "parentheses", "function () { return " + new string('(', 100_000) + "1" + new string(')', 100_000) + "; }" },
        { "negations", "function () { return " + new string('!', 100_000) + "1; }" },
        { "blocks", "function () { " + new string('{', 100_000) + new string('}', 100_000) + " }" },
        { "additions", "function () { return " + string.Join("+", Enumerable.Repeat("1", 100_000)) + "; }" },
        { "ternaries", "function () { return " + string.Concat(Enumerable.Repeat("1?", 50_000)) + "1" + string.Concat(Enumerable.Repeat(":1", 50_000)) + "; }" },
        { "bare-expression", new string('(', 100_000) + "function () {}" + new string(')', 100_000) },
    };

    /// <summary>A source nested 100,000 levels deep: the parser could run out of stack, which would end
    /// the process. It is refused at definition (422 function_error) and the server stays up.</summary>
    [Theory]
    [MemberData(nameof(DeepSources))]
    public async Task A_source_nested_100000_levels_deep_is_refused_at_definition_and_the_server_stays_up(string name, string source)
    {
        long before = await PositionAsync();
        var response = await Admin.PutAsync($"/v1/dbs/shop/functions/deep", HttpExtensions.Json(
            $$"""{ "source": {{JsonSerializer.Serialize(source)}}, "role": [] }"""));
        var problem = await Refused(name, response, [ErrorCodes.FunctionError, ErrorCodes.FunctionLimit]);
        Assert.Contains("'deep'", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await PositionAsync());
        await (await Admin.GetAsync("/v1/dbs/shop/functions/deep")).ProblemAsync(404, ErrorCodes.NotFound);
        await StillAnswers();
    }

    /// <summary>Hostile scripts called at once, several of each, do not take the server down either.</summary>
    [Fact]
    public async Task Hostile_calls_at_once_leave_the_server_answering()
    {
        string[] sources =
        [
            "function f() { return f(); }", "function () { while (true) {} }", "function () { return new Promise(() => {}); }",
            "function () { return /(a+)+$/.test('a'.repeat(40) + '!'); }", "function () { const a = []; for (;;) a.push('x' + a.length); }",
        ];
        for (int i = 0; i < sources.Length; i++)
            Assert.True((await Admin.PutAsync($"/v1/dbs/shop/functions/h{i}", HttpExtensions.Json(
                $$"""{ "source": {{JsonSerializer.Serialize(sources[i])}}, "role": [] }"""))).IsSuccessStatusCode);
        long before = await PositionAsync();
        var calls = Enumerable.Range(0, 3 * sources.Length).Select(i => Admin.PostAsync($"/v1/dbs/shop/functions/h{i % sources.Length}/call", null)).ToArray();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var response in await Task.WhenAll(calls).WaitAsync(deadline.Token))
        {
            int status = (int)response.StatusCode;
            Assert.True(status is 408 or 422, $"expected 408 or 422, got {status}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(before, await PositionAsync());
        await StillAnswers();
    }

    private static async Task<JsonElement> Refused(string name, HttpResponseMessage response, string[] codes)
    {
        string body = await response.Content.ReadAsStringAsync();
        int status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{name}: expected a 4xx, got {status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        string code = problem.GetProperty("code").GetString()!;
        Assert.True(codes.Contains(code), $"{name}: expected {string.Join(" or ", codes)}, got {status} {code}: {body}");
        Assert.Equal(ErrorCodes.HttpStatus(code), status);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.True(detail.Length <= 1000, $"{name}: a detail of {detail.Length} characters");
        Assert.DoesNotContain("   at ", detail); // no stack trace
        Assert.DoesNotContain("Jint.", detail);
        return problem;
    }

    private async Task StillAnswers()
    {
        var call = await (await Admin.PostAsync("/v1/dbs/shop/functions/price/call", HttpExtensions.Json("\"cat\""))).JsonAsync();
        Assert.Equal(30, call.GetProperty("result").GetInt64());
        Assert.Equal(200, (int)(await Admin.GetAsync("/v1/status")).StatusCode);
    }
}

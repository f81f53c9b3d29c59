using System.Diagnostics;
using System.Net;
using System.Runtime;
using Causeway.Documents;
using Causeway.Functions;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>Stored functions beside the plain writes they wrap. Over HTTP (a server on loopback, on
/// disk, 64 connections from the same load generator as <see cref="HttpBenchmarks"/>): calls of a
/// trivial function that reads one counter and increments it, beside a PATCH of the same increment,
/// each on many distinct counters, in rounds that alternate which goes first; target calls ≥ 50% of
/// PATCH. Embedded: the whole of a call that runs <c>function () { return 1; }</c> and writes nothing
/// (engine, limits, API, evaluating the cached script, the call itself), one at a time, against the
/// 100 µs target for a call's set-up; and the trivial call beside <c>PatchAsync</c> from 64 tasks.</summary>
internal static class FunctionBenchmarks
{
    /// <summary>The trivial call: read one counter, increment it, answer the count it then has.</summary>
    internal const string Bump = "function (a) { const d = db.get('counters', a.id); db.patch('counters', a.id, [{ op: 'increment', path: 'n', by: 1 }]); return d.n + 1; }";

    /// <summary>A call that reads and writes nothing, so its time is what any call costs before and around its script.</summary>
    internal const string One = "function () { return 1; }";

    private const string Schema = """{ "collections": { "counters": { "fields": { "n": { "kind": "counter" } } } } }""";
    private const string Increment = """{ "ops": [ { "op": "increment", "path": "n", "by": 1 } ] }""";
    private const int Rounds = 4;
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

    public const int DefaultCalls = 40_000;
    public const int SmokeCalls = 400;

    /// <summary>Runs both groups with <paramref name="calls"/> calls (and as many patches) in each comparison.</summary>
    public static async Task RunAsync(bool smoke, int calls, Table table)
    {
        await OverHttpAsync(smoke, calls, table);
        await EmbeddedAsync(smoke, calls, table);
    }

    private static async Task OverHttpAsync(bool smoke, int each, Table table)
    {
        int counters = smoke ? 200 : 10_000;

        await using var server = await SyncBenchmarks.ServerAsync();
        using var http = HttpBenchmarks.Client(server.Url, server.Token);
        (await http.PutAsync("/v1/dbs/bench", null)).EnsureSuccessStatusCode();
        (await http.PutAsync("/v1/dbs/bench/schema", HttpBenchmarks.Json(Schema))).EnsureSuccessStatusCode();
        string definition = ValueJson.ToJsonString(Value.Map([
            new("source", Value.String(Bump)),
            new("role", Value.Array([Value.Map([new("cmd", Value.String("/doc")), new("collections", Value.Array([Value.String("counters")]))])])),
            new("args", Value.Map([new("id", Value.String("string"))])),
        ]));
        (await http.PutAsync("/v1/dbs/bench/functions/bump", HttpBenchmarks.Json(definition))).EnsureSuccessStatusCode();
        await HttpBenchmarks.LoadAsync(counters, i => http.PutAsync($"/v1/dbs/bench/docs/counters/c{i}", HttpBenchmarks.Json("""{ "n": 0 }""")));

        // Consecutive requests go to consecutive counters, so the 64 in flight are on distinct documents.
        Task<HttpResponseMessage> Call(int i) => http.PostAsync("/v1/dbs/bench/functions/bump/call", HttpBenchmarks.Json($$"""{ "id": "c{{i % counters}}" }"""));
        Task<HttpResponseMessage> Patch(int i) => http.PatchAsync($"/v1/dbs/bench/docs/counters/c{i % counters}", HttpBenchmarks.Json(Increment));

        int warm = await WarmAsync("HTTP", smoke, n => HttpBenchmarks.LoadAsync(n, Call), n => HttpBenchmarks.LoadAsync(n, Patch));
        var (calls, callCpu, patches, patchCpu) = await AlternatedAsync(each, n => HttpBenchmarks.LoadAsync(n, Call), n => HttpBenchmarks.LoadAsync(n, Patch));
        await CheckCountsAsync(server.Replica.GetDatabase("bench"), counters, 2 * (warm + Rounds * Math.Max(1, each / Rounds)));

        table.Add($"HTTP function calls/s (read + patch), {HttpBenchmarks.Connections} connections", Table.Rate(calls.PerSecond),
            $"PATCH {Table.Rate(patches.PerSecond)} in the same run; target ≥ 50%", $"{calls.PerSecond / patches.PerSecond:P0}");
        table.Add("HTTP function call latency p50 / p99 (ms)", $"{calls.P50:N1} / {calls.P99:N1}", $"PATCH {patches.P50:N1} / {patches.P99:N1}", "-");
        table.Add("HTTP CPU per function call (µs, server and load generator)", $"{callCpu:N0}", $"PATCH {patchCpu:N0}", $"{callCpu / patchCpu:N1}x");
    }

    private static async Task EmbeddedAsync(bool smoke, int each, Table table)
    {
        int counters = smoke ? 200 : 10_000;
        int setups = smoke ? 2_000 : 100_000;

        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        try
        {
            await using var replica = await Replica.OpenAsync(folder);
            var db = await replica.CreateDatabaseAsync("bench");
            await db.SetSchemaAsync(SchemaJson.Parse(Schema));
            for (int i = 0; i < counters; i += 500)
                await db.TransactAsync(tx =>
                {
                    for (int j = i; j < Math.Min(counters, i + 500); j++) tx.Put("counters", $"c{j}", Value.Map([new("n", Value.Int(0))]));
                });
            await db.DefineFunctionAsync(new FunctionDefinition("bump", Bump, [new FunctionGrant("/doc", ["counters"])]));
            await db.DefineFunctionAsync(new FunctionDefinition("one", One, []));

            // One call at a time, after a warm-up as a running server would have had.
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 1_000 || (!smoke && clock.Elapsed < TimeSpan.FromSeconds(2)); i++) await NothingAsync(db);
            var micros = new double[setups];
            for (int i = 0; i < setups; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await NothingAsync(db);
                micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            double mean = micros.Average();
            Array.Sort(micros);
            table.Add("embedded call of function () { return 1; }, one at a time: mean / p50 / p99 (µs)",
                $"{mean:N1} / {micros[setups / 2]:N1} / {micros[(int)(setups * 0.99)]:N1}", "target set-up < 100 µs (mean)", $"{mean / 100:N2}x");

            var arguments = Enumerable.Range(0, counters).Select(i => Value.Map([new("id", Value.String($"c{i}"))])).ToArray();
            var increment = FieldOp.Increment("n", 1);
            // The same loops as the HTTP load generator's, each operation in place of a request.
            Task<HttpBenchmarks.Result> Calls(int n) => HttpBenchmarks.LoadAsync(n, async i =>
            {
                await db.CallAsync("bump", arguments[i % counters]);
                return HttpStatusCode.OK;
            });
            Task<HttpBenchmarks.Result> Patches(int n) => HttpBenchmarks.LoadAsync(n, async i =>
            {
                await db.PatchAsync("counters", $"c{i % counters}", increment);
                return HttpStatusCode.OK;
            });
            int warm = await WarmAsync("embedded", smoke, Calls, Patches);
            var (calls, callCpu, patches, patchCpu) = await AlternatedAsync(each, Calls, Patches);
            await CheckCountsAsync(db, counters, 2 * (warm + Rounds * Math.Max(1, each / Rounds)));
            table.Add($"embedded function calls/s (read + patch), {HttpBenchmarks.Connections} tasks", Table.Rate(calls.PerSecond),
                $"PatchAsync {Table.Rate(patches.PerSecond)} in the same run", $"{calls.PerSecond / patches.PerSecond:P0}");
            table.Add("embedded function call latency p50 / p99 (ms)", $"{calls.P50:N1} / {calls.P99:N1}", $"PatchAsync {patches.P50:N1} / {patches.P99:N1}", "-");
            table.Add("embedded CPU per function call (µs)", $"{callCpu:N0}", $"PatchAsync {patchCpu:N0}", $"{callCpu / patchCpu:N1}x");
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task NothingAsync(Database db)
    {
        var result = await db.Functions.CallAsync("one", Value.Null);
        if (result.Commit is not null || result.Result != Value.Int(1)) throw new InvalidOperationException("The no-op function wrote something or answered other than 1.");
    }

    /// <summary>Warms both kinds before anything counts, as a running server would be warm: in rounds of
    /// 1,000 of each until a round makes the JIT compile fewer than 20 methods (at least 3 rounds, at
    /// most <see cref="MaxWarmUp"/>). Jint's interpreter is large, and on 2 cores its methods take many
    /// seconds of calls to reach their optimized tier; a fixed count would measure the JIT.
    /// Answers how many of each kind it made.</summary>
    private static async Task<int> WarmAsync(string what, bool smoke, Func<int, Task<HttpBenchmarks.Result>> a, Func<int, Task<HttpBenchmarks.Result>> b)
    {
        const int Round = 1_000;
        if (smoke)
        {
            await a(50);
            await b(50);
            return 50;
        }
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        long compiled;
        do
        {
            long before = JitInfo.GetCompiledMethodCount();
            await a(Round);
            await b(Round);
            rounds++;
            compiled = JitInfo.GetCompiledMethodCount() - before;
        } while ((rounds < 3 || compiled >= 20) && clock.Elapsed < MaxWarmUp);
        Console.WriteLine($"functions: {what} warm-up of {rounds * Round:N0} of each took {clock.Elapsed.TotalSeconds:N0} s; its last round compiled {compiled} methods");
        return rounds * Round;
    }

    /// <summary>Runs <paramref name="each"/> of both kinds in <see cref="Rounds"/> rounds, alternating which
    /// goes first (a, b, b, a, …) so neither gets the quieter turns of this shared machine; the figures
    /// of each kind's rounds are taken together, with the process's CPU time per operation (all its
    /// threads: engine, server and load generator), which other work on the machine moves less than rates.</summary>
    private static async Task<(HttpBenchmarks.Result A, double CpuA, HttpBenchmarks.Result B, double CpuB)> AlternatedAsync(int each,
        Func<int, Task<HttpBenchmarks.Result>> a, Func<int, Task<HttpBenchmarks.Result>> b)
    {
        int part = Math.Max(1, each / Rounds);
        var ofA = new List<HttpBenchmarks.Result>();
        var ofB = new List<HttpBenchmarks.Result>();
        TimeSpan cpuA = TimeSpan.Zero, cpuB = TimeSpan.Zero;
        async Task Run(Func<int, Task<HttpBenchmarks.Result>> kind, List<HttpBenchmarks.Result> results, bool isA)
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            results.Add(await kind(part));
            var used = Process.GetCurrentProcess().TotalProcessorTime - before;
            if (isA) cpuA += used;
            else cpuB += used;
        }
        for (int round = 0; round < Rounds; round++)
        {
            if (round % 2 == 0)
            {
                await Run(a, ofA, true);
                await Run(b, ofB, false);
            }
            else
            {
                await Run(b, ofB, false);
                await Run(a, ofA, true);
            }
        }
        double perOp = Rounds * part;
        return (HttpBenchmarks.Result.Of(ofA), cpuA.TotalMicroseconds / perOp, HttpBenchmarks.Result.Of(ofB), cpuB.TotalMicroseconds / perOp);
    }

    /// <summary>Every increment landed: the counters add up to the calls and patches made.</summary>
    private static async Task CheckCountsAsync(Database db, int counters, long expected)
    {
        long sum = 0;
        for (int i = 0; i < counters; i++) sum += (await db.GetAsync("counters", $"c{i}"))?["n"]?.AsInt() ?? 0;
        if (sum != expected) throw new InvalidOperationException($"The counters add up to {sum}, not the {expected} increments made.");
    }
}

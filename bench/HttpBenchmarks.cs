using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Causeway.Authority;
using Causeway.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Causeway.Bench;

/// <summary>The server figures of issue 4: durable single-document writes over HTTP on loopback with
/// 64 concurrent connections (throughput, p50, p99) beside PostgreSQL 15 doing one JSONB INSERT per
/// request through Npgsql, and document reads over HTTP. Then the cost of capabilities: the same
/// writes made by a device under a three-link delegation chain (owner → org admin → shop admin →
/// device, whose session delegation to the server is the bearer) beside the admin token, in the same
/// run, alternated (admin, chain, chain, admin, …) so neither gets the quieter turns.</summary>
internal static class HttpBenchmarks
{
    public const int Connections = 64;

    public static async Task RunAsync(bool smoke, Table table)
    {
        int writes = smoke ? 200 : 40_000;
        int reads = smoke ? 500 : 200_000;
        string document = CoreBenchmarks.DocumentJson();

        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        int port = FreePort();
        var app = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = folder, Urls = $"http://127.0.0.1:{port}", MaxInFlightWrites = 4096 });
        await app.StartAsync();
        try
        {
            var server = new Uri($"http://127.0.0.1:{port}");
            string adminToken = File.ReadAllText(Path.Combine(folder, "admin.token")).Trim();
            using var http = Client(server, adminToken);
            (await http.PutAsync("/v1/dbs/bench", null)).EnsureSuccessStatusCode();

            await WarmAsync(smoke, i => http.PutAsync($"/v1/dbs/bench/docs/warm/w{i}", Json(document)));
            var write = await LoadAsync(writes, i => http.PutAsync($"/v1/dbs/bench/docs/docs/d{i}", Json(document)));
            await WarmAsync(smoke, i => http.GetAsync($"/v1/dbs/bench/docs/docs/d{(i * 7919) % writes}"));
            var read = await LoadAsync(reads, i => http.GetAsync($"/v1/dbs/bench/docs/docs/d{(i * 7919) % writes}"));

            // The same writes and reads from wrk, a load generator in a process of its own, beside pgbench for PostgreSQL.
            var (wrk, wrkMissing) = WrkLoad.Find();
            Result? nativeWrite = null, nativeRead = null;
            if (wrk is not null)
            {
                if (!smoke) await WrkLoad.PutAsync(wrk, server, adminToken, "/v1/dbs/bench/docs/native/warm-", document, Connections, NativeWarmUp);
                nativeWrite = await WrkLoad.PutAsync(wrk, server, adminToken, "/v1/dbs/bench/docs/native/w-", document, Connections, NativeRun(smoke));
                nativeRead = await WrkLoad.GetAsync(wrk, server, adminToken, "/v1/dbs/bench/docs/docs/d", writes, Connections, NativeRun(smoke));
            }

            var (pg, missing) = PostgresServer.TryStart();
            Result? postgres = null, pgbench = null;
            if (pg is not null)
            {
                using (pg)
                {
                    postgres = await PostgresAsync(pg, writes, document, smoke);
                    if (!smoke) await PgBenchLoad.InsertAsync(pg, "docs", "warm", document, Connections, NativeWarmUp);
                    pgbench = await PgBenchLoad.InsertAsync(pg, "docs", "p", document, Connections, NativeRun(smoke));
                }
            }
            var ceiling = await CeilingAsync(reads, document, wrk, smoke);
            AddRows(table, "", "load generator", write, read, ceiling.Put, ceiling.Get, postgres, "PostgreSQL 15", missing);
            if (nativeWrite is null || nativeRead is null || ceiling.Native is not { } wrkCeiling)
                table.Add("HTTP from wrk (a load generator in its own process)", "-", wrkMissing ?? "-", "-");
            else
                AddRows(table, ", wrk", "wrk's", nativeWrite, nativeRead, wrkCeiling.Put, wrkCeiling.Get, pgbench, "PostgreSQL 15 by pgbench", missing);

            var replica = (Replica)app.Services.GetService(typeof(Replica))!;
            using var device = DeviceClient(replica.Key, replica.Did, port);
            // The session is established on its first request (four signatures checked) and cached after:
            // warm it and the device's connections as the admin token's were warmed above.
            await WarmAsync(smoke, i => device.PutAsync($"/v1/dbs/bench/docs/orders/d1-w{i}", Json(document)));
            const int Rounds = 4;
            int half = Math.Max(1, writes / (2 * Rounds));
            var rounds = new List<(Result Admin, Result Chain)>();
            for (int round = 0, next = 0; round < Rounds; round++)
            {
                bool adminFirst = round % 2 == 0;
                Result a, c;
                int at = next;
                if (adminFirst)
                {
                    a = await LoadAsync(half, i => http.PutAsync($"/v1/dbs/bench/docs/orders/a{at + i}", Json(document)));
                    c = await LoadAsync(half, i => device.PutAsync($"/v1/dbs/bench/docs/orders/d1-{at + i}", Json(document)));
                }
                else
                {
                    c = await LoadAsync(half, i => device.PutAsync($"/v1/dbs/bench/docs/orders/d1-{at + i}", Json(document)));
                    a = await LoadAsync(half, i => http.PutAsync($"/v1/dbs/bench/docs/orders/a{at + i}", Json(document)));
                }
                next += half;
                rounds.Add((a, c));
            }
            var admin = Result.Of([.. rounds.Select(r => r.Admin)]);
            var chain = Result.Of([.. rounds.Select(r => r.Chain)]);
            table.Add($"HTTP writes/s, 3-link UCAN chain, {Connections} connections", Table.Rate(chain.PerSecond),
                $"admin token {Table.Rate(admin.PerSecond)} in the same run; target ≥ 90%", $"{chain.PerSecond / admin.PerSecond:P0}");
            table.Add("HTTP write latency p50 / p99, UCAN chain (ms)", $"{chain.P50:N1} / {chain.P99:N1}", $"admin token {admin.P50:N1} / {admin.P99:N1}", "-");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>One load generator's rows: writes beside PostgreSQL's, their latency, reads, and the generator's own ceiling.</summary>
    private static void AddRows(Table table, string suffix, string generator, Result write, Result read, double ceilingPut, double ceilingGet, Result? postgres, string peer, string? missing)
    {
        table.Add($"HTTP writes/s, {Connections} connections{suffix}", Table.Rate(write.PerSecond),
            postgres is null ? $"PostgreSQL: {missing}" : $"{peer} {Table.Rate(postgres.PerSecond)}; target ≥ 1.5x",
            postgres is null ? "-" : $"{write.PerSecond / postgres.PerSecond:N1}x");
        table.Add($"HTTP write latency p50 / p99 (ms){suffix}", $"{write.P50:N1} / {write.P99:N1}",
            postgres is null ? "-" : $"{peer} {postgres.P50:N1} / {postgres.P99:N1}; target p99 < 20", "-");
        table.Add($"HTTP reads/s, {Connections} connections{suffix}", Table.Rate(read.PerSecond), "target ≥ 60,000", $"{read.PerSecond / 60_000:N2}x");
        table.Add($"{generator} ceiling: trivial PUT / GET, {Connections} connections", $"{Table.Rate(ceilingPut)} / {Table.Rate(ceilingGet)}",
            $"Causeway writes at {write.PerSecond / ceilingPut:P0}, reads at {read.PerSecond / ceilingGet:P0} of it", "-");
    }

    /// <summary>How long wrk and pgbench warm up before a measured run, and how long the run lasts.</summary>
    private static readonly TimeSpan NativeWarmUp = TimeSpan.FromSeconds(2);
    private static TimeSpan NativeRun(bool smoke) => TimeSpan.FromSeconds(smoke ? 1 : 10);

    /// <summary>What each load generator can send at all, on the same cores: the same client and loops
    /// (and wrk, when it is installed) against a Kestrel endpoint that only drains the request and
    /// answers a small JSON body, with the same document for PUT. Causeway's figures are only
    /// meaningful well below this ceiling.</summary>
    private static async Task<(double Put, double Get, (double Put, double Get)? Native)> CeilingAsync(int requests, string document, string? wrk, bool smoke)
    {
        int port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var trivial = builder.Build();
        var answer = System.Text.Encoding.UTF8.GetBytes("""{"commit":"bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqqqqqqq","position":1}""");
        trivial.MapMethods("/{**rest}", ["GET", "PUT"], async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(answer);
        });
        await trivial.StartAsync();
        try
        {
            using var http = Client(new Uri($"http://127.0.0.1:{port}"), "trivial");
            await LoadAsync(Math.Min(requests, 3_000), i => http.GetAsync($"/warm/{i}"));
            var put = await LoadAsync(requests, i => http.PutAsync($"/v1/dbs/bench/docs/docs/d{i}", Json(document)));
            var get = await LoadAsync(requests, i => http.GetAsync($"/v1/dbs/bench/docs/docs/d{i}"));
            if (wrk is null) return (put.PerSecond, get.PerSecond, null);
            var url = new Uri($"http://127.0.0.1:{port}");
            var nativePut = await WrkLoad.PutAsync(wrk, url, "trivial", "/v1/dbs/bench/docs/docs/w-", document, Connections, NativeRun(smoke));
            var nativeGet = await WrkLoad.GetAsync(wrk, url, "trivial", "/v1/dbs/bench/docs/docs/d", requests, Connections, NativeRun(smoke));
            return (put.PerSecond, get.PerSecond, (nativePut.PerSecond, nativeGet.PerSecond));
        }
        finally
        {
            await trivial.StopAsync();
            await trivial.DisposeAsync();
        }
    }

    private static async Task<Result> PostgresAsync(PostgresServer pg, int writes, string document, bool smoke)
    {
        await using var source = NpgsqlDataSource.Create(pg.ConnectionString);
        await using (var create = source.CreateCommand("CREATE TABLE docs (id text PRIMARY KEY, body jsonb NOT NULL)")) await create.ExecuteNonQueryAsync();
        async Task<HttpStatusCode> Insert(string id)
        {
            await using var command = source.CreateCommand("INSERT INTO docs (id, body) VALUES ($1, $2::jsonb)");
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(document);
            await command.ExecuteNonQueryAsync();
            return HttpStatusCode.OK;
        }
        await WarmAsync(smoke, i => Insert($"warm{i}"));
        return await LoadAsync(writes, i => Insert($"d{i}"));
    }

    internal sealed record Result(double PerSecond, double P50, double P99)
    {
        /// <summary>Every request's latency (ms), sorted.</summary>
        public double[] Latencies { get; init; } = [];

        /// <summary>The throughput and percentiles of several runs of the same size taken together.</summary>
        public static Result Of(IReadOnlyList<Result> runs)
        {
            var all = runs.SelectMany(r => r.Latencies).Order().ToArray();
            double perSecond = runs.Sum(r => r.Latencies.Length) / runs.Sum(r => r.Latencies.Length / r.PerSecond);
            return new Result(perSecond, all[(int)(all.Length * 0.50)], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]) { Latencies = all };
        }
    }

    /// <summary>A client for a device three links below the owner: owner → org admin (everything in bench) →
    /// shop admin (documents of bench) → device (writes to bench's orders with ids d1-…), presenting a
    /// session delegation to the server as its bearer token and the chain in the Ucans header.</summary>
    private static HttpClient DeviceClient(PrincipalKey owner, string server, int port)
    {
        using var org = PrincipalKey.Create();
        using var shop = PrincipalKey.Create();
        using var device = PrincipalKey.Create();
        var until = DateTimeOffset.UtcNow.AddHours(2);
        var links = new[]
        {
            Delegation.Create(owner, org.Did, owner.Did, Commands.All, Scope.Database("bench"), until),
            Delegation.Create(org, shop.Did, owner.Did, "/doc", Scope.Database("bench"), until),
            Delegation.Create(shop, device.Did, owner.Did, Commands.DocWrite, Scope.IdPrefix("bench", "orders", "d1-"), until),
        };
        var session = Delegation.Create(device, server, owner.Did, Commands.DocWrite, null, until);
        var http = Client(new Uri($"http://127.0.0.1:{port}"), TokenText.Encode(session.Bytes));
        http.DefaultRequestHeaders.TryAddWithoutValidation("Ucans", string.Join(", ", links.Select(l => TokenText.Encode(l.Bytes))));
        return http;
    }

    /// <summary>Warms a kind of request until the JIT has settled (<see cref="Rounds.WarmUntilJitSettlesAsync"/>):
    /// batches of 1,000 until half a second passes with nothing compiled (at least 3,000 requests, at
    /// most 20 s). PostgreSQL's client side (Npgsql) is warmed the same way.</summary>
    internal static Task WarmAsync(bool smoke, Func<int, Task<HttpResponseMessage>> send) => WarmAsync(smoke, Checked(send));

    internal static Task WarmAsync(bool smoke, Func<int, Task<HttpStatusCode>> send)
        => smoke
            ? LoadAsync(50, send)
            : Rounds.WarmUntilJitSettlesAsync(batch => LoadAsync(1_000, i => send(batch * 1_000 + i)), minSteps: 3, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(20));

    /// <summary>Sends <paramref name="total"/> requests from <see cref="Connections"/> concurrent loops; any failure throws.</summary>
    internal static Task<Result> LoadAsync(int total, Func<int, Task<HttpResponseMessage>> send) => LoadAsync(total, Checked(send));

    /// <summary>The request's status; a failure throws with the answer's body.</summary>
    private static Func<int, Task<HttpStatusCode>> Checked(Func<int, Task<HttpResponseMessage>> send) => async i =>
    {
        using var response = await send(i);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"request {i} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    };

    /// <summary>Runs <paramref name="total"/> operations from <see cref="Connections"/> concurrent loops (requests, or any other operation answering a status).</summary>
    internal static async Task<Result> LoadAsync(int total, Func<int, Task<HttpStatusCode>> send)
    {
        GeneratorThreads();
        var latencies = new double[total];
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                await send(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Result(total / seconds, latencies[(int)(total * 0.50)], latencies[Math.Min(total - 1, (int)(total * 0.99))]) { Latencies = latencies };
    }

    /// <summary>Gives the thread pool, which this in-process generator shares with the server, threads
    /// for its 64 loops up front: without them its own ceiling against a trivial endpoint fell by a
    /// third (docs/benchmarks.md). The server does not need them: driven by wrk from another process it
    /// answered as fast with the pool's defaults.</summary>
    private static void GeneratorThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < Connections) ThreadPool.SetMinThreads(Connections, io);
    }

    /// <summary>A client of the server at <paramref name="url"/> with up to <see cref="Connections"/> connections, sending <paramref name="token"/> as its bearer.</summary>
    internal static HttpClient Client(Uri url, string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    internal static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

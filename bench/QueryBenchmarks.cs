using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Causeway.Queries;
using Causeway.Server;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>The query figures: equality, range, prefix and top-K-with-filter queries (limit 10) over
/// the same documents (<see cref="QueryData"/>) in Causeway, SQLite (JSON text with expression
/// indexes) and LiteDB (its own indexes), embedded and single-threaded; the equality query at a past
/// position beside the same query now; the write cost of automatic indexes; and, over HTTP on
/// loopback, Causeway's <c>POST /v1/dbs/{db}/query</c> beside pouchdb-server's <c>_find</c> with
/// Mango indexes. Causeway is measured only through its public API, so the figures follow whatever
/// the engine does with a query (scan or index).</summary>
internal static class QueryBenchmarks
{
    public const int DefaultDocs = 1_000_000;
    public const int DefaultHttpDocs = 50_000;
    public const int SmokeDocs = 2_000;
    public const int DefaultSeconds = 10;

    // ---- the index switch: the one place that turns Causeway's automatic indexes on or off ----

    /// <summary>A replica with automatic path indexes (<paramref name="indexes"/> true) or without.</summary>
    private static Task<Replica> OpenReplica(string folder, bool indexes)
        => Replica.OpenAsync(folder, new ReplicaOptions { Indexes = indexes, StoreCacheBytes = CacheBytes ?? new ReplicaOptions().StoreCacheBytes });

    /// <summary>The store cache the embedded run opens Causeway with (<c>--cache-mb</c>; the replica's default when absent).</summary>
    public static long? CacheBytes { get; set; }

    // ---- embedded ----

    public static async Task RunAsync(bool smoke, int docs, int seconds, Table table)
    {
        var budget = Budget.Of(smoke, seconds);
        var data = new QueryData(docs);
        var root = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"Query benchmarks, embedded ({(smoke ? "smoke: tiny sizes, figures meaningless" : "full")}): {docs:N0} documents of ~{AverageBytes(data):N0} B, " +
                $"up to {budget.MaxQueries:N0} queries or {budget.Time.TotalSeconds:N1} s per query kind and engine, single-threaded");

            // The JIT's optimized tiers first, so the first load (with indexes) is not the one that pays for them.
            await using (var warm = await OpenReplica(Path.Combine(root, "causeway-warm"), indexes: true))
                await LoadCausewayAsync(await warm.CreateDatabaseAsync("bench"), new QueryData(Math.Min(docs, 4_000)));

            string indexedFolder = Path.Combine(root, "causeway-indexed");
            var clock = Stopwatch.StartNew();
            var replica = await OpenReplica(indexedFolder, indexes: true);
            var db = await replica.CreateDatabaseAsync("bench");
            var (half, halfPosition) = await LoadCausewayAsync(db, data);
            double causewayLoad = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"loaded Causeway in {causewayLoad:N1} s ({docs / causewayLoad:N0} docs/s, commits of {BatchSize(docs):N0})");

            clock.Restart();
            using var sqlite = SqliteQueryBaseline.Load(Path.Combine(root, "sqlite"), data);
            double sqliteLoad = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"loaded SQLite in {sqliteLoad:N1} s (indexes built after the load)");
            clock.Restart();
            using var lite = LiteDbBaseline.Load(Path.Combine(root, "litedb"), data);
            double liteLoad = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"loaded LiteDB in {liteLoad:N1} s (indexes built after the load)");
            table.Add($"load {docs:N0} docs (s)", $"{causewayLoad:N1}", $"SQLite {sqliteLoad:N1}; LiteDB {liteLoad:N1}", "-");

            foreach (var kind in Enum.GetValues<QueryKind>())
            {
                var c = data.Case(kind, 0);
                string plan = sqlite.Plan(c);
                Console.WriteLine($"SQLite plan, {Describe(kind)}: {plan} ({(plan.Contains("USING INDEX", StringComparison.Ordinal) ? "uses an index" : "NO INDEX USED")})");
                Console.WriteLine($"LiteDB plan, {Describe(kind)}: {lite.Plan(c)}");
                var explained = (await db.QueryAsync(CausewayQuery(c), explain: true)).Plan!;
                Console.WriteLine($"Causeway plan, {Describe(kind)}: {explained.Access} [{string.Join("; ", explained.Ranges)}], order {explained.Order}, "
                    + $"estimated {explained.EstimatedRows?.ToString() ?? "-"}, examined {explained.ExaminedRows}, index keys {explained.IndexKeysRead}{(explained.Fallback is null ? "" : $", fallback: {explained.Fallback}")}");
            }

            // Measured once RocksDB's background work after the load is done, as SQLite's indexes are built.
            if (replica.Store is Storage.RocksDbStore store)
            {
                var settle = Stopwatch.StartNew();
                while (store.Busy && settle.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
                Console.WriteLine($"Causeway's store before the queries: table files by level {string.Join(" / ", store.FilesByLevel)} (level 0 first)");
            }

            Measure? equalityNow = null;
            foreach (var kind in Enum.GetValues<QueryKind>())
            {
                var measured = await MeasurePairedAsync(budget, n => data.Case(kind, n),
                    new Engine(async c => Ids((await db.QueryAsync(CausewayQuery(c))).Documents), (c, ids) => data.Check(c, ids, docs)),
                    new Engine(c => Task.FromResult(sqlite.Run(c)), (c, ids) => data.Check(c, ids, docs)),
                    new Engine(c => Task.FromResult(lite.Run(c)), (c, ids) => data.Check(c, ids, docs)));
                var (causeway, sq, li) = (measured[0], measured[1], measured[2]);
                if (kind == QueryKind.Equality) equalityNow = causeway;

                string name = $"{Describe(kind)}, limit 10";
                string rateTarget = kind == QueryKind.Equality ? "target ≥ 1x SQLite" : "target ≥ 1,000";
                table.Add($"{name}: p50 / p99 µs", $"{Us(causeway.P50)} / {Us(causeway.P99)}",
                    $"SQLite {Us(sq.P50)} / {Us(sq.P99)}; LiteDB {Us(li.P50)} / {Us(li.P99)}" + (kind == QueryKind.Equality ? "; target p50 ≤ 25" : ""),
                    kind == QueryKind.Equality ? $"{Times(causeway.P50 / 25)} target" : "-");
                table.Add($"{name}: queries/s", Table.Rate(causeway.PerSecond), $"SQLite {Table.Rate(sq.PerSecond)}; LiteDB {Table.Rate(li.PerSecond)}; {rateTarget}"
                        + (kind == QueryKind.Equality ? $" (median of {TurnRounds} rounds in turns; all rounds {Times(causeway.PerSecond / sq.PerSecond)})" : ""),
                    kind == QueryKind.Equality ? $"{Times(MedianRatio(causeway, sq))} SQLite" : $"{Times(causeway.PerSecond / 1_000)} target");
                Console.WriteLine($"{name}: Causeway {causeway.Queries:N0} queries, SQLite {sq.Queries:N0}, LiteDB {li.Queries:N0}");
                AddProblems(table, name, ("Causeway", causeway), ("SQLite", sq), ("LiteDB", li));
            }

            // The same equality query at the position where half the documents were loaded.
            var at = ReadPoint.AtPosition(halfPosition);
            var past = await MeasureAsync(budget, n => data.Case(QueryKind.Equality, n), async c => Ids((await db.QueryAsync(CausewayQuery(c).At(at))).Documents), (c, ids) => data.Check(c, ids, half));
            table.Add($"equality at a past position ({half:N0} of {docs:N0} docs loaded): p50 / p99 µs", $"{Us(past.P50)} / {Us(past.P99)}",
                $"now {Us(equalityNow!.P50)} / {Us(equalityNow.P99)}; target p50 ≤ 2x now", $"{Times(past.P50 / equalityNow.P50)} now");
            AddProblems(table, "equality at a past position", ("Causeway", past));

            await replica.DisposeAsync();
            await WriteCostAsync(root, indexedFolder, data, smoke, causewayLoad, table);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>What automatic indexes cost writers: the store's size with and without them after the
    /// same load, then durable single-document commits (one writer) into each, in alternated rounds.</summary>
    private static async Task WriteCostAsync(string root, string indexedFolder, QueryData data, bool smoke, double indexedLoad, Table table)
    {
        long withBytes = await TableBytesAsync(indexedFolder, indexes: true);
        string plainFolder = Path.Combine(root, "causeway-plain");
        var clock = Stopwatch.StartNew();
        await using (var plain = await OpenReplica(plainFolder, indexes: false))
            await LoadCausewayAsync(await plain.CreateDatabaseAsync("bench"), data);
        double plainLoad = clock.Elapsed.TotalSeconds;
        long withoutBytes = await TableBytesAsync(plainFolder, indexes: false);
        Console.WriteLine($"loaded Causeway without indexes in {plainLoad:N1} s; tables {withBytes / 1e6:N1} MB with indexes, {withoutBytes / 1e6:N1} MB without " +
            $"(whole folders {FolderBytes(indexedFolder) / 1e6:N1} and {FolderBytes(plainFolder) / 1e6:N1} MB)");
        table.Add($"load docs/s, commits of {BatchSize(data.Count):N0}, indexes on", Table.Rate(data.Count / indexedLoad),
            $"indexes off {Table.Rate(data.Count / plainLoad)}", $"{plainLoad / indexedLoad:P0}");
        table.Add("index bytes per document (tables with − without)", $"{(withBytes - withoutBytes) / (double)data.Count:N1}",
            $"tables {withBytes / 1e6:N1} MB with, {withoutBytes / 1e6:N1} MB without", "-");

        await using var indexed = await OpenReplica(indexedFolder, indexes: true);
        await using var unindexed = await OpenReplica(plainFolder, indexes: false);
        var on = indexed.GetDatabase("bench");
        var off = unindexed.GetDatabase("bench");
        int warm = smoke ? 20 : 300, perRound = smoke ? 25 : 1_000;
        const int Rounds = 4;
        int next = data.Count;
        var documents = Enumerable.Range(0, warm + Rounds * perRound).Select(k => ValueJson.Parse(data.Json((data.Count + k) % data.Count))).ToArray();
        for (int k = 0; k < warm; k++)
        {
            await on.PutAsync(QueryData.Collection, QueryData.Id(next + k), documents[k]);
            await off.PutAsync(QueryData.Collection, QueryData.Id(next + k), documents[k]);
        }
        next += warm;
        double onSeconds = 0, offSeconds = 0;
        for (int round = 0; round < Rounds; round++)
        {
            // Alternated (on, off, off, on, ...) so neither gets the quieter turns.
            foreach (bool indexes in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var target = indexes ? on : off;
                var start = Stopwatch.GetTimestamp();
                for (int k = 0; k < perRound; k++)
                    await target.PutAsync(QueryData.Collection, QueryData.Id(next + k), documents[warm + round * perRound + k]);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (indexes) onSeconds += elapsed; else offSeconds += elapsed;
            }
            next += perRound;
        }
        double onRate = Rounds * perRound / onSeconds, offRate = Rounds * perRound / offSeconds;
        table.Add("durable single-document commits/s, 1 writer, indexes on", Table.Rate(onRate),
            $"indexes off {Table.Rate(offRate)} (same run, alternated); target ≥ 70%", $"{onRate / offRate:P0}");
    }

    // ---- HTTP ----

    public static async Task RunHttpAsync(bool smoke, int docs, int seconds, Table table)
    {
        var budget = Budget.Of(smoke, seconds);
        var data = new QueryData(docs);
        Console.WriteLine($"Query benchmarks, HTTP on loopback ({(smoke ? "smoke: tiny sizes, figures meaningless" : "full")}): {docs:N0} documents of ~{AverageBytes(data):N0} B, " +
            $"one request at a time over a pooled HttpClient, up to {budget.MaxQueries:N0} queries or {budget.Time.TotalSeconds:N1} s per query kind and server");
        var (pouch, missing) = await PouchDbServer.TryStartAsync(smoke);
        if (pouch is null)
        {
            if (!smoke) throw new PeerMissingException($"the pouchdb-server peer is needed for the HTTP query figures: {missing}");
            Console.WriteLine($"note: pouchdb-server is skipped in this smoke run: {missing}");
        }

        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        int port = HttpBenchmarks.FreePort();
        var app = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = folder, Urls = $"http://127.0.0.1:{port}" });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4, PooledConnectionLifetime = TimeSpan.FromMinutes(30) }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(folder, "admin.token")).Trim());
            (await http.PutAsync("/v1/dbs/bench", null)).EnsureSuccessStatusCode();
            // Loaded through the server's own replica (the data is the same; the figures are the queries').
            var replica = (Replica)app.Services.GetService(typeof(Replica))!;
            var clock = Stopwatch.StartNew();
            await LoadCausewayAsync(replica.GetDatabase("bench"), data);
            Console.WriteLine($"loaded the Causeway server in {clock.Elapsed.TotalSeconds:N1} s");

            using var pouchHttp = pouch is null ? null : new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4, PooledConnectionLifetime = TimeSpan.FromMinutes(30) }) { BaseAddress = pouch.Address, Timeout = TimeSpan.FromMinutes(10) };
            if (pouchHttp is not null) await LoadPouchAsync(pouchHttp, data);

            foreach (var kind in new[] { QueryKind.Equality, QueryKind.Range, QueryKind.TopK })
            {
                var causeway = await MeasureAsync(budget, n => data.Case(kind, n), c => PostAsync(http, "/v1/dbs/bench/query", CausewayJson(c)), (c, ids) => data.Check(c, ids, docs));
                var peer = pouchHttp is null ? null
                    : await MeasureAsync(budget, n => data.Case(kind, n), c => PostAsync(pouchHttp, "/bench/_find", MangoJson(c)), (c, ids) => data.Check(c, ids, docs));
                string name = $"HTTP {Describe(kind)}, limit 10, {docs:N0} docs";
                table.Add($"{name}: p50 / p99 ms", $"{Ms(causeway.P50)} / {Ms(causeway.P99)}",
                    (peer is null ? "pouchdb-server: skipped" : $"pouchdb-server {Ms(peer.P50)} / {Ms(peer.P99)}") + "; target p50 ≤ 2 and ≥ 5x faster",
                    peer is null ? "-" : $"{Times(peer.P50 / causeway.P50)} faster");
                table.Add($"{name}: queries/s", Table.Rate(causeway.PerSecond), peer is null ? "-" : $"pouchdb-server {Table.Rate(peer.PerSecond)}", peer is null ? "-" : Times(causeway.PerSecond / peer.PerSecond));
                Console.WriteLine($"{name}: Causeway {causeway.Queries:N0} queries, pouchdb-server {peer?.Queries.ToString("N0") ?? "-"}");
                AddProblems(table, name, ("Causeway", causeway), ("pouchdb-server", peer));
            }
        }
        finally
        {
            pouch?.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Loads pouchdb-server: _bulk_docs of 1,000, then Mango indexes on the queried fields,
    /// each built by a first query (PouchDB builds an index when it is first used).</summary>
    private static async Task LoadPouchAsync(HttpClient pouch, QueryData data)
    {
        var clock = Stopwatch.StartNew();
        await SendAsync(pouch, HttpMethod.Put, "/bench", null);
        for (int start = 0; start < data.Count; start += 1_000)
        {
            var body = new StringBuilder("{\"docs\":[");
            for (int i = start; i < Math.Min(data.Count, start + 1_000); i++)
            {
                if (i > start) body.Append(',');
                body.Append(data.Json(i, withId: true));
            }
            await SendAsync(pouch, HttpMethod.Post, "/bench/_bulk_docs", body.Append("]}").ToString());
        }
        double load = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var (name, fields) in new[] { ("status", "[\"status\"]"), ("price", "[\"price\"]"), ("category-price", "[\"category\", \"price\"]") })
            await SendAsync(pouch, HttpMethod.Post, "/bench/_index", $$"""{"index": {"fields": {{fields}}}, "name": "{{name}}", "ddoc": "{{name}}", "type": "json"}""");
        foreach (var kind in new[] { QueryKind.Equality, QueryKind.Range, QueryKind.TopK })
            await SendAsync(pouch, HttpMethod.Post, "/bench/_find", MangoJson(data.Case(kind, 0)));
        Console.WriteLine($"loaded pouchdb-server in {load:N1} s, built its 3 Mango indexes in {clock.Elapsed.TotalSeconds:N1} s");
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>One query over HTTP; the document ids of its answer, read from <c>docs[]._id</c>
    /// (both servers answer so). The body is read whole inside the timing.</summary>
    private static async Task<IReadOnlyList<string>> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(text)}");
        using var answer = JsonDocument.Parse(text);
        var ids = new List<string>(QueryData.Limit);
        foreach (var doc in answer.RootElement.GetProperty("docs").EnumerateArray()) ids.Add(doc.GetProperty("_id").GetString()!);
        return ids;
    }

    // ---- the queries, in each engine's form ----

    private static Query CausewayQuery(QueryCase c)
    {
        var query = Query.In(QueryData.Collection);
        query = c.Kind switch
        {
            QueryKind.Equality => query.Where(Pred.Eq("status", Value.String(c.Status))),
            QueryKind.Range => query.Where(Pred.Gte("price", Value.Int(c.Low)) & Pred.Lt("price", Value.Int(c.High))),
            QueryKind.Prefix => query.Where(Pred.Prefix("sku", c.Prefix)),
            _ => query.Where(Pred.Eq("category", Value.String(c.Category))).OrderBy("price", desc: true),
        };
        return query.Take(QueryData.Limit);
    }

    private static string CausewayJson(QueryCase c) => c.Kind switch
    {
        QueryKind.Equality => $$"""{"collection": "items", "where": {"path": "status", "eq": "{{c.Status}}"}, "limit": 10}""",
        QueryKind.Range => $$$"""{"collection": "items", "where": {"and": [{"path": "price", "gte": {{{c.Low}}}}, {"path": "price", "lt": {{{c.High}}}}]}, "limit": 10}""",
        QueryKind.Prefix => $$"""{"collection": "items", "where": {"path": "sku", "prefix": "{{c.Prefix}}"}, "limit": 10}""",
        _ => $$"""{"collection": "items", "where": {"path": "category", "eq": "{{c.Category}}"}, "orderBy": [{"path": "price", "desc": true}], "limit": 10}""",
    };

    private static string MangoJson(QueryCase c) => c.Kind switch
    {
        QueryKind.Equality => $$"""{"selector": {"status": "{{c.Status}}"}, "limit": 10, "use_index": "status"}""",
        QueryKind.Range => $$$"""{"selector": {"price": {"$gte": {{{c.Low}}}, "$lt": {{{c.High}}}}}, "limit": 10, "use_index": "price"}""",
        QueryKind.Prefix => $$$"""{"selector": {"sku": {"$gte": "{{{c.Prefix}}}", "$lt": "{{{c.Prefix}}}\uffff"}}, "limit": 10}""",
        _ => $$"""{"selector": {"category": "{{c.Category}}"}, "sort": [{"category": "desc"}, {"price": "desc"}], "limit": 10, "use_index": "category-price"}""",
    };

    private static string Describe(QueryKind kind) => kind switch
    {
        QueryKind.Equality => "equality status = S",
        QueryKind.Range => "range a ≤ price < b",
        QueryKind.Prefix => "prefix sku starts with P",
        _ => "top-K category = C by price desc",
    };

    // ---- loading Causeway ----

    private static int BatchSize(int docs) => Math.Clamp(docs / 4, 1, 1_000);

    /// <summary>Loads the documents in commits of <see cref="BatchSize"/>, the next commit's values
    /// parsed while the previous one commits. Returns how many were loaded at the middle commit and its position.</summary>
    /// <summary>The schema every Causeway load declares first: the compound (category, price) index,
    /// the one SQLite has, so top-K by category walks just its page.</summary>
    private static readonly Causeway.Schemas.Schema ItemsSchema =
        Causeway.Schemas.SchemaJson.Parse("""{ "collections": { "items": { "index": { "compound": [["category", "price"]] } } } }""");

    private static async Task<(int Half, long HalfPosition)> LoadCausewayAsync(Database db, QueryData data)
    {
        // Declared before the documents, so the index holds it whole from the start.
        await db.SetSchemaAsync(ItemsSchema);
        int batch = BatchSize(data.Count);
        int half = data.Count / 2 / batch * batch;
        long halfPosition = 0;
        Value[] Parse(int start) => [.. Enumerable.Range(start, Math.Min(batch, data.Count - start)).Select(i => ValueJson.Parse(data.Json(i)))];
        var next = Task.Run(() => Parse(0));
        for (int start = 0; start < data.Count; start += batch)
        {
            var values = await next;
            if (start + batch < data.Count) { int following = start + batch; next = Task.Run(() => Parse(following)); }
            int first = start;
            var result = await db.TransactAsync(tx =>
            {
                for (int k = 0; k < values.Length; k++) tx.Put(QueryData.Collection, QueryData.Id(first + k), values[k]);
            });
            if (start + values.Length == half) halfPosition = result.Position;
        }
        return (half, halfPosition);
    }

    // ---- measuring ----

    /// <param name="WarmUpQueries">Queries run before measuring, at least.</param>
    /// <param name="Settled">How long the JIT must have compiled nothing before measuring starts.</param>
    /// <param name="WarmUp">The longest warm-up.</param>
    private sealed record Budget(int WarmUpQueries, TimeSpan Settled, TimeSpan WarmUp, int MaxQueries, int MinQueries, TimeSpan Time, int Checks)
    {
        public static Budget Of(bool smoke, int seconds) => smoke
            ? new(10, TimeSpan.Zero, TimeSpan.FromSeconds(0.1), 300, 3, TimeSpan.FromSeconds(0.25), 5)
            : new(200, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(10), 20_000, 5, TimeSpan.FromSeconds(seconds), 20);
    }

    /// <summary>Latencies in µs; queries per second of one thread (queries over their summed time);
    /// the first problem found by the checks, if any; with paired rounds, each round's rate.</summary>
    private sealed record Measure(int Queries, double P50, double P99, double PerSecond, string? Problem)
    {
        public double[] RoundRates { get; init; } = [];
    }

    /// <summary>One engine's query, and the check of its answer.</summary>
    private sealed record Engine(Func<QueryCase, Task<IReadOnlyList<string>>> Run, Func<QueryCase, IReadOnlyList<string>, string?> Check);

    /// <summary>How many rounds the embedded engines take turns in.</summary>
    private const int TurnRounds = 6;

    /// <summary>Runs queries one after another: a warm-up (other parameters), then timed runs until the
    /// budget's count or time is reached. The answers of the first few runs are checked, outside the timing.</summary>
    private static async Task<Measure> MeasureAsync(Budget budget, Func<int, QueryCase> cases, Func<QueryCase, Task<IReadOnlyList<string>>> run, Func<QueryCase, IReadOnlyList<string>, string?> check)
    {
        await WarmAsync(budget, cases, run);
        var latencies = new List<double>();
        var (_, problem) = await TimedAsync(cases, 0, budget.MaxQueries, budget.MinQueries, budget.Time, budget.Checks, new Engine(run, check), latencies);
        return Summary(latencies, problem);
    }

    /// <summary>The engines take turns: each is warmed, then in each of <see cref="TurnRounds"/> rounds each
    /// runs a slot of the budget (the same query parameters), the first engine of a round changing from
    /// round to round. A stretch of noise on the machine then falls on every engine rather than on
    /// whichever ran then; each round's rates give a ratio, and their median is the comparison.</summary>
    private static async Task<Measure[]> MeasurePairedAsync(Budget budget, Func<int, QueryCase> cases, params Engine[] engines)
    {
        foreach (var engine in engines) await WarmAsync(budget, cases, engine.Run);
        var latencies = engines.Select(_ => new List<double>()).ToArray();
        var rates = engines.Select(_ => new double[TurnRounds]).ToArray();
        var problems = new string?[engines.Length];
        int perRound = Math.Max(1, budget.MaxQueries / TurnRounds);
        for (int round = 0; round < TurnRounds; round++)
        {
            for (int k = 0; k < engines.Length; k++)
            {
                int e = (round + k) % engines.Length;
                var (rate, problem) = await TimedAsync(cases, round * perRound, perRound, Math.Max(1, budget.MinQueries / TurnRounds), budget.Time / TurnRounds,
                    round == 0 ? budget.Checks : 0, engines[e], latencies[e]);
                rates[e][round] = rate;
                problems[e] ??= problem;
            }
        }
        return [.. engines.Select((_, e) => Summary(latencies[e], problems[e]) with { RoundRates = rates[e] })];
    }

    /// <summary>The median over rounds of <paramref name="a"/>'s rate over <paramref name="b"/>'s in the same round.</summary>
    private static double MedianRatio(Measure a, Measure b) => Rounds.Median(a.RoundRates.Zip(b.RoundRates, (x, y) => x / y));

    /// <summary>Every engine gets the same warm-up, with other parameters; the figures are its steady state.</summary>
    private static Task WarmAsync(Budget budget, Func<int, QueryCase> cases, Func<QueryCase, Task<IReadOnlyList<string>>> run)
        => Rounds.WarmUntilJitSettlesAsync(n => run(cases(1_000_000 + n)), budget.WarmUpQueries, budget.Settled, budget.WarmUp);

    /// <summary>Timed runs of parameters <paramref name="first"/>, <paramref name="first"/> + 1, … until
    /// <paramref name="max"/> runs or <paramref name="time"/> (at least <paramref name="min"/> runs),
    /// adding each latency (µs) to <paramref name="latencies"/>; the first <paramref name="checks"/>
    /// answers are checked outside the timing. Returns the slot's rate and the first problem.</summary>
    private static async Task<(double Rate, string? Problem)> TimedAsync(Func<int, QueryCase> cases, int first, int max, int min, TimeSpan time, int checks, Engine engine, List<double> latencies)
    {
        double total = 0;
        string? problem = null;
        int n = 0;
        for (; n < max && (n < min || total < time.TotalSeconds); n++)
        {
            var c = cases(first + n);
            long start = Stopwatch.GetTimestamp();
            var ids = await engine.Run(c);
            var elapsed = Stopwatch.GetElapsedTime(start);
            latencies.Add(elapsed.TotalMicroseconds);
            total += elapsed.TotalSeconds;
            if (n < checks && problem is null && engine.Check(c, ids) is { } wrong) problem = $"run {first + n} ({c}): {wrong}";
        }
        return (n / total, problem);
    }

    private static Measure Summary(List<double> latencies, string? problem)
    {
        double total = latencies.Sum() / 1e6;
        latencies.Sort();
        return new Measure(latencies.Count, latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))], latencies.Count / total, problem);
    }

    private static void AddProblems(Table table, string name, params (string Engine, Measure? Measure)[] measures)
    {
        foreach (var (engine, measure) in measures)
            if (measure?.Problem is { } problem)
            {
                table.Add($"WARNING {name}", engine, "wrong answer: " + problem, "-");
                Console.WriteLine($"WARNING: {engine}, {name}: wrong answer: {problem}");
            }
    }

    private static List<string> Ids(IReadOnlyList<Document> documents) => [.. documents.Select(d => d.Id)];
    /// <summary>A ratio as 1.23x, 4,567x from 100, or 1/4,567x below 0.01.</summary>
    private static string Times(double ratio) => ratio >= 100 ? $"{ratio:N0}x" : ratio >= 0.01 || ratio <= 0 ? $"{ratio:N2}x" : $"1/{1 / ratio:N0}x";
    private static string Us(double micros) => micros >= 100 ? micros.ToString("N0") : micros.ToString("N1");
    private static string Ms(double micros) => (micros / 1000).ToString(micros >= 100_000 ? "N0" : "N2");
    private static int AverageBytes(QueryData data) => (int)Enumerable.Range(0, Math.Min(1000, data.Count)).Average(i => System.Text.Encoding.UTF8.GetByteCount(data.Json(i)));

    /// <summary>The bytes of a closed replica's tables (RocksDB's *.sst files), once it has been opened
    /// and closed again, so what its write-ahead log held is in tables too. Documents are written once,
    /// so the tables hold the same data however far compaction has gone, and the WAL and logs, whose
    /// sizes depend on timing, are left out.</summary>
    private static async Task<long> TableBytesAsync(string folder, bool indexes)
    {
        await (await OpenReplica(folder, indexes)).DisposeAsync();
        return new DirectoryInfo(folder).EnumerateFiles("*.sst", SearchOption.AllDirectories).Sum(f => f.Length);
    }

    private static long FolderBytes(string folder) => new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}

/// <summary>A peer a full benchmark run needs is missing (smoke runs skip it instead).</summary>
internal sealed class PeerMissingException(string message) : Exception(message);

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Causeway.Encoding;
using Causeway.Replication;
using Causeway.Server;
using Causeway.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Causeway.Bench;

/// <summary>The replication figures of issue 5, between two servers on loopback (both in this
/// process, on the same 2 cores): initial sync of 100,000 documents of about 1 KB over the WebSocket
/// sync endpoint, bytes on the wire per document against the document's own size, and propagation
/// delay under 1,000 writes/s with a continuous link.</summary>
internal static class SyncBenchmarks
{
    public static async Task RunAsync(bool smoke, Table table)
    {
        int documents = smoke ? 500 : 100_000;
        int perCommitBatch = 100;
        string json = KilobyteDocument();
        int documentBytes = System.Text.Encoding.UTF8.GetByteCount(json);
        var document = ValueJson.Parse(json);

        // Propagation first, on servers of its own: the bulk loads below leave RocksDB compacting for a while.
        double p50, p99;
        int count;
        await using (var pa = await ServerAsync())
        await using (var pb = await ServerAsync())
            (p50, p99, count) = await PropagationAsync(pa, pb, document, smoke);

        await using var a = await ServerAsync();
        await using var b = await ServerAsync();
        var source = await a.Replica.CreateDatabaseAsync("bench");
        var batched = await a.Replica.CreateDatabaseAsync("batched");
        // One document per commit, from 64 writers (the worst case for sync: a commit, a signature and an ack per document).
        await Parallel.ForEachAsync(Enumerable.Range(0, documents), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (i, ct) => await source.PutAsync("docs", $"d{i}", document, ct));
        // The same documents in commits of 100.
        for (int i = 0; i < documents; i += perCommitBatch)
        {
            int first = i;
            await batched.TransactAsync(tx =>
            {
                for (int j = first; j < Math.Min(documents, first + perCommitBatch); j++) tx.Put("docs", $"d{j}", document);
                return Task.CompletedTask;
            });
        }

        var (single, singleResult) = await InitialSyncAsync(a, b, "bench", documents);
        table.Add($"initial sync, {documents:N0} docs of {documentBytes:N0} B, 1 doc/commit", $"{single.TotalSeconds:N1} s ({Table.Rate(documents / single.TotalSeconds)} docs/s)", "target ≤ 10 s", $"{10 / single.TotalSeconds:N2}x");
        var (batch, batchResult) = await InitialSyncAsync(a, b, "batched", documents);
        table.Add($"initial sync, {documents:N0} docs, {perCommitBatch} docs/commit", $"{batch.TotalSeconds:N1} s ({Table.Rate(documents / batch.TotalSeconds)} docs/s)", "target ≤ 6 s", $"{6 / batch.TotalSeconds:N2}x");
        double perDocument = (double)singleResult.BytesReceived / documents;
        double perDocumentBatched = (double)batchResult.BytesReceived / documents;
        table.Add("bytes on the wire per document, 1 doc/commit", $"{perDocument:N0} B = {perDocument / documentBytes:N2}x", $"document {documentBytes:N0} B; target < 1.5x", $"{1.5 / (perDocument / documentBytes):N2}x");
        table.Add($"bytes on the wire per document, {perCommitBatch} docs/commit", $"{perDocumentBatched:N0} B = {perDocumentBatched / documentBytes:N2}x", $"document {documentBytes:N0} B; target < 1.5x", $"{1.5 / (perDocumentBatched / documentBytes):N2}x");

        table.Add($"propagation delay p50 / p99 (ms), 1,000 writes/s, {count:N0} writes", $"{p50:N1} / {p99:N1}", "target p99 < 50", $"{50 / p99:N2}x");
    }

    /// <summary>Server b pulls database <paramref name="name"/> from server a once, over the WebSocket endpoint.</summary>
    private static async Task<(TimeSpan Elapsed, SyncResult Result)> InitialSyncAsync(Server a, Server b, string name, int documents)
    {
        var target = await b.Replica.CreateDatabaseAsync(name);
        // The receiver's own timings: checking frames (hashes, signatures) and applying them.
        double verify = 0, apply = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Instruments.Name && instrument.Name is "causeway.sync.verify.duration" or "causeway.sync.apply.duration")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (listener)
            {
                if (instrument.Name == "causeway.sync.verify.duration") verify += value;
                else apply += value;
            }
        });
        listener.Start();
        var collector = CollectorWork.Start();
        var clock = Stopwatch.StartNew();
        var channel = await SyncDialer.ConnectAsync(a.Url, name, a.Token);
        var result = await target.SyncAsync(channel, SyncDirection.Pull, SyncMode.Once);
        clock.Stop();
        listener.Dispose();
        Console.WriteLine($"initial sync of '{name}': {clock.Elapsed.TotalSeconds:N1} s; the receiver spent {verify:N1} s checking frames "
            + $"(hashes and signatures, on all cores, ahead of applying) and {apply:N1} s applying them; both servers allocated "
            + $"{collector.AllocatedSince / documents:N0} B per document; {collector}");
        var info = await target.InfoAsync();
        if (info.Documents != documents || !info.Heads.SequenceEqual((await a.Replica.GetDatabase(name).InfoAsync()).Heads))
            throw new InvalidOperationException($"Initial sync of '{name}' ended with {info.Documents} documents and other heads than the source.");
        return (clock.Elapsed, result);
    }

    /// <summary>b keeps a continuous link to a; a writer commits on a at 1,000/s; each commit's delay is
    /// from its acknowledgement on a to its visibility (its position published) on b.</summary>
    private static async Task<(double P50, double P99, int Count)> PropagationAsync(Server a, Server b, Value document, bool smoke)
    {
        var source = await a.Replica.CreateDatabaseAsync("live");
        var target = await b.Replica.CreateDatabaseAsync("live");
        await using var link = target.Replicate(ct => SyncDialer.ConnectAsync(a.Url, "live", a.Token, ct), a.Url.ToString(), SyncDirection.Pull);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (link.Status.State != "live")
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"The link did not come up: {link.Status.LastError}");
            await Task.Delay(10);
        }

        int writes = smoke ? 200 : 10_000;
        var acked = new ConcurrentDictionary<Cid, long>();
        var visible = new ConcurrentDictionary<Cid, long>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in target.ChangesAsync(target.Position, follow: true, stop.Token))
                    visible[change.Commit] = Stopwatch.GetTimestamp();
            }
            catch (OperationCanceledException) { }
        });

        // Paced by schedule at 1,000/s: each millisecond's writes start when it is due. The writer sleeps
        // between them rather than spinning, which would take one of the two cores from the servers.
        var collector = CollectorWork.Start();
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>(writes);
        for (int i = 0; i < writes;)
        {
            long due = (Stopwatch.GetTimestamp() - start) * 1000 / Stopwatch.Frequency + 1;
            for (; i < writes && i < due; i++)
            {
                int n = i;
                pending.Add(Task.Run(async () =>
                {
                    var result = await source.PutAsync("docs", $"d{n}", document);
                    acked[result.Commit] = Stopwatch.GetTimestamp();
                }));
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(pending);
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (!acked.Keys.All(visible.ContainsKey))
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("Not every commit reached the other server.");
            await Task.Delay(10);
        }
        // Both servers share this process's collector: its pauses are part of every delay they overlap.
        string collections = collector.ToString();
        stop.Cancel();
        await watching;
        var delays = acked.Select(kv => Math.Max(0, visible[kv.Key] - kv.Value) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        Console.WriteLine($"propagation (ms): p50 {delays[delays.Length / 2]:N1}, p90 {delays[(int)(delays.Length * 0.9)]:N1}, p95 {delays[(int)(delays.Length * 0.95)]:N1}, p99 {delays[(int)(delays.Length * 0.99)]:N1}, max {delays[^1]:N1}; over 10 ms: {delays.Count(d => d > 10)}; {collections}");
        return (delays[delays.Length / 2], delays[(int)(delays.Length * 0.99)], delays.Length);
    }

    /// <summary>A JSON document of about 1 KB: an order with lines and free text.</summary>
    internal static string KilobyteDocument()
    {
        var lines = string.Join(", ", Enumerable.Range(1, 8).Select(i => $$"""{"sku": "SKU-{{i * 7919 % 10000:D4}}", "name": "Item number {{i}} in the catalogue", "qty": {{i % 3 + 1}}, "price": {{i * 3.25:F2}}}"""));
        return """{"customer": "c-1042", "email": "someone@example.com", "status": "paid", "total": 129.95, "currency": "EUR", "lines": ["""
            + lines
            + """], "note": "Leave the parcel at the door and ring twice; the bell is on the left side of the gate.", "ship": {"street": "Rua Augusta 100", "city": "Lisbon", "zip": "1100-148", "country": "PT"}}""";
    }

    /// <summary>A server on loopback over a fresh data folder (RocksDB), deleted when disposed.</summary>
    internal static async Task<Server> ServerAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        int port = HttpBenchmarks.FreePort();
        var app = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = folder, Urls = $"http://127.0.0.1:{port}" },
            builder => builder.Logging.AddFilter("Causeway", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning));   // no session or start-up lines between the figures
        await app.StartAsync();
        return new Server(app, folder, new Uri($"http://127.0.0.1:{port}"), app.Services.GetRequiredService<Replica>(), File.ReadAllText(Path.Combine(folder, "admin.token")).Trim());
    }

    internal sealed record Server(WebApplication App, string Folder, Uri Url, Replica Replica, string Token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }
    }
}

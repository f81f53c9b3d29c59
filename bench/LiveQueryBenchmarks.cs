using System.Diagnostics;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>Live queries: 1,000 subscriptions on one collection (varied filters), a writer committing
/// at 1,000/s, and the delay from each commit's acknowledgement to each of its events arriving at a
/// subscriber. Target: p99 ≤ 10 ms.</summary>
internal static class LiveQueryBenchmarks
{
    private const int Subscriptions = 1_000;
    private const int Customers = 100;

    public static async Task RunAsync(bool smoke, Table table)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-bench", Guid.NewGuid().ToString("n"));
        try
        {
            await using var replica = await Replica.OpenAsync(folder);
            var db = await replica.CreateDatabaseAsync("live");
            var random = new Random(42);
            for (int i = 0; i < 2_000; i += 100)
                await db.TransactAsync(tx =>
                {
                    for (int j = i; j < i + 100; j++) tx.Put("orders", $"o{j}", Order(random));
                });

            var queries = Enumerable.Range(0, Subscriptions).Select(Query).ToList();
            using var stop = new CancellationTokenSource();
            // The harness's own records are allocated up front: growing them during the run (a queue's
            // segments, a dictionary's buckets) made large-object allocations, whose gen-2 collections
            // paused the engine and showed up as its delay.
            int writes = smoke ? 1_000 : 10_000;
            var arrivals = new (long Position, long At)[writes * 100];
            int arrived = 0;
            var subscribers = new List<Task>(Subscriptions);
            var ready = new CountdownEvent(Subscriptions);
            foreach (var query in queries)
                subscribers.Add(Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var e in db.LiveQueryAsync(query, cancellation: stop.Token))
                        {
                            if (e.Kind == LiveQueryEventKind.Snapshot) ready.Signal();
                            else
                            {
                                long at = Stopwatch.GetTimestamp();
                                int slot = Interlocked.Increment(ref arrived) - 1;
                                if (slot < arrivals.Length) arrivals[slot] = (e.Position, at);
                            }
                        }
                    }
                    catch (OperationCanceledException) { }
                }));
            if (!ready.Wait(TimeSpan.FromSeconds(60))) throw new InvalidOperationException("The subscriptions did not start.");
            // Each joins the dispatcher as it asks for the event after its snapshot.
            var joined = Stopwatch.StartNew();
            while (db.LiveQueries.Count < Subscriptions)
            {
                if (joined.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException("The subscriptions did not join the dispatcher.");
                await Task.Delay(10);
            }

            // Paced by schedule at 1,000/s, as the propagation benchmark: each millisecond's writes start when due.
            long firstPosition = db.Position + 1;
            var acked = new long[writes];   // by position, from firstPosition; 0 until acknowledged
            var collector = CollectorWork.Start();
            var start = Stopwatch.GetTimestamp();
            // Writes are counted, not kept: a list of their tasks kept every document written alive
            // until the end, and the collector copied them from generation to generation meanwhile.
            int outstanding = 0;
            bool issued = false;
            Exception? failure = null;
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task WriteAsync(string id, Value document)
            {
                try
                {
                    var result = await db.PutAsync("orders", id, document);
                    long at = Stopwatch.GetTimestamp();
                    long slot = result.Position - firstPosition;
                    if (slot < 0 || slot >= acked.Length) throw new InvalidOperationException($"A write landed at position {result.Position}, outside the run's {firstPosition}..{firstPosition + acked.Length - 1}.");
                    acked[slot] = at;
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                finally
                {
                    if (Interlocked.Decrement(ref outstanding) == 0 && Volatile.Read(ref issued)) drained.TrySetResult();
                }
            }
            for (int i = 0; i < writes;)
            {
                long due = (Stopwatch.GetTimestamp() - start) * 1000 / Stopwatch.Frequency + 1;
                for (; i < writes && i < due; i++)
                {
                    var document = Order(random);
                    string id = $"o{random.Next(2_000)}";
                    Interlocked.Increment(ref outstanding);
                    _ = Task.Run(() => WriteAsync(id, document));
                }
                await Task.Delay(1);
            }
            Volatile.Write(ref issued, true);
            if (Volatile.Read(ref outstanding) == 0) drained.TrySetResult();
            await drained.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (failure is not null) throw new InvalidOperationException("A write of the run failed.", failure);
            double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            // The collector's pauses are the tail: each stops every subscriber for as long as it takes.
            string collections = $"{collector.AllocatedSince / writes / 1024.0:N1} KB allocated per write; {collector}";
            await Task.Delay(1_000);   // the last events arrive
            stop.Cancel();
            await Task.WhenAll(subscribers);

            // An event may arrive before its writer hears the acknowledgement: that delay counts as 0.
            if (arrived > arrivals.Length) throw new InvalidOperationException($"{arrived:N0} events arrived, more than the {arrivals.Length:N0} the harness records.");
            var delays = arrivals.Take(arrived).Where(a => a.Position >= firstPosition && a.Position - firstPosition < acked.Length && acked[a.Position - firstPosition] != 0)
                .Select(a => Math.Max(0, a.At - acked[a.Position - firstPosition]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            if (delays.Length == 0) throw new InvalidOperationException("No live query event arrived.");
            double p50 = delays[delays.Length / 2], p99 = delays[(int)(delays.Length * 0.99)];
            Console.WriteLine($"live queries: {Subscriptions:N0} subscriptions, {writes:N0} writes in {seconds:N1} s ({writes / seconds:N0}/s), {delays.Length:N0} events " +
                $"({delays.Length / (double)writes:N1} per write); delay (ms) p50 {p50:N2}, p90 {delays[(int)(delays.Length * 0.9)]:N2}, p99 {p99:N2}, max {delays[^1]:N1}; {collections}");
            table.Add($"live query delay p50 / p99 (ms), {Subscriptions:N0} subscriptions, {writes / seconds:N0} writes/s", $"{p50:N2} / {p99:N2}", "target p99 ≤ 10", $"{10 / Math.Max(p99, 0.01):N2}x");
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>An order of one of <see cref="Customers"/> customers.</summary>
    private static Value Order(Random random) => ValueJson.Parse($$"""
        {"customer": "c-{{random.Next(Customers)}}", "status": "{{(random.Next(4) == 0 ? "open" : "paid")}}", "total": {{random.Next(1, 500)}}, "note": "leave at the door"}
        """);

    /// <summary>Varied filters on one collection: most an eq on the customer (about ten subscriptions
    /// per customer), some an eq and a range together, some a range alone ordered and limited, and a
    /// few on the status.</summary>
    private static Query Query(int i)
    {
        var customer = Value.String($"c-{i % Customers}");
        var orders = Causeway.Queries.Query.In("orders");
        return (i % 20) switch
        {
            < 16 => orders.Where(Pred.Eq("customer", customer)),
            < 18 => orders.Where(Pred.Eq("customer", customer) & Pred.Gte("total", Value.Int(i % 400))).OrderBy("total", desc: true).Take(10),
            18 => orders.Where(Pred.Gte("total", Value.Int(400 + i % 100))).OrderBy("total", desc: true).Take(20),
            _ => orders.Where(Pred.Eq("status", Value.String("open"))).OrderBy("total").Take(5),
        };
    }
}

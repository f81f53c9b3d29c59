using System.Diagnostics;
using Causeway.Simulator;

namespace Causeway.Bench;

/// <summary>`bench -- simulate`: many seeds of the deterministic simulator (docs/simulation.md), in
/// parallel, with a progress line. Stops at the first failure and prints its seed and the command
/// that replays it; the exit code is then 1. With --keep-going it runs every seed and ends with a
/// line per failed seed (seed, check, step) and the first failure in full. With --owned every seed
/// runs an owned database with a malicious replica (SimulationOptions.Owned).</summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(int seeds, int from, int parallel, bool trace, int writes = SimulationOptions.DefaultWrites, bool keepGoing = false, bool owned = false)
    {
        // A trace is only readable for one seed at a time.
        if (trace) parallel = 1;
        Console.WriteLine($"Simulating seeds {from}…{from + seeds - 1}, {writes} writes each{(owned ? ", owned database with a malicious replica" : "")} ({parallel} at a time, {Environment.ProcessorCount} cores)");
        var clock = Stopwatch.StartNew();
        int done = 0;
        long commits = 0, frames = 0;
        var constraints = ConstraintCounts.None;
        int legit = 0, forged = 0;
        long refusals = 0;
        SimulationFailure? failure = null;
        var failures = new List<SimulationFailure>();
        using var stop = new CancellationTokenSource();
        bool live = !Console.IsOutputRedirected && !trace;
        var progress = live ? ReportAsync() : Task.CompletedTask;

        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(from, seeds), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = stop.Token }, async (seed, _) =>
            {
                try
                {
                    var options = SimulationOptions.ForSeed(seed, writes) with { Trace = trace ? Console.WriteLine : null, Owned = owned };
                    var result = await Simulation.RunAsync(options);
                    Interlocked.Add(ref commits, result.Commits);
                    Interlocked.Add(ref frames, result.FramesSent);
                    lock (stop)
                    {
                        constraints += result.Constraints;
                        if (result.Intruder is { } intruder)
                        {
                            legit += intruder.Legit;
                            forged += intruder.Forged;
                            refusals += intruder.Refusals;
                        }
                    }
                    if (trace) Console.WriteLine($"seed {seed}: {result}");
                }
                catch (SimulationFailure e)
                {
                    lock (stop)
                    {
                        if (failure is null || e.Seed < failure.Seed) failure = e;
                        failures.Add(e);
                    }
                    if (!keepGoing) await stop.CancelAsync();
                }
                int finished = Interlocked.Increment(ref done);
                if (!live && !trace && finished % Math.Max(1, seeds / 10) == 0) Console.WriteLine(Line());
            });
        }
        catch (OperationCanceledException) when (failure is not null) { }
        await stop.CancelAsync();
        await progress;
        if (live) Console.WriteLine();
        Console.WriteLine(Line());
        Console.WriteLine($"constraints: {constraints}");
        if (owned) Console.WriteLine($"authority: {new IntruderCounts(legit, forged, refusals)}, every forged one kept out of every honest replica");
        if (failure is null) return 0;
        if (keepGoing)
        {
            Console.WriteLine($"{failures.Count} of {seeds} seeds failed:");
            foreach (var f in failures.OrderBy(f => f.Seed)) Console.WriteLine($"  seed {f.Seed}: {f.Kind.ToString().ToLowerInvariant()}: {Clip(f.Detail)}");
        }
        Console.Error.WriteLine(failure.Message);
        return 1;

        static string Clip(string text)
        {
            text = text.ReplaceLineEndings(" ");
            return text.Length <= 200 ? text : text[..200] + "…";
        }

        string Line()
        {
            double seconds = clock.Elapsed.TotalSeconds;
            return $"{done}/{seeds} seeds, {done / seconds:N1} seeds/s, {commits / seconds:N0} commits/s, {frames / seconds:N0} frames/s, {seconds:N1} s";
        }

        async Task ReportAsync()
        {
            while (!stop.IsCancellationRequested && done < seeds)
            {
                Console.Write($"\r{Line()}   ");
                try { await Task.Delay(500, stop.Token); } catch (OperationCanceledException) { }
            }
        }
    }
}

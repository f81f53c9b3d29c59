using System.Diagnostics;
using Causeway.Simulator;

namespace Causeway.Bench;

/// <summary>`bench -- simulate`: many seeds of the deterministic simulator (docs/simulation.md), in
/// parallel, with a progress line. Stops at the first failure and prints its seed and the command
/// that replays it; the exit code is then 1.</summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(int seeds, int from, int parallel, bool trace, int writes = SimulationOptions.DefaultWrites)
    {
        // A trace is only readable for one seed at a time.
        if (trace) parallel = 1;
        Console.WriteLine($"Simulating seeds {from}…{from + seeds - 1}, {writes} writes each ({parallel} at a time, {Environment.ProcessorCount} cores)");
        var clock = Stopwatch.StartNew();
        int done = 0;
        long commits = 0, frames = 0;
        SimulationFailure? failure = null;
        using var stop = new CancellationTokenSource();
        bool live = !Console.IsOutputRedirected && !trace;
        var progress = live ? ReportAsync() : Task.CompletedTask;

        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(from, seeds), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = stop.Token }, async (seed, _) =>
            {
                try
                {
                    var options = SimulationOptions.ForSeed(seed, writes) with { Trace = trace ? Console.WriteLine : null };
                    var result = await Simulation.RunAsync(options);
                    Interlocked.Add(ref commits, result.Commits);
                    Interlocked.Add(ref frames, result.FramesSent);
                    if (trace) Console.WriteLine($"seed {seed}: {result}");
                }
                catch (SimulationFailure e)
                {
                    lock (stop) if (failure is null || e.Seed < failure.Seed) failure = e;
                    await stop.CancelAsync();
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
        if (failure is null) return 0;
        Console.Error.WriteLine(failure.Message);
        return 1;

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

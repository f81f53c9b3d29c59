using System.Diagnostics;
using Causeway.Encoding;

namespace Causeway.Bench;

/// <summary>The durability test at soak length: N rounds of a real writer process killed with
/// SIGKILL at a random moment, checking after each that every acknowledged commit is there.</summary>
internal static class DurabilitySoak
{
    public static async Task<int> RunAsync(int rounds)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-soak", Guid.NewGuid().ToString("n"));
        int seed = Environment.TickCount;
        var random = new Random(seed);
        var acknowledged = new List<(Cid Commit, string Collection, string Id)>();
        Console.WriteLine($"SIGKILL soak: {rounds} rounds in {folder} (seed {seed})");
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                var lines = await RunAndKillAsync(folder, random.Next(10, 600), random.Next(0, 40));
                acknowledged.AddRange(lines);
                await using var replica = await Replica.OpenAsync(folder);
                var db = replica.GetDatabase("crash");
                foreach (var (commit, collection, id) in acknowledged)
                {
                    if (!db.HasCommit(commit) || await db.GetAsync(collection, id) is null)
                    {
                        Console.Error.WriteLine($"round {round}: acknowledged commit {commit} ({collection}/{id}) is missing — seed {seed}");
                        return 1;
                    }
                }
                var report = await db.VerifyAsync();
                if (!report.Ok)
                {
                    Console.Error.WriteLine($"round {round}: verify failed: {string.Join("; ", report.Problems.Take(3))} — seed {seed}");
                    return 1;
                }
                Console.WriteLine($"round {round}/{rounds}: {lines.Count} acknowledged this round, {acknowledged.Count} in all, all present, ledger verified ({report.Commits} commits)");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<List<(Cid, string, string)>> RunAndKillAsync(string folder, int acks, int extraMillis)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Causeway.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var acknowledged = new List<(Cid, string, string)>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("ACK ", StringComparison.Ordinal) != true) return;
            var parts = e.Data.Split(' ');
            lock (acknowledged) acknowledged.Add((Cid.Parse(parts[1]), parts[2], parts[3]));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (acknowledged) if (acknowledged.Count >= acks) break;
            if (process.HasExited) throw new InvalidOperationException($"the writer exited with {process.ExitCode}");
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the writer acknowledged too little");
            await Task.Delay(2);
        }
        await Task.Delay(extraMillis);
        process.Kill(entireProcessTree: true); // SIGKILL
        process.WaitForExit();
        lock (acknowledged) return [.. acknowledged];
    }
}

using System.Diagnostics;

namespace Causeway.Bench;

/// <summary>The peak working set of one benchmark, not of the whole run: Linux keeps a process's peak
/// resident size (VmHWM) and lets the process reset it (writing 5 to /proc/self/clear_refs), so each
/// benchmark starts its own peak. Elsewhere the peak is the run's so far, and says so.</summary>
internal static class PeakMemory
{
    private static bool _resettable = true;

    /// <summary>Starts a new peak (where the system allows it).</summary>
    public static void Reset()
    {
        if (!_resettable) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _resettable = false; }
    }

    /// <summary>The peak since <see cref="Reset"/>, in MiB, and what it covers.</summary>
    public static string Describe()
    {
        using var process = Process.GetCurrentProcess();
        double mib = process.PeakWorkingSet64 / (1024.0 * 1024.0);
        return _resettable ? $"{mib:N0} MiB" : $"{mib:N0} MiB (peak of the run so far)";
    }

    /// <summary>Runs one benchmark with its own peak and adds the row that reports it.</summary>
    public static async Task MeasureAsync(string benchmark, Table table, Func<Task> run)
    {
        Reset();
        await run();
        table.Add($"peak working set: {benchmark}", Describe(), "bounded (memory does not grow with the run)", "");
    }
}

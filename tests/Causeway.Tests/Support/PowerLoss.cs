using System.Diagnostics;
using System.Security.Cryptography;

namespace Causeway.Tests.Support;

/// <summary>A power loss for one data folder. A child process started with <see cref="Environment"/>
/// loads the shim (tests/powerloss/shim.c), which logs every event that decides what a disk keeps;
/// after the child is SIGKILLed, <see cref="Apply"/> replays that log and rewinds the folder to what
/// was durable, as a power loss at that instant would leave it (docs/durability.md states the model).</summary>
public sealed class PowerLoss
{
    private readonly string _root;
    private readonly string _work;
    private readonly bool _lyingDisk;

    /// <param name="root">The data folder the child writes.</param>
    /// <param name="work">A folder for the log and the kept inodes, on the same file system as
    /// <paramref name="root"/> (the shim hard-links into it) and outside it.</param>
    /// <param name="lyingDisk">The disk acknowledges fsync without syncing: only to prove the checker sees it.</param>
    public PowerLoss(string root, string work, bool lyingDisk = false)
    {
        _root = Path.GetFullPath(root).TrimEnd('/');
        _work = Path.GetFullPath(work);
        _lyingDisk = lyingDisk;
        Directory.CreateDirectory(_work);
        Reset();
    }

    private string LogPath => Path.Combine(_work, "events.log");
    private string InodesPath => Path.Combine(_work, "inodes");

    /// <summary>The environment of a child process whose writes to the folder are recorded.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = Shim.Path,
        ["CAUSEWAY_POWERLOSS_ROOT"] = _root,
        ["CAUSEWAY_POWERLOSS_LOG"] = LogPath,
        ["CAUSEWAY_POWERLOSS_INODES"] = InodesPath,
        ["CAUSEWAY_POWERLOSS_LYING_DISK"] = _lyingDisk ? "1" : "0",
        // A slow disk (2 ms a sync): a kill mid-load then nearly always finds bytes written but not yet synced.
        ["CAUSEWAY_POWERLOSS_SYNC_DELAY_US"] = "2000",
    };

    /// <summary>What the log says a power loss now would lose, without touching the folder.</summary>
    public PowerLossReport Inspect() => Replay().Report;

    /// <summary>Waits, up to <paramref name="limit"/>, until a power loss now would lose bytes of a
    /// write-ahead log (a commit written and its sync not done): the moment to kill, so the round can
    /// show a loss. A kill timed by acknowledgements alone lands just after a sync, and a child slowed
    /// by a loaded machine may not have written again when it comes.</summary>
    public string WaitForUnsyncedLog(TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long unsynced = 0;
        while (clock.Elapsed < limit && (unsynced = Inspect().UnsyncedWalBytes) == 0) Thread.Sleep(0);
        return $"waited {clock.Elapsed.TotalMilliseconds:0.0} ms for {unsynced} unsynced log bytes";
    }

    /// <summary>Rewinds the folder to its durable state (the child must be dead) and starts a new
    /// log, so the rewound folder is the durable starting point of the next run.</summary>
    public PowerLossReport Apply()
    {
        var (durable, sizes, report) = Replay();
        if (report.Events == 0) throw new InvalidOperationException("The power-loss log is empty: the shim did not load in the child.");
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)) File.Delete(file);
        foreach (var (path, inode) in durable)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var source = File.OpenRead(Path.Combine(InodesPath, inode.ToString()));
            using var target = File.Create(path);
            long keep = Math.Min(sizes[inode], source.Length);
            var buffer = new byte[81920];
            for (long left = keep; left > 0;)
            {
                int n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) break;
                target.Write(buffer, 0, n);
                left -= n;
            }
        }
        Reset();
        return report;
    }

    private void Reset()
    {
        File.Delete(LogPath);
        if (Directory.Exists(InodesPath)) Directory.Delete(InodesPath, recursive: true);
    }

    private (Dictionary<string, long> Durable, Dictionary<long, long> Sizes, PowerLossReport Report) Replay()
    {
        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        var durable = new Dictionary<string, long>(StringComparer.Ordinal);
        var sizes = new Dictionary<long, long>();
        int events = 0, syncs = 0;
        var misordered = new List<string>();
        // Read while the child may still append: a last line without its newline is not an event yet.
        string[] lines = File.Exists(LogPath) ? File.ReadAllText(LogPath).Split('\n')[..^1] : [];
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            events++;
            switch (f[0])
            {
                case "E": current[f[3]] = durable[f[3]] = long.Parse(f[1]); sizes[long.Parse(f[1])] = long.Parse(f[2]); break;
                case "C": current[f[2]] = long.Parse(f[1]); sizes.TryAdd(long.Parse(f[1]), 0); break;
                case "T": sizes[long.Parse(f[1])] = 0; break;
                case "S": sizes[long.Parse(f[1])] = long.Parse(f[2]); syncs++; break;
                case "F": sizes[long.Parse(f[1])] = Math.Min(sizes.GetValueOrDefault(long.Parse(f[1])), long.Parse(f[2])); break;
                case "R":
                    if (!current.Remove(f[1], out var moved)) break;
                    current[f[2]] = moved;
                    // The classic ordering bug: a file renamed into place before its bytes are synced
                    // can be found, after a power loss, under its final name but empty or short.
                    if (f.Length > 3 && sizes.GetValueOrDefault(moved) < long.Parse(f[3]))
                        misordered.Add($"{Path.GetRelativePath(_root, f[1])} renamed to {Path.GetRelativePath(_root, f[2])} with {long.Parse(f[3]) - sizes.GetValueOrDefault(moved)} of its {f[3]} bytes unsynced");
                    break;
                case "U": current.Remove(f[1]); break;
                case "D":
                    foreach (var name in durable.Keys.Where(n => Parent(n) == f[1]).ToList()) durable.Remove(name);
                    foreach (var (name, inode) in current.Where(e => Parent(e.Key) == f[1])) durable[name] = inode;
                    syncs++;
                    break;
                default: throw new InvalidOperationException($"Unknown power-loss event: {line}");
            }
        }
        // What the folder holds now and a power loss would not keep: bytes past a file's durable size,
        // and names whose creation or rename no directory sync made durable.
        long unsyncedBytes = 0;
        var unsyncedFiles = new List<string>();
        foreach (var (name, inode) in current)
        {
            var kept = new FileInfo(Path.Combine(InodesPath, inode.ToString()));
            long length = kept.Exists ? kept.Length : 0;
            long lost = durable.TryGetValue(name, out var d) && d == inode ? Math.Max(0, length - sizes[inode]) : length;
            if (lost > 0 || !durable.ContainsKey(name)) unsyncedFiles.Add($"{Path.GetRelativePath(_root, name)} ({lost} bytes)");
            unsyncedBytes += lost;
        }
        var walTail = current.Where(e => e.Key.EndsWith(".log", StringComparison.Ordinal))
            .Sum(e => Math.Max(0, new FileInfo(Path.Combine(InodesPath, e.Value.ToString())).Length - (durable.GetValueOrDefault(e.Key, -1) == e.Value ? sizes[e.Value] : 0)));
        return (durable, sizes, new PowerLossReport(events, syncs, unsyncedBytes, walTail, unsyncedFiles, misordered));
    }

    private static string Parent(string path) => path[..Math.Max(0, path.LastIndexOf('/'))];

    /// <summary>The shim, compiled once per source version with the system C compiler.</summary>
    private static class Shim
    {
        private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

        public static string Path => Built.Value;

        private static string Build()
        {
            var source = System.IO.Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "tests", "powerloss", "shim.c");
            var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(source)))[..16].ToLowerInvariant();
            var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "causeway-tests", "powerloss-shim");
            Directory.CreateDirectory(folder);
            var output = System.IO.Path.Combine(folder, $"shim-{hash}.so");
            if (File.Exists(output)) return output;
            var temp = output + "." + System.Environment.ProcessId + ".tmp";
            var start = new ProcessStartInfo("gcc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-shared", "-fPIC", "-O2", "-Wall", "-o", temp, source, "-ldl" }) start.ArgumentList.Add(arg);
            Process gcc;
            try { gcc = Process.Start(start)!; }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("The power-loss tests need gcc to build tests/powerloss/shim.c (.ci/run installs it: apt-get install gcc).", e);
            }
            using (gcc)
            {
                string errors = gcc.StandardError.ReadToEnd();
                if (!gcc.WaitForExit(TimeSpan.FromSeconds(60))) throw new TimeoutException("gcc did not build the power-loss shim in 60 s");
                if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc could not build {source}: {errors}");
            }
            File.Move(temp, output, overwrite: true);
            return output;
        }
    }
}

/// <summary>What a power loss took: <see cref="UnsyncedBytes"/> past the durable sizes (of which
/// <see cref="UnsyncedWalBytes"/> in RocksDB write-ahead logs), and the files that lost bytes or their name;
/// and the syscall-order faults seen on the way (<see cref="Misordered"/>: a rename before the sync of its bytes).</summary>
public sealed record PowerLossReport(int Events, int Syncs, long UnsyncedBytes, long UnsyncedWalBytes, IReadOnlyList<string> UnsyncedFiles, IReadOnlyList<string> Misordered)
{
    public override string ToString() =>
        $"{Events} events, {Syncs} syncs; unsynced at the kill: {UnsyncedBytes} bytes ({UnsyncedWalBytes} in write-ahead logs) in [{string.Join(", ", UnsyncedFiles)}]"
        + (Misordered.Count == 0 ? "" : $"; out of order: [{string.Join(", ", Misordered)}]");
}

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
    /// <param name="recycled">Wait for unsynced bytes in a log RocksDB reused in place.</param>
    public string WaitForUnsyncedLog(TimeSpan limit, bool recycled = false)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long unsynced = 0;
        while (clock.Elapsed < limit && (unsynced = Unsynced(Inspect())) == 0) Thread.Sleep(0);
        return $"waited {clock.Elapsed.TotalMilliseconds:0.0} ms for {unsynced} unsynced {(recycled ? "recycled " : "")}log bytes";

        long Unsynced(PowerLossReport report) => recycled ? report.UnsyncedRecycledWalBytes : report.UnsyncedWalBytes;
    }

    /// <summary>Rewinds the folder to its durable state (the child must be dead) and starts a new
    /// log, so the rewound folder is the durable starting point of the next run.</summary>
    public PowerLossReport Apply()
    {
        var state = Replay();
        if (state.Report.Events == 0) throw new InvalidOperationException("The power-loss log is empty: the shim did not load in the child.");
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)) File.Delete(file);
        foreach (var (path, inode) in state.Durable)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var source = File.OpenRead(Path.Combine(InodesPath, inode.ToString()));
            using var target = File.Create(path);
            long keep = Math.Min(state.Sizes[inode], source.Length);
            Copy(source, 0, target, keep);
            // Writes after the file's last sync did not reach the disk: where they overwrote older
            // bytes, the disk still has those, so they are put back, newest write first.
            if (!state.Pending.TryGetValue(inode, out var pending)) continue;
            for (int i = pending.Count - 1; i >= 0; i--)
            {
                var write = pending[i];
                long older = Math.Min(write.Saved, keep - write.Offset);
                if (older <= 0) continue;
                using var saved = File.OpenRead(SavedPath(write.Pid));
                saved.Position = write.At;
                target.Position = write.Offset;
                Copy(saved, write.At, target, older);
            }
        }
        Reset();
        return state.Report;
    }

    private static void Copy(FileStream source, long from, FileStream target, long count)
    {
        source.Position = from;
        var buffer = new byte[81920];
        for (long left = count; left > 0;)
        {
            int n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) break;
            target.Write(buffer, 0, n);
            left -= n;
        }
    }

    private string SavedPath(int pid) => Path.Combine(InodesPath, $"saved-{pid}");

    private void Reset()
    {
        File.Delete(LogPath);
        if (Directory.Exists(InodesPath)) Directory.Delete(InodesPath, recursive: true);
    }

    /// <summary>A write the log recorded: <see cref="Saved"/> older bytes from <see cref="Offset"/>
    /// were copied to the process's saved file at <see cref="At"/> before it was made.</summary>
    private readonly record struct Write(long Offset, long Length, long Saved, int Pid, long At, long LogPosition);

    private sealed record Durability(Dictionary<string, long> Durable, Dictionary<long, long> Sizes, Dictionary<long, List<Write>> Pending, PowerLossReport Report);

    private Durability Replay()
    {
        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        var durable = new Dictionary<string, long>(StringComparer.Ordinal);
        var sizes = new Dictionary<long, long>();
        // Per inode, the writes after its last sync, in log order: what a power loss now would undo.
        var pending = new Dictionary<long, List<Write>>();
        // Per inode renamed during the run (a recycled log), the bytes written since: what it lost
        // if the new name is not durable (its older bytes under that name are not the file's).
        var writtenSinceRename = new Dictionary<long, long>();
        int events = 0, syncs = 0, recycledLogs = 0;
        var misordered = new List<string>();
        // Read while the child may still append: a last line without its newline is not an event yet.
        byte[] log = File.Exists(LogPath) ? ReadShared(LogPath) : [];
        for (int position = 0, end; (end = Array.IndexOf(log, (byte)'\n', position)) >= 0; position = end + 1)
        {
            string line = System.Text.Encoding.UTF8.GetString(log, position, end - position);
            var f = line.Split('\t');
            events++;
            switch (f[0])
            {
                case "E": current[f[3]] = durable[f[3]] = long.Parse(f[1]); sizes[long.Parse(f[1])] = long.Parse(f[2]); break;
                case "C": current[f[2]] = long.Parse(f[1]); sizes.TryAdd(long.Parse(f[1]), 0); writtenSinceRename.Remove(long.Parse(f[1])); break;
                case "T": sizes[long.Parse(f[1])] = 0; break;
                case "W":
                {
                    long inode = long.Parse(f[1]);
                    var write = new Write(long.Parse(f[2]), long.Parse(f[3]), long.Parse(f[4]), int.Parse(f[5]), long.Parse(f[6]), position);
                    if (!pending.TryGetValue(inode, out var list)) pending[inode] = list = [];
                    list.Add(write);
                    if (writtenSinceRename.ContainsKey(inode)) writtenSinceRename[inode] += write.Length;
                    break;
                }
                case "S":
                {
                    long inode = long.Parse(f[1]), mark = long.Parse(f[3]);
                    sizes[inode] = long.Parse(f[2]);
                    pending.GetValueOrDefault(inode)?.RemoveAll(w => w.LogPosition < mark);
                    syncs++;
                    break;
                }
                case "F": sizes[long.Parse(f[1])] = Math.Min(sizes.GetValueOrDefault(long.Parse(f[1])), long.Parse(f[2])); break;
                case "R":
                    if (!current.Remove(f[1], out var moved)) break;
                    current[f[2]] = moved;
                    // A log RocksDB recycles is renamed with its old records in it: they are
                    // garbage to it under the new name, so their sync state is not an ordering fault.
                    bool recycledLog = IsWal(f[1]) && IsWal(f[2]);
                    if (recycledLog)
                    {
                        writtenSinceRename[moved] = 0;
                        recycledLogs++;
                    }
                    // The classic ordering bug: a file renamed into place before its bytes are synced
                    // can be found, after a power loss, under its final name but empty, short or with older bytes.
                    long unsyncedAtRename = Math.Max(f.Length > 3 ? long.Parse(f[3]) - sizes.GetValueOrDefault(moved) : 0,
                        pending.GetValueOrDefault(moved)?.Sum(w => w.Length) ?? 0);
                    if (!recycledLog && unsyncedAtRename > 0)
                        misordered.Add($"{Path.GetRelativePath(_root, f[1])} renamed to {Path.GetRelativePath(_root, f[2])} with {unsyncedAtRename} of its {(f.Length > 3 ? f[3] : "?")} bytes unsynced");
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
        // What the folder holds now and a power loss would not keep: bytes written since a file's
        // last sync (appended, or overwriting older bytes), and files whose name no directory sync
        // made durable (all their bytes; for a renamed log, the bytes written under the new name).
        long unsyncedBytes = 0, unsyncedWalBytes = 0, unsyncedRecycledWalBytes = 0;
        var unsyncedFiles = new List<string>();
        foreach (var (name, inode) in current)
        {
            bool nameDurable = durable.TryGetValue(name, out var d) && d == inode;
            long lost = pending.GetValueOrDefault(inode)?.Sum(w => w.Length) ?? 0;
            if (!nameDurable)
            {
                var kept = new FileInfo(Path.Combine(InodesPath, inode.ToString()));
                lost = writtenSinceRename.TryGetValue(inode, out var written) ? written : kept.Exists ? kept.Length : 0;
            }
            if (lost > 0 || !nameDurable) unsyncedFiles.Add($"{Path.GetRelativePath(_root, name)} ({lost} bytes)");
            unsyncedBytes += lost;
            if (IsWal(name)) unsyncedWalBytes += lost;
            if (IsWal(name) && writtenSinceRename.ContainsKey(inode)) unsyncedRecycledWalBytes += lost;
        }
        return new Durability(durable, sizes, pending, new PowerLossReport(events, syncs, unsyncedBytes, unsyncedWalBytes, unsyncedRecycledWalBytes, unsyncedFiles, misordered, recycledLogs));
    }

    private static bool IsWal(string path) => path.EndsWith(".log", StringComparison.Ordinal);

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
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
/// and the syscall-order faults seen on the way (<see cref="Misordered"/>: a rename before the sync of its bytes);
/// <see cref="RecycledLogs"/>: write-ahead logs that RocksDB renamed to reuse in place, and
/// <see cref="UnsyncedRecycledWalBytes"/>: the unsynced bytes in such logs.</summary>
public sealed record PowerLossReport(int Events, int Syncs, long UnsyncedBytes, long UnsyncedWalBytes, long UnsyncedRecycledWalBytes, IReadOnlyList<string> UnsyncedFiles, IReadOnlyList<string> Misordered, int RecycledLogs)
{
    public override string ToString() =>
        $"{Events} events, {Syncs} syncs, {RecycledLogs} logs recycled; unsynced at the kill: {UnsyncedBytes} bytes ({UnsyncedWalBytes} in write-ahead logs, {UnsyncedRecycledWalBytes} in recycled ones) in [{string.Join(", ", UnsyncedFiles)}]"
        + (Misordered.Count == 0 ? "" : $"; out of order: [{string.Join(", ", Misordered)}]");
}

using System.Text.Json;
using Causeway.Errors;
using Causeway.Security;
using Causeway.Storage;

namespace Causeway.Backup;

/// <summary>Backs a replica's folder up while it serves, and restores one (docs/backup.md). A backup is
/// a folder: <c>store/</c>, a RocksDB checkpoint of the one store every database lives in (so all of
/// them at one consistent point); every other file of the replica's folder as it was just after (its
/// key, and what a server keeps there: tokens, delegations, links); <c>restored.json</c>, the
/// <see cref="RestoreFence"/>; and <c>backup.json</c>, written last, which makes the folder a backup.</summary>
internal static class ReplicaBackup
{
    public const string ManifestFile = "backup.json";
    private const string Format = "causeway-backup";

    private sealed record Manifest(string Format, int Version, string Replica, DateTimeOffset Taken, List<string> Databases);

    /// <summary>The folder of a replica's store, in its folder and in a backup.</summary>
    public const string StoreFolder = "store";

    /// <summary>Backs up the replica <paramref name="replica"/> (its DID) whose folder is <paramref name="source"/>
    /// into <paramref name="target"/>; <paramref name="databases"/> names its databases once the store is copied.</summary>
    public static async Task<BackupReport> WriteAsync(string replica, RocksDbStore store, string source, string target, Func<IReadOnlyList<string>> databases, TimeProvider time, CancellationToken cancellation)
    {
        target = Path.GetFullPath(target);
        string from = Path.GetFullPath(source);
        if (Within(target, from))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The backup folder '{target}' is inside the replica's own folder; put it elsewhere.");
        EnsureEmpty(target, "back up into");
        Create(target);
        var taken = time.GetUtcNow();
        // The checkpoint flushes and links files: seconds at most, off the caller's thread.
        await Task.Run(() => store.Checkpoint(Path.Combine(target, StoreFolder)), cancellation).ConfigureAwait(false);
        var names = databases();
        CopyFolder(from, target, top: true, skip: name => name is StoreFolder or RestoreFence.FileName or ManifestFile);
        RestoreFence.Write(target, taken);
        File.WriteAllText(Path.Combine(target, ManifestFile), JsonSerializer.Serialize(new Manifest(Format, 1, replica, taken, [.. names])));
        return new BackupReport(target, replica, names);
    }

    /// <summary>Copies the backup in <paramref name="backup"/> into <paramref name="folder"/> (absent or
    /// empty), fenced unless <paramref name="fence"/> is false; answers the restored folder, the
    /// replica and its databases, as the backup's manifest names them.</summary>
    public static async Task<BackupReport> RestoreAsync(string backup, string folder, bool fence, CancellationToken cancellation)
    {
        backup = Path.GetFullPath(backup);
        folder = Path.GetFullPath(folder);
        var manifest = CheckIsBackup(backup);
        EnsureEmpty(folder, "restore into");
        Create(folder);
        await Task.Run(() => CopyFolder(backup, folder, top: true, skip: name => name == ManifestFile || (!fence && name == RestoreFence.FileName)), cancellation).ConfigureAwait(false);
        if (fence && !File.Exists(Path.Combine(folder, RestoreFence.FileName))) RestoreFence.Write(folder, manifest.Taken);
        return new BackupReport(folder, manifest.Replica, manifest.Databases);
    }

    private static Manifest CheckIsBackup(string backup)
    {
        if (!Directory.Exists(backup)) throw NotABackup(backup, "there is no such folder");
        string manifest = Path.Combine(backup, ManifestFile);
        if (!File.Exists(manifest)) throw NotABackup(backup, $"it has no {ManifestFile} (a backup writes it last, so this one is not one, or is incomplete)");
        Manifest? read;
        try { read = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifest)); }
        catch (JsonException) { read = null; }
        if (read is null || read.Format != Format || read.Replica is null || read.Databases is null) throw NotABackup(backup, $"its {ManifestFile} is not a Causeway backup manifest");
        if (read.Version != 1) throw NotABackup(backup, $"it is a backup of format version {read.Version}, which this version does not read");
        if (!File.Exists(Path.Combine(backup, ReplicaIdentity.FileName))) throw NotABackup(backup, $"it lacks the replica's key ({ReplicaIdentity.FileName})");
        if (!File.Exists(Path.Combine(backup, StoreFolder, "CURRENT"))) throw NotABackup(backup, $"it lacks the replica's store ({StoreFolder}/)");
        return read;
    }

    private static BackupFolderException NotABackup(string folder, string why)
        => new(ErrorCodes.NotABackup, $"'{folder}' is not a Causeway backup: {why}.");

    private static void EnsureEmpty(string folder, string what)
    {
        if (File.Exists(folder)) throw new BackupFolderException(ErrorCodes.FolderNotEmpty, $"Cannot {what} '{folder}': it is a file; give an empty or new folder.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new BackupFolderException(ErrorCodes.FolderNotEmpty, $"Cannot {what} '{folder}': it is not empty; give an empty or new folder.");
    }

    private static void Create(string folder)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Cannot create the folder '{folder}': {e.Message}");
        }
    }

    private static bool Within(string path, string folder)
    {
        string relative = Path.GetRelativePath(folder, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    /// <summary>Copies files (their Unix mode too: a key and tokens stay 0600) and folders, leaving out
    /// files being written aside (<c>.tmp</c>) and, at the top, what <paramref name="skip"/> names.</summary>
    private static void CopyFolder(string from, string to, bool top, Func<string, bool> skip)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            if ((top && skip(entry.Name)) || entry.Name.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            string destination = Path.Combine(to, entry.Name);
            if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(destination);
                CopyFolder(entry.FullName, destination, top: false, skip);
            }
            else
            {
                try { File.Copy(entry.FullName, destination); }
                catch (FileNotFoundException) { continue; }   // renamed over or removed while we copied
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, File.GetUnixFileMode(entry.FullName));
            }
        }
    }
}

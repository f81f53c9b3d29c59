using System.Text.Json;
using Causeway.Errors;
using Causeway.Transactions;

namespace Causeway.Backup;

/// <summary>What keeps a replica restored from a backup from signing two different commits with one
/// seq. The replica may have signed commits after the backup was taken, and peers may hold them; its
/// next seq in a database is only known once it holds what its peers hold. So every database of a
/// restored replica refuses local commits (<see cref="ReplicaRestoredException"/>) until a sync
/// session has brought it everything a peer held (the peer's backlog, up to its ready mark, own
/// commits included); commits from peers apply meanwhile.</summary>
/// <remarks>Kept in <c>restored.json</c> in the replica's folder: written by a backup (so even the
/// backup folder, opened as it is, is fenced), copied by a restore unless told otherwise, and
/// rewritten (aside, then renamed over) each time a database catches up, so a restart keeps what was
/// lifted. A file that cannot be read fences every database: the safe side.</remarks>
internal sealed class RestoreFence : ICommitStage
{
    public const string FileName = "restored.json";

    private readonly string? _path;
    private readonly DateTimeOffset _taken;
    private readonly HashSet<string> _caughtUp;
    private readonly Lock _lock = new();
    private readonly bool _active;

    private RestoreFence(string? path, DateTimeOffset taken, HashSet<string> caughtUp, bool active)
    {
        _path = path;
        _taken = taken;
        _caughtUp = caughtUp;
        _active = active;
    }

    /// <summary>No fence: a replica that was not restored.</summary>
    public static RestoreFence None { get; } = new(null, default, [], active: false);

    /// <summary>Whether the replica was restored from a backup (some databases may have caught up since).</summary>
    public bool Active => _active;

    /// <summary>The fence of the replica in <paramref name="folder"/>, or <see cref="None"/> when it was not restored.</summary>
    public static RestoreFence Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return None;
        try
        {
            var file = JsonSerializer.Deserialize<Record>(File.ReadAllText(path));
            if (file is not null) return new(path, file.Taken, new HashSet<string>(file.CaughtUp ?? [], StringComparer.Ordinal), active: true);
        }
        catch (JsonException) { }
        return new(path, default, new HashSet<string>(StringComparer.Ordinal), active: true);
    }

    /// <summary>Fences the replica in <paramref name="folder"/>: no database has caught up yet.</summary>
    public static void Write(string folder, DateTimeOffset taken) => Save(Path.Combine(folder, FileName), new Record(taken, []));

    /// <summary>Whether local commits to <paramref name="database"/> wait for it to catch up with a peer.</summary>
    public bool Fences(string database)
    {
        if (!_active) return false;
        lock (_lock) return !_caughtUp.Contains(database);
    }

    /// <summary>A sync session brought <paramref name="database"/> everything its peer held: its local commits may go on.</summary>
    public void CaughtUp(string database)
    {
        if (!_active || _path is null) return;
        lock (_lock)
        {
            if (!_caughtUp.Add(database)) return;
            try { Save(_path, new Record(_taken, [.. _caughtUp.Order(StringComparer.Ordinal)])); }
            catch (IOException) { }   // lifted for this run only; the next start is fenced again (the safe side)
            catch (UnauthorizedAccessException) { }
        }
    }

    void ICommitStage.Check(LocalCommit commit)
    {
        if (Fences(commit.Database.Name))
            throw new ReplicaRestoredException($"This replica was restored from a backup taken {_taken:u}; database '{commit.Database.Name}' takes no local writes until it has synced with a peer (it may have signed later commits that peers hold).");
    }

    private static void Save(string path, Record record)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Record(DateTimeOffset Taken, List<string>? CaughtUp);
}

using System.Text.Json;
using Causeway.Replication;

namespace Causeway.Server.Replication;

/// <summary>The continuous links this server opened (POST replicate, mode continuous), kept in
/// <c>links.json</c> in the data folder (mode 0600: it holds the peers' tokens), so a restart opens
/// them again. A link stopped with DELETE /peers/{id}, or whose database is gone, is forgotten.</summary>
internal sealed class StoredLinks(string folder)
{
    public const string FileName = "links.json";

    private readonly Lock _lock = new();
    private string Path => System.IO.Path.Combine(folder, FileName);

    private sealed record Link(string Database, string Peer, string? Token, string Direction);

    public void Remember(string database, Uri peer, string? token, SyncDirection direction)
        => Change(links => { links.RemoveAll(l => l.Database == database && l.Peer == peer.AbsoluteUri); links.Add(new(database, peer.AbsoluteUri, token, direction.ToJsonName())); });

    public void Forget(string database, string peer) => Change(links => links.RemoveAll(l => l.Database == database && l.Peer == peer));

    /// <summary>Opens every remembered link whose database still exists; each re-dials by itself until its peer answers.</summary>
    public void Restore(Replica replica, ILogger log)
    {
        foreach (var link in Load())
        {
            if (replica.TryGetDatabase(link.Database) is not { } db || !SyncJson.TryParseDirection(link.Direction, out var direction) || !Uri.TryCreate(link.Peer, UriKind.Absolute, out var peer))
            {
                Forget(link.Database, link.Peer);
                continue;
            }
            try
            {
                db.Replicate(ct => SyncDialer.ConnectAsync(peer, link.Database, link.Token, ct, create: direction != SyncDirection.Pull), peer.AbsoluteUri, direction);
            }
            catch (Errors.QuotaExceededException e)
            {
                // Kept: it reopens at a later start, when the database's quota of sync sessions has room.
                log.LogWarning("Continuous replication of {Database} with {Peer} not reopened: {Reason}", link.Database, peer.AbsoluteUri, e.Message);
                continue;
            }
            log.LogInformation("Continuous replication of {Database} with {Peer} ({Direction}) reopened", link.Database, peer.AbsoluteUri, link.Direction);
        }
    }

    private List<Link> Load()
    {
        lock (_lock)
        {
            if (!File.Exists(Path)) return [];
            try { return JsonSerializer.Deserialize<List<Link>>(File.ReadAllText(Path)) ?? []; }
            catch (JsonException) { return []; }   // a damaged file loses the links, not the server
        }
    }

    private void Change(Action<List<Link>> change)
    {
        lock (_lock)
        {
            var links = Load();
            change(links);
            // Written aside and renamed over, so a crash leaves the old list or the new one.
            string temporary = Path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options)) JsonSerializer.Serialize(stream, links);
            File.Move(temporary, Path, overwrite: true);
        }
    }
}

using Causeway.Replication;
using Microsoft.Extensions.Options;

namespace Causeway.Server.Hosting;

/// <summary>Owns the host's replica: opens it from the options (or takes one the application opened)
/// and closes it exactly once, when the host has stopped (after in-flight requests finished) or
/// when the container is disposed without the host having run.</summary>
internal sealed class ReplicaLifetime : IAsyncDisposable
{
    private readonly ILogger _log;
    private int _closed;

    public ReplicaLifetime(Replica? given, IOptions<ServerOptions> options, ILoggerFactory logging)
    {
        _log = logging.CreateLogger<ReplicaLifetime>();
        var settings = options.Value;
        if (given is not null)
        {
            Replica = given;
            return;
        }
        Directory.CreateDirectory(settings.DataDirectory);
        // Opening is synchronous underneath (RocksDB); the task is complete when it returns.
        Replica = Replica.OpenAsync(settings.DataDirectory, new ReplicaOptions { Time = settings.Time, Logging = logging }).GetAwaiter().GetResult();
        _log.LogInformation("Replica {Did} opened in {Folder}", Replica.Did, Path.GetFullPath(settings.DataDirectory));
    }

    public Replica Replica { get; }

    /// <summary>How many times the replica was closed: 0 or 1.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Opens the continuous links the options name; each re-dials by itself until its peer answers.</summary>
    public void OpenLinks(IEnumerable<SyncPeerOptions> peers)
    {
        foreach (var peer in peers)
        {
            if (!Uri.TryCreate(peer.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "ws" or "wss"))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"Peer URL '{Documents.Names.Clip(peer.Url)}' is not an http(s) URL.");
            if (!SyncJson.TryParseDirection(peer.Direction, out var direction))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"Peer direction '{Documents.Names.Clip(peer.Direction)}' is not push, pull or both.");
            var db = Replica.TryGetDatabase(peer.Database)
                ?? throw new Errors.NotFoundException($"Database '{Documents.Names.Clip(peer.Database)}' does not exist here; create it before linking it to {url.AbsoluteUri}.");
            string name = peer.Database;
            db.Replicate(ct => SyncDialer.ConnectAsync(url, name, peer.Token, ct, create: direction != SyncDirection.Pull), url.AbsoluteUri, direction);
            _log.LogInformation("Continuous replication of {Database} with {Peer} ({Direction}) opened", name, url.AbsoluteUri, direction.ToJsonName());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        await Replica.DisposeAsync().ConfigureAwait(false);
        _log.LogInformation("Replica {Did} closed", Replica.Did);
    }
}

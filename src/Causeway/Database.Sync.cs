using Causeway.Replication;

namespace Causeway;

// Replication: the .NET face of the sync protocol (docs/sync-protocol.md).
public sealed partial class Database
{
    /// <summary>The sync sessions of this database, opened here or accepted from peers.</summary>
    public PeerTable Peers { get; }

    /// <summary>Opens a session over <paramref name="channel"/> and runs it: once (until both sides
    /// have what the other held) or continuously (until cancelled or the link breaks).</summary>
    public Task<SyncResult> SyncAsync(ISyncChannel channel, SyncDirection direction = SyncDirection.Both, SyncMode mode = SyncMode.Once,
        SyncOptions? options = null, Action<SyncSession>? progress = null, CancellationToken cancellation = default)
    {
        CheckOpen();
        var session = OpenSession(SyncRole.Initiator, direction != SyncDirection.Pull, direction != SyncDirection.Push, options);
        return RunTrackedAsync(session, channel, "outbound", direction, mode, progress, cancellation);
    }

    /// <summary>Answers a session a peer opened over <paramref name="channel"/>, within <paramref name="permission"/>;
    /// runs until the peer is done or <paramref name="cancellation"/> fires.</summary>
    public Task<SyncResult> AcceptSyncAsync(ISyncChannel channel, SyncPermission permission, SyncOptions? options = null, CancellationToken cancellation = default)
    {
        CheckOpen();
        var session = OpenSession(SyncRole.Acceptor, sends: false, wants: false, options, permission);
        return RunTrackedAsync(session, channel, "inbound", SyncDirection.Both, SyncMode.Continuous, null, cancellation);
    }

    /// <summary>Syncs once with another database of the same name in this process (another replica).</summary>
    public async Task<SyncResult> SyncWithAsync(Database peer, SyncDirection direction = SyncDirection.Both, SyncOptions? options = null, CancellationToken cancellation = default)
    {
        var (here, there) = InProcessChannel.CreatePair(Replica.Did, peer.Replica.Did);
        var accepting = peer.AcceptSyncAsync(there, SyncPermission.All, options, cancellation);
        try
        {
            return await SyncAsync(here, direction, SyncMode.Once, options, null, cancellation).ConfigureAwait(false);
        }
        finally
        {
            try { await accepting.ConfigureAwait(false); }
            catch (Errors.CausewayException) { /* the initiator's outcome already says what went wrong */ }
        }
    }

    /// <summary>Keeps a continuous session open to a peer, reconnecting with backoff whenever it breaks.
    /// The link is listed in <see cref="Peers"/> and ends when disposed (or when the replica closes).</summary>
    public PeerLink Replicate(Func<CancellationToken, Task<ISyncChannel>> connect, string remote, SyncDirection direction = SyncDirection.Both, SyncOptions? options = null)
    {
        CheckOpen();
        return new PeerLink(Peers, () => OpenSession(SyncRole.Initiator, direction != SyncDirection.Pull, direction != SyncDirection.Push, options), connect, remote, direction, Replica.Options.Time, Replica.Options.Random,
            Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<PeerLink>(Replica.Options.Logging));
    }

    /// <summary>Keeps a continuous session open with another database of the same name in this process.</summary>
    public PeerLink Replicate(Database peer, SyncDirection direction = SyncDirection.Both, SyncOptions? options = null)
        => Replicate(cancellation =>
        {
            var (here, there) = InProcessChannel.CreatePair(Replica.Did, peer.Replica.Did);
            _ = peer.AcceptSyncAsync(there, SyncPermission.All, options, cancellation).ContinueWith(t => { _ = t.Exception; }, TaskScheduler.Default);
            return Task.FromResult<ISyncChannel>(here);
        }, $"in-process {peer.Replica.Did}", direction, options);

    /// <summary>A session of this database's side of a sync, to run over a channel.</summary>
    internal SyncSession OpenSession(SyncRole role, bool sends, bool wants, SyncOptions? options = null, SyncPermission? permission = null)
        => new(new SyncEndpoint(Stored, Replica.Identity, Reservations, Replica.Options.Time, Replica.Options.Random, Replica.Authority) { CaughtUp = () => Replica.Fence.CaughtUp(Name) },
            role, sends, wants, options, permission);

    private async Task<SyncResult> RunTrackedAsync(SyncSession session, ISyncChannel channel, string role, SyncDirection direction, SyncMode mode, Action<SyncSession>? progress, CancellationToken cancellation)
    {
        PeerEntry entry;
        try
        {
            entry = Peers.Add(channel.Remote, role, direction, mode);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);   // refused at open (the quota of sessions): the peer sees it end
            throw;
        }
        entry.Session = session;
        try
        {
            return await SyncConnection.RunAsync(session, channel, mode, s =>
            {
                if (s.Established) entry.State = "live";
                progress?.Invoke(s);
            }, cancellation).ConfigureAwait(false);
        }
        finally
        {
            Peers.Remove(entry);
        }
    }
}

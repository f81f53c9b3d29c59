using Causeway.Replication;
using Causeway.Documents;
using Causeway.Errors;

namespace Causeway;

/// <summary>Syncing a database of this replica with the same database on a peer server (its
/// <c>GET /v1/dbs/{db}/sync</c> WebSocket, dialed with <see cref="SyncDialer"/>): what the server's
/// replicate endpoint and <c>causeway sync</c> share. A pull creates the database here when it is
/// missing; anything else needs it to exist.</summary>
/// <remarks>What the peer said never looks like an answer about this replica: the peer refusing the
/// token (its 401, 403), lacking the database (its 404) or ending the session with an error is
/// <see cref="SyncRefusedException"/> with the peer's reason; a peer that cannot be reached or goes
/// away is <see cref="PeerUnavailableException"/>.</remarks>
public static class ServerReplication
{
    /// <summary>How long <see cref="ReplicateWithServerAsync"/> waits for the first session to go live.</summary>
    public static readonly TimeSpan FirstSessionWait = TimeSpan.FromSeconds(10);

    /// <summary>Syncs once: until both sides have what the other held. A pull that created the
    /// database and then failed leaves nothing behind.</summary>
    public static async Task<SyncResult> SyncWithServerAsync(this Replica replica, string database, Uri peer, string? token,
        SyncDirection direction = SyncDirection.Both, Action<SyncSession>? progress = null, CancellationToken cancellation = default, Subscription? holds = null)
    {
        var (db, created, channel) = await OpenAsync(replica, database, peer, token, direction, holds, cancellation).ConfigureAwait(false);
        try
        {
            return await db.SyncAsync(channel, direction, SyncMode.Once, null, progress, cancellation).ConfigureAwait(false);
        }
        catch (CausewayException e)
        {
            await DropIfUnusedAsync(replica, db, created).ConfigureAwait(false);
            throw Refusal(e, $"The sync with {peer.AbsoluteUri} failed: ");
        }
    }

    /// <summary>Starts a continuous link (<see cref="Database.Replicate(Func{CancellationToken, Task{ISyncChannel}}, string, SyncDirection, SyncOptions?)"/>)
    /// named by the peer's URL, and answers once its first session is live (or after <see cref="FirstSessionWait"/>).
    /// The first connection is made here, so a wrong URL or token, or a peer that refuses the session,
    /// fails this call rather than a link that retries for ever; afterwards the link re-dials by itself.
    /// A second link to the same peer is <see cref="AlreadyExistsException"/>.</summary>
    public static async Task<PeerLink> ReplicateWithServerAsync(this Replica replica, string database, Uri peer, string? token,
        SyncDirection direction = SyncDirection.Both, CancellationToken cancellation = default, Subscription? holds = null)
    {
        string remote = peer.AbsoluteUri;
        if (replica.TryGetDatabase(Names.Database(database)) is { } existing
            && existing.Peers.List().FirstOrDefault(p => p.Role == "outbound" && p.Mode == SyncMode.Continuous && p.Remote == remote) is { } running)
            throw new AlreadyExistsException($"Database '{database}' already replicates continuously with {remote} (session {running.Id}).");
        var (db, created, channel) = await OpenAsync(replica, database, peer, token, direction, holds, cancellation).ConfigureAwait(false);
        ISyncChannel? dialed = channel;
        PeerLink link;
        try
        {
            link = db.Replicate(c => Interlocked.Exchange(ref dialed, null) is { } first
                ? Task.FromResult(first)
                : SyncDialer.ConnectAsync(peer, database, token, c, create: direction != SyncDirection.Pull), remote, direction);
        }
        catch (QuotaExceededException)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            await DropIfUnusedAsync(replica, db, created).ConfigureAwait(false);
            throw;
        }

        var time = replica.Options.Time;
        long started = time.GetTimestamp();
        var status = link.Status;
        while (status.State != "live" && status.LastError is null && time.GetElapsedTime(started) < FirstSessionWait && !cancellation.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellation).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            status = link.Status;
        }
        if (status.State != "live" && status.LastError is { } error)
        {
            await link.DisposeAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref dialed, null) is { } unused) await unused.DisposeAsync().ConfigureAwait(false);
            await DropIfUnusedAsync(replica, db, created).ConfigureAwait(false);
            throw new SyncRefusedException($"The first session with {remote} failed: {error}");
        }
        return link;
    }

    /// <summary>The local database (created for a pull or a two-way sync if missing, once the peer answered, holding what
    /// <paramref name="holds"/> selects) and a channel to the peer's.</summary>
    private static async Task<(Database Db, bool Created, ISyncChannel Channel)> OpenAsync(Replica replica, string database, Uri peer, string? token,
        SyncDirection direction, Subscription? holds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var db = replica.TryGetDatabase(Names.Database(database));
        db?.Quotas.CheckSessionRoom();   // before dialing: a session over the quota is refused here, not half-opened
        if (db is not null && holds is not null && !db.Holds.Equals(holds))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Database '{database}' here holds {db.Holds}, not {holds}: what a replica holds is set when it is created.");
        if (db is null)
        {
            // A pull or a two-way sync creates it (from what the peer holds); a push would have nothing to send.
            if (direction == SyncDirection.Push) throw new NotFoundException($"Database '{database}' does not exist here, so there is nothing to push; a pull or a two-way sync creates it.");
            if (Names.ParentDatabase(database) is { } parent && replica.TryGetDatabase(parent) is null)
                throw new NotFoundException($"Database '{database}' needs its parent '{parent}', which does not exist.");
        }
        ISyncChannel channel;
        try
        {
            channel = await SyncDialer.ConnectAsync(peer, database, token, cancellation, create: direction != SyncDirection.Pull).ConfigureAwait(false);
        }
        catch (CausewayException e)
        {
            throw Refusal(e, "");
        }
        if (db is not null) return (db, false, channel);
        try
        {
            return (await replica.CreateDatabaseAsync(database, holds ?? Subscription.Everything, cancellation).ConfigureAwait(false), true, channel);
        }
        catch (AlreadyExistsException)
        {
            return (replica.GetDatabase(database), false, channel); // a pull running alongside created it
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An error of the peer's (or of the session with it) as a refusal, unless it already says the
    /// peer is unreachable or refused, or is about this replica (closing, corrupt).</summary>
    private static CausewayException Refusal(CausewayException error, string context) => error switch
    {
        PeerUnavailableException or SyncRefusedException or UnavailableException => error,
        QuotaExceededException => error,   // this replica's own quota of sync sessions, not the peer's answer
        ForkedHistoryException => error,   // a fact about the two histories, whichever side saw it first
        _ when error.Code is ErrorCodes.Corrupt or ErrorCodes.Internal => error,
        _ => new SyncRefusedException($"{context}{error.Message}"),
    };

    private static async Task DropIfUnusedAsync(Replica replica, Database database, bool created)
    {
        if (!created || database.Position != 0) return;
        try { await replica.DropDatabaseAsync(database.Name).ConfigureAwait(false); }
        catch (CausewayException) { /* gone already, or the replica is closing */ }
    }
}

using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Wire;

namespace Causeway.Client;

public sealed partial class CausewayClient
{
    /// <summary>Asks the server to sync <paramref name="database"/> once with the peer server at
    /// <paramref name="peer"/> (which it dials with <paramref name="peerToken"/>), and answers what the
    /// session did when both sides have what the other held. A pull creates the database there if
    /// needed. The peer failing or refusing is <see cref="PeerUnavailableException"/> or
    /// <see cref="SyncRefusedException"/> (424), with the peer's reason.</summary>
    /// <remarks>The request lasts as long as the sync; a large first sync may need a longer
    /// <see cref="HttpClient.Timeout"/> than the default 100 s.</remarks>
    /// <param name="collections">Makes the server's database a partial replica holding only these (when a pull creates it).</param>
    public Task<SyncResult> ReplicateAsync(string database, Uri peer, string? peerToken, SyncDirection direction = SyncDirection.Both, Subscription? collections = null, CancellationToken cancellation = default)
        => SendAsync(HttpMethod.Post, $"v1/dbs/{Names.Database(database)}/replicate", w => WriteReplicate(w, peer, peerToken, SyncMode.Once, direction, collections),
            SyncResultJson.Read, cancellation);

    /// <summary>Asks the server to keep <paramref name="database"/> in sync with the peer server at
    /// <paramref name="peer"/>, re-dialing with backoff whenever the link breaks, until
    /// <see cref="StopPeerAsync"/> or the server stops. Answers the link as the peers list shows it
    /// (once its first session is live). A link to the same peer already running is <see cref="AlreadyExistsException"/>.</summary>
    public Task<PeerStatus> ReplicateContinuouslyAsync(string database, Uri peer, string? peerToken, SyncDirection direction = SyncDirection.Both, Subscription? collections = null, CancellationToken cancellation = default)
        => SendAsync(HttpMethod.Post, $"v1/dbs/{Names.Database(database)}/replicate", w => WriteReplicate(w, peer, peerToken, SyncMode.Continuous, direction, collections),
            PeerStatusJson.Read, cancellation);

    /// <summary>The sync sessions of <paramref name="database"/> on the server: those it opened and those peers opened to it.</summary>
    public Task<IReadOnlyList<PeerStatus>> PeersAsync(string database, CancellationToken cancellation = default)
        => SendAsync(HttpMethod.Get, $"v1/dbs/{Names.Database(database)}/peers", null, PeerListJson.Read, cancellation);

    /// <summary>Stops a continuous replication the server opened (<see cref="NotFoundException"/> for an unknown id).</summary>
    public Task StopPeerAsync(string database, string id, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendAsync(HttpMethod.Delete, $"v1/dbs/{Names.Database(database)}/peers/{Uri.EscapeDataString(id)}", null, PeerStoppedJson.Read, cancellation);
    }

    private static void WriteReplicate(Utf8JsonWriter w, Uri peer, string? peerToken, SyncMode mode, SyncDirection direction, Subscription? collections)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!peer.IsAbsoluteUri) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The peer '{peer}' must be an absolute http(s) URL.");
        w.WriteStartObject();
        w.WriteString("peer", peer.AbsoluteUri);
        if (peerToken is not null) w.WriteString("token", peerToken);
        w.WriteString("mode", mode.ToJsonName());
        w.WriteString("direction", direction.ToJsonName());
        if (collections is { IsEverything: false })
        {
            w.WriteStartArray("collections");
            foreach (var selector in collections.Selectors!) w.WriteStringValue(selector.ToString());
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}

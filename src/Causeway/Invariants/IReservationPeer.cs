using Causeway.Encoding;
using Causeway.Replication;

namespace Causeway.Invariants;

/// <summary>A connected peer that can be asked for rights, a unique value or a block of ids: a sync
/// session as the invariants see it. Replication implements it, so the invariants never depend on
/// the sync protocol.</summary>
internal interface IReservationPeer
{
    /// <summary>The peer's replica, once the session has been established.</summary>
    string? PeerDid { get; }

    /// <summary>Whether the session is established and the peer sends commits here, so a grant can arrive.</summary>
    bool CanGrant { get; }

    /// <summary>Breaks ties between two sessions with the same peer, so which one goes first never depends on the run.</summary>
    int Order { get; }

    /// <summary>Sends an ask to the peer; its answer comes back through <see cref="Reservations.Answered"/>.</summary>
    void Send(Ask ask);
}

/// <summary>What one replica asks another for; answered by an <see cref="Answer"/> of the same <paramref name="Id"/>.</summary>
/// <param name="Relayed">Asked on another replica's behalf: never passed on again.</param>
internal sealed record Ask(long Id, Reservation What, bool Relayed = false);

/// <summary>How much was granted (0 when nothing) and the commit that grants it, or why not (a stable error code).</summary>
internal sealed record Answer(long Id, long Granted, Cid? Commit, string? Code, string Detail);

using Causeway.Clocks;
using Causeway.Invariants;
using Causeway.Security;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>This replica's side of a sync session for one database: the database, the key that
/// proves who we are, the reservations asked and granted over the session, and the replica's time
/// and randomness (so a simulated run replays), and the capabilities it keeps.</summary>
internal sealed record SyncEndpoint(StoredDatabase Database, ReplicaIdentity Identity, Reservations Reservations, TimeProvider Time, RandomSource Random, Authority.AuthorityStore Authority)
{
    /// <summary>Called once, when this side holds everything the peer held at the end of its backlog
    /// (a restored replica may sign commits in the database from then on).</summary>
    public Action? CaughtUp { get; init; }
}

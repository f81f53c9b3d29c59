namespace Causeway.Replication;

/// <summary>One sync session as the peers list shows it. <see cref="Ahead"/>: commits this replica
/// holds that the peer has not acknowledged; <see cref="Behind"/>: commits the peer holds that this
/// replica has not applied.</summary>
public sealed record PeerStatus(
    string Id, string Remote, string? PeerDid, string Role, SyncDirection Direction, SyncMode Mode, string State,
    long Ahead, long Behind, long Sent, long Applied, int Attempts, DateTimeOffset Since, string? LastError);

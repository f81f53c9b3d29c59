using Causeway.Clocks;

namespace Causeway.Replication;

/// <summary>Which way commits flow, seen from the replica that opens the session.</summary>
public enum SyncDirection { Pull, Push, Both }

/// <summary>Once: until both sides have what the other held at the start. Continuous: stays live.</summary>
public enum SyncMode { Once, Continuous }

/// <summary>What one session did.</summary>
public sealed record SyncResult(string PeerDid, long Applied, long Sent, long Skipped, long BytesSent, long BytesReceived, long Position, VersionVector Clock, TimeSpan Elapsed);

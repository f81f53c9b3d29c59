namespace Causeway.Replication;

/// <summary>Tunes a sync session. The defaults suit a LAN or loopback link.</summary>
public sealed class SyncOptions
{
    /// <summary>Most commits in one frame.</summary>
    public int BatchCommits { get; init; } = 512;

    /// <summary>A frame is closed once its blocks reach this many bytes.</summary>
    public int BatchBytes { get; init; } = 1 << 20;

    /// <summary>Commits sent and not yet acknowledged: the sender's flow control.</summary>
    public int Window { get; init; } = 8192;

    /// <summary>Received commits that wait for their parents (only reordering networks need this).</summary>
    public int MaxPending { get; init; } = 16384;

    /// <summary>Without progress for this long, the sender resends from what the peer acknowledged.</summary>
    public TimeSpan RetransmitAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A peer that floods this many frames in a row while nothing can be applied and the pending
    /// buffer is full (so what it sends is dropped) is cut off.</summary>
    public int MaxUselessFrames { get; init; } = 64;

    public static SyncOptions Default { get; } = new();
}

/// <summary>Who opened the session. The initiator says what it wants; the acceptor mirrors it,
/// within what the peer is allowed.</summary>
public enum SyncRole { Initiator, Acceptor }

/// <summary>Whether the acceptor lets a peer read (pull) and write (push) the database.</summary>
public sealed record SyncPermission(bool MayPull, bool MayPush)
{
    public static SyncPermission All { get; } = new(true, true);
}

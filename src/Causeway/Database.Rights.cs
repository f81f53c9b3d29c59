namespace Causeway;

/// <summary>Writes that spend rights over bounded counters: when this replica holds too few, it asks
/// its peers for a transfer, and either fails fast (insufficient_rights) or, inside
/// <see cref="WaitingForRights"/>, waits for the grant and tries again until the timeout
/// (<see cref="Invariants.RightsRetry"/>).</summary>
public sealed partial class Database
{
    /// <summary>Within the returned scope (dispose it to leave), a write short of rights waits up to
    /// <paramref name="timeout"/> for a transfer from a peer instead of failing at once.</summary>
    public static IDisposable WaitingForRights(TimeSpan timeout) => RightsWait.Begin(timeout);

    /// <summary>The wait <see cref="WaitingForRights"/> set for the current flow, if any (the HTTP client sends it on).</summary>
    public static TimeSpan? RightsWaitInScope => RightsWait.InScope;
}

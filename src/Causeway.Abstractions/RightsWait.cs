using Causeway.Errors;

namespace Causeway;

/// <summary>How long writes in the current flow may wait for rights or a reservation held by a peer
/// (a scope set with <c>Database.WaitingForRights</c>). Shared by the engine, which waits, and the
/// HTTP client, which sends it on as <c>Prefer: wait=N</c>.</summary>
public static class RightsWait
{
    private static readonly AsyncLocal<TimeSpan?> Wait = new();

    /// <summary>The wait set for the current flow, if any.</summary>
    public static TimeSpan? InScope => Wait.Value;

    /// <summary>Within the returned scope (dispose it to leave), a write short of rights waits up to
    /// <paramref name="timeout"/> for a transfer from a peer instead of failing at once.</summary>
    public static IDisposable Begin(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5))
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A wait for rights is between 0 and 5 minutes.");
        var previous = Wait.Value;
        Wait.Value = timeout;
        return new Scope(() => Wait.Value = previous);
    }

    private sealed class Scope(Action leave) : IDisposable
    {
        public void Dispose() => leave();
    }
}

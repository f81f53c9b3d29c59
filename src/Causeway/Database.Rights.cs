using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Replication;
using Causeway.Transactions;

namespace Causeway;

/// <summary>Writes that spend rights over bounded counters: when this replica holds too few, it asks
/// its peers for a transfer, and either fails fast (insufficient_rights) or, inside
/// <see cref="WaitingForRights"/>, waits for the grant and tries again until the timeout (on the
/// replica's <see cref="ReplicaOptions.Time"/>).</summary>
public sealed partial class Database
{
    private static readonly AsyncLocal<TimeSpan?> RightsWait = new();

    /// <summary>Within the returned scope (dispose it to leave), a write short of rights waits up to
    /// <paramref name="timeout"/> for a transfer from a peer instead of failing at once.</summary>
    public static IDisposable WaitingForRights(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5))
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A wait for rights is between 0 and 5 minutes.");
        var previous = RightsWait.Value;
        RightsWait.Value = timeout;
        return new Scope(() => RightsWait.Value = previous);
    }

    /// <summary>The wait <see cref="WaitingForRights"/> set for the current flow, if any (the HTTP client sends it on).</summary>
    public static TimeSpan? RightsWaitInScope => RightsWait.Value;

    private sealed class Scope(Action leave) : IDisposable
    {
        public void Dispose() => leave();
    }

    /// <summary>The one way user writes reach the pipeline: the same writes each attempt.</summary>
    private Task<WriteResult> CommitWritesAsync(IReadOnlyList<DocumentWrites> writes, CancellationToken cancellation)
        => CommitWritesAsync(() => Task.FromResult(writes), cancellation);

    /// <summary>Commits what <paramref name="prepare"/> makes, making it again for each attempt after a
    /// wait for rights or a reservation, so a transaction that reads decides again on what it sees then.</summary>
    private async Task<WriteResult> CommitWritesAsync(Func<Task<IReadOnlyList<DocumentWrites>>> prepare, CancellationToken cancellation)
    {
        var wait = RightsWait.Value;
        var time = Replica.Options.Time;
        var deadline = time.GetUtcNow() + (wait ?? TimeSpan.Zero);
        int handOvers = 0;
        while (true)
        {
            var writes = await prepare().ConfigureAwait(false);
            try
            {
                return await _pipeline.CommitAsync(Runtime, writes, cancellation).ConfigureAwait(false);
            }
            catch (ReservationUnavailableException e) when (e.Needed is { } needed && handOvers++ < 8)
            {
                // The holder of a unique value is asked at once, and the write waits for its answer
                // while it is connected: offline, it fails rather than risk a duplicate.
                var outcome = await Reservations.AskAsync(needed, ReservationWait).ConfigureAwait(false);
                if (!outcome.IsGranted)
                {
                    if (outcome.Code == ErrorCodes.ConstraintViolation) throw new ConstraintViolationException(outcome.Detail);
                    throw new ReservationUnavailableException($"{e.Message.TrimEnd('.')}; it could not be had: {outcome.Detail}.");
                }
            }
            catch (InsufficientRightsException e) when (e.Shortage is { } shortage)
            {
                var what = new Reservation(Reservation.Rights, shortage.Collection, shortage.Id, shortage.Path, shortage.Side, shortage.Missing);
                var remaining = deadline - time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    // Ask even when not waiting: the next write may find the rights here.
                    _ = Reservations.AskAsync(what, Invariants.Reservations.RelayTimeout);
                    throw;
                }
                AskOutcome outcome;
                try { outcome = await Reservations.AskAsync(what, remaining).WaitAsync(remaining, time, cancellation).ConfigureAwait(false); }
                catch (TimeoutException) { throw e; }
                if (!outcome.IsGranted)
                {
                    if (time.GetUtcNow() >= deadline) throw;
                    // Refused for now (every peer short too): try again a little later, until the deadline.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, Math.Max(1, (deadline - time.GetUtcNow()).TotalMilliseconds))), time, cancellation).ConfigureAwait(false);
                }
            }
        }
    }
}

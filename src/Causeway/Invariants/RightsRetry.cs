using Causeway.Errors;
using Causeway.Replication;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Commits user writes that may need rights or a reservation a peer holds: when this
/// replica holds too few, it asks its peers, and either fails fast (insufficient_rights) or, inside a
/// <see cref="RightsWait"/> scope, waits for the grant and tries again until the timeout (on the
/// replica's time).</summary>
internal sealed class RightsRetry(StoredDatabase db, Reservations reservations, TimeProvider time)
{
    /// <summary>How long a write waits for a peer to hand over a reservation or a block: the scope's
    /// wait if longer, else a few seconds, since the holder is asked only while it is connected.</summary>
    public static TimeSpan ReservationWait => RightsWait.InScope is { } wait && wait > DefaultReservationWait ? wait : DefaultReservationWait;

    private static readonly TimeSpan DefaultReservationWait = TimeSpan.FromSeconds(5);

    /// <summary>Commits the same <paramref name="writes"/> on every attempt.</summary>
    public Task<WriteResult> CommitAsync(IReadOnlyList<DocumentWrites> writes, CancellationToken cancellation)
        => CommitAsync(() => Task.FromResult(writes), cancellation);

    /// <summary>Commits what <paramref name="prepare"/> makes, making it again for each attempt after a
    /// wait for rights or a reservation, so a transaction that reads decides again on what it sees then.</summary>
    public async Task<WriteResult> CommitAsync(Func<Task<IReadOnlyList<DocumentWrites>>> prepare, CancellationToken cancellation)
    {
        var wait = RightsWait.InScope;
        var deadline = time.GetUtcNow() + (wait ?? TimeSpan.Zero);
        int handOvers = 0;
        while (true)
        {
            var writes = await prepare().ConfigureAwait(false);
            try
            {
                return await db.CommitAsync(writes, cancellation).ConfigureAwait(false);
            }
            catch (ReservationUnavailableException e) when (e.Needed is { } needed && handOvers++ < 8)
            {
                // The holder of a unique value is asked at once, and the write waits for its answer
                // while it is connected: offline, it fails rather than risk a duplicate.
                var outcome = await reservations.WaitForAsync(reservations.AskAsync(needed, ReservationWait)).ConfigureAwait(false);
                if (!outcome.IsGranted)
                {
                    // The holder's answer is text; the value and document it is about are those asked for.
                    if (outcome.Code == ErrorCodes.ConstraintViolation) throw new ConstraintViolationException(outcome.Detail) { Violation = e.Violation };
                    throw new ReservationUnavailableException($"{e.Message.TrimEnd('.')}; it could not be had: {outcome.Detail}.") { Violation = e.Violation };
                }
            }
            catch (InsufficientRightsException e) when (e.Shortage is { } shortage)
            {
                var what = new Reservation(Reservation.Rights, shortage.Collection, shortage.Id, shortage.Path, shortage.Side, shortage.Missing);
                var remaining = deadline - time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    // Ask even when not waiting: the next write may find the rights here.
                    _ = reservations.AskAsync(what, Reservations.RelayTimeout);
                    throw;
                }
                AskOutcome outcome;
                try { outcome = await reservations.AskAsync(what, remaining).WaitAsync(remaining, time, cancellation).ConfigureAwait(false); }
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

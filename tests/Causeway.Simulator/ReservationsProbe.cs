using Causeway.Invariants;
using Causeway.Replication;

namespace Causeway.Simulator;

/// <summary>Looks inside a database's <see cref="Reservations"/> (at its internal <see cref="AskRouting"/>)
/// to tell when the work it does off the caller's flow has run. An ask completes on a thread
/// of the pool (an answer, a grant commit applied, a session closed), and a relayed answer then
/// commits its grant there too; the simulator waits for that work to finish before its next step,
/// so every seed still replays exactly.</summary>
internal static class ReservationsProbe
{
    /// <summary>The asks of this replica in flight, by what they ask for (concurrent asks for the same thing share one).</summary>
    public static IEnumerable<KeyValuePair<Reservation, Task<AskOutcome>>> InFlight(Reservations reservations) => reservations.Routing.InFlight;

    /// <summary>True when nothing this replica's asks started can still run by itself: every ask in
    /// flight, and every relay, waits for an answer, or for a granted commit that is not here yet.</summary>
    public static bool Quiet(Database db)
    {
        var inFlight = InFlight(db.Reservations);
        var pending = db.Reservations.Routing.Pending.ToList();
        if (!inFlight.Any() && pending.Count == 0) return db.Reservations.Answering == 0;
        int waiting = 0;
        foreach (var (_, ask) in inFlight)
        {
            if (ask.IsCompleted) return false;   // ended: its entry is about to go
            waiting++;
        }
        int asks = 0;
        foreach (var (_, relayed, outcome) in pending)
        {
            if (!relayed) asks++;
            if (!Waiting(db, outcome)) return false;
        }
        // An ask that left the pending list but whose task has not ended yet is still running; so is
        // an answer to a peer that no relay holds up (one waiting relay holds up one answer).
        int relaysWaiting = pending.Count(p => p.Relayed && Waiting(db, p.Outcome));
        return waiting == asks && db.Reservations.Answering == relaysWaiting;
    }

    /// <summary>Unanswered, or granted by a commit not here yet: a refusal ends the ask at once, a grant once its commit is here.</summary>
    private static bool Waiting(Database db, Task<AskOutcome> outcome)
        => !outcome.IsCompleted || (outcome.Result.Commit is { } commit && !db.HasCommit(commit));

    /// <summary>The asks of <paramref name="db"/> and where each stands (for a failure's message).</summary>
    public static string Describe(Database db)
    {
        var inFlight = InFlight(db.Reservations).Select(e => $"{e.Key}: {e.Value.Status}");
        var pending = db.Reservations.Routing.Pending.Select(e =>
        {
            var (id, relayed, outcome) = e;
            string ask = relayed ? $"relay #{id}" : $"#{id}";
            return !outcome.IsCompleted ? $"{ask} unanswered"
                : outcome.Result.Commit is { } commit ? $"{ask} granted by {commit} ({(db.HasCommit(commit) ? "here" : "not here")})"
                : $"{ask} refused ({outcome.Result.Code})";
        });
        return $"in flight [{string.Join("; ", inFlight)}], pending [{string.Join("; ", pending)}]";
    }
}

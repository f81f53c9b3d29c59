using Causeway.Documents;
using Causeway.Errors;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>What only the home replica hands out (docs/invariants.md): blocks of sequence numbers
/// (<see cref="SequenceRules"/>) and ranges of unique values (<see cref="UniqueRules"/>).</summary>
internal static class HomeOnly
{
    /// <summary>Throws <see cref="ReservationUnavailableException"/> when <paramref name="entry"/>
    /// hands out <paramref name="what"/> (carries a <typeparamref name="THandOut"/>) and
    /// <paramref name="me"/> is not the <paramref name="home"/> replica (none: every replica is).</summary>
    public static void Check<THandOut>(StagedDocuments.Entry entry, string me, string? home, string what) where THandOut : DocumentIntent
    {
        if (me == (home ?? me)) return;
        foreach (var intent in entry.Intents)
            if (intent is THandOut) throw new ReservationUnavailableException($"Only the home replica {home} hands out {what}.");
    }
}

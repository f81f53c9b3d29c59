using Causeway.Documents;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>What saving changesets did: the commit (null when refused, or when nothing changed) and,
/// when it was refused or a changeset was not valid, every changeset's errors.</summary>
public sealed record ChangesetSave(TransactionResult? Transaction, IReadOnlyList<ChangesetError> Errors)
{
    /// <summary>True when nothing was wrong: the changes are written (or there were none).</summary>
    public bool Saved => Errors.Count == 0;
}

/// <summary>Saves changesets through a session, the database's refusals read back as their errors.</summary>
public static class ChangesetSaving
{
    /// <inheritdoc cref="SaveChangesAsync(DocumentSession, IEnumerable{IChangeset}, CancellationToken)"/>
    public static Task<ChangesetSave> SaveChangesAsync(this DocumentSession session, IChangeset changeset, CancellationToken cancellation = default)
        => session.SaveChangesAsync([changeset], cancellation);

    /// <summary>Applies every changeset to <paramref name="session"/> and saves the session: one commit
    /// of them and of anything else the session holds, all or nothing. When a changeset is not valid,
    /// nothing is applied or written. When the database refuses the commit for a document of a
    /// changeset (a unique value taken, a check false, a reference to nothing, a bound crossed, rights
    /// short, a reservation out of reach), nothing is written, the refusal becomes errors of that
    /// changeset, and the session still holds the changes, as after any refusal. A refusal about
    /// another document is thrown as it came.</summary>
    public static async Task<ChangesetSave> SaveChangesAsync(this DocumentSession session, IEnumerable<IChangeset> changesets, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(changesets);
        var all = changesets.ToList();
        foreach (var changeset in all) changeset.ClearRefusals();
        if (all.Any(c => !c.IsValid)) return new ChangesetSave(null, [.. all.SelectMany(c => c.Errors)]);
        foreach (var changeset in all) changeset.ApplyTo(session);
        try
        {
            return new ChangesetSave(await session.SaveChangesAsync(cancellation).ConfigureAwait(false), []);
        }
        catch (CausewayException refusal) when (all.FirstOrDefault(c => c.Refused(refusal)) is not null)
        {
            return new ChangesetSave(null, [.. all.SelectMany(c => c.Errors)]);
        }
    }
}

using Causeway.Storage;

namespace Causeway.Transactions;

/// <summary>What a catalog change may do while staged: add to its batch, and mark drafts of
/// dropped databases so later commits in the same group fail.</summary>
internal sealed class CatalogStage(Group group, CatalogStage? previous)
{
    private CatalogStage? _previous = previous;

    private readonly HashSet<string> _creating = new(StringComparer.Ordinal);

    public StoreBatch Batch { get; set; } = new();

    /// <summary>True when a database of this name is being created by this group or the one before it (not yet visible).</summary>
    public bool IsBeingCreated(string name) => _creating.Contains(name) || _previous?.IsBeingCreated(name) == true;

    public void StagingDone() => _previous = null;

    public void Creating(string name) => _creating.Add(name);

    public void MarkDropped(DatabaseRuntime db) => group.Draft(db).Dropped = true;
}

namespace Causeway.Schemas;

/// <summary>What a schema declares for one collection.</summary>
public sealed record CollectionRules
{
    public required string Name { get; init; }
    public IdGeneration Id { get; init; } = IdGeneration.Client;
    public IReadOnlyDictionary<string, FieldRule> Fields { get; init; } = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
    public IReadOnlyList<IReadOnlyList<string>> Unique { get; init; } = [];
    public IReadOnlyList<CheckRule> Checks { get; init; } = [];

    /// <summary>What the automatic path index leaves out of this collection.</summary>
    public IndexRule Index { get; init; } = IndexRule.All;

    public FieldRule? Field(string path) => Fields.GetValueOrDefault(path);

    /// <summary>The fields each check reads, merged where checks share a field: each set is written as one group.</summary>
    public IReadOnlyList<IReadOnlySet<string>> AtomicGroups { get; init; } = [];

    /// <summary>The atomic group <paramref name="path"/> belongs to, if any.</summary>
    public IReadOnlySet<string>? GroupOf(string path)
    {
        foreach (var group in AtomicGroups)
            if (group.Contains(path)) return group;
        return null;
    }
}

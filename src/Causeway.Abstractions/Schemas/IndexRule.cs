namespace Causeway.Schemas;

/// <summary>What of a collection the automatic path index leaves out (docs/indexes.md, "Opting
/// out"): everything (<c>"index": false</c>), or some paths and everything under them
/// (<c>"index": { "exclude": [PATH, ..] }</c>). Queries on what is left out scan. It may also
/// declare compound indexes (<c>"index": { "compound": [[PATH, PATH, ..], ..] }</c>): an entry per
/// document over several paths, so a filter on the first ones ordered by the last reads only its page.</summary>
public sealed record IndexRule
{
    /// <summary>Every path indexed: the default.</summary>
    public static readonly IndexRule All = new();

    /// <summary>Nothing of the collection indexed.</summary>
    public static readonly IndexRule None = new() { Enabled = false };

    /// <summary>The most compound indexes a collection declares, and the most paths in one.</summary>
    public const int MaxCompounds = 8, MaxCompoundPaths = 8;

    public bool Enabled { get; init; } = true;

    /// <summary>Paths left out, each with everything under it (sorted, distinct).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Compound indexes, each 2 to <see cref="MaxCompoundPaths"/> distinct paths, in the
    /// order declared: equalities on all but the last, order by the last.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Compound { get; init; } = [];

    public bool IsDefault => Enabled && Exclude.Count == 0 && Compound.Count == 0;

    public bool Equals(IndexRule? other) => other is not null && other.Enabled == Enabled && other.Exclude.SequenceEqual(Exclude, StringComparer.Ordinal)
        && other.Compound.Count == Compound.Count && other.Compound.Zip(Compound).All(p => p.First.SequenceEqual(p.Second, StringComparer.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Enabled, Exclude.Count, Compound.Count);
}

namespace Causeway.Schemas;

/// <summary>What of a collection the automatic path index leaves out (docs/indexes.md, "Opting
/// out"): everything (<c>"index": false</c>), or some paths and everything under them
/// (<c>"index": { "exclude": [PATH, ..] }</c>). Queries on what is left out scan.</summary>
public sealed record IndexRule
{
    /// <summary>Every path indexed: the default.</summary>
    public static readonly IndexRule All = new();

    /// <summary>Nothing of the collection indexed.</summary>
    public static readonly IndexRule None = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Paths left out, each with everything under it (sorted, distinct).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public bool IsDefault => Enabled && Exclude.Count == 0;

    public bool Equals(IndexRule? other) => other is not null && other.Enabled == Enabled && other.Exclude.SequenceEqual(Exclude, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Enabled, Exclude.Count);
}

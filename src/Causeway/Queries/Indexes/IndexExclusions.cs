using Causeway.Schemas;

namespace Causeway.Queries.Indexes;

/// <summary>Paths a schema keeps out of a collection's index: each one and everything under it, or
/// (<see cref="Everything"/>) the whole collection.</summary>
internal sealed class IndexExclusions(bool everything, IReadOnlyCollection<string> paths)
{
    private readonly HashSet<string> _paths = new(paths, StringComparer.Ordinal);

    public static readonly IndexExclusions Nothing = new(false, []);

    public bool Everything { get; } = everything;

    public bool IsEmpty => !Everything && _paths.Count == 0;

    public static IndexExclusions Of(IndexRule? rule)
        => rule is null || rule.IsDefault ? Nothing : new IndexExclusions(!rule.Enabled, rule.Exclude);

    /// <summary>What either leaves out.</summary>
    public IndexExclusions Union(IndexExclusions other)
        => other.IsEmpty ? this : IsEmpty ? other : new(Everything || other.Everything, [.. _paths.Union(other._paths)]);

    /// <summary>Whether this leaves out everything <paramref name="other"/> does, and more.</summary>
    public bool Covers(IndexExclusions other) => (Everything || !other.Everything) && (Everything || other._paths.All(Excludes));

    public bool Excludes(string path)
    {
        if (Everything) return true;
        if (_paths.Count == 0) return false;
        if (_paths.Contains(path)) return true;
        for (int dot = path.IndexOf('.'); dot >= 0; dot = path.IndexOf('.', dot + 1))
            if (_paths.Contains(path[..dot])) return true;
        return false;
    }
}

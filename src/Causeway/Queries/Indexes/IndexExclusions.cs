namespace Causeway.Queries.Indexes;

/// <summary>Paths a schema keeps out of the index: each one and everything under it.</summary>
internal sealed class IndexExclusions(IReadOnlyCollection<string> paths)
{
    private readonly HashSet<string> _paths = new(paths, StringComparer.Ordinal);

    public bool IsEmpty => _paths.Count == 0;

    public bool Excludes(string path)
    {
        if (_paths.Count == 0) return false;
        if (_paths.Contains(path)) return true;
        for (int dot = path.IndexOf('.'); dot >= 0; dot = path.IndexOf('.', dot + 1))
            if (_paths.Contains(path[..dot])) return true;
        return false;
    }
}

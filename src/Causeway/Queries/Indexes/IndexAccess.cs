namespace Causeway.Queries.Indexes;

/// <summary>Where a filter's candidates come from: documents named by id, and index ranges, all
/// united. Every matching document is among them (the query rechecks each).</summary>
internal sealed record IndexAccess(IReadOnlyList<string> Ids, IReadOnlyList<IndexRange> Ranges)
{
    public static IndexAccess OfIds(IEnumerable<string> ids) => new([.. ids.Distinct(StringComparer.Ordinal)], []);

    public static IndexAccess OfRanges(params IReadOnlyList<IndexRange> ranges) => new([], ranges);

    public IndexAccess Union(IndexAccess other) => new([.. Ids.Union(other.Ids, StringComparer.Ordinal)], [.. Ranges, .. other.Ranges]);

    /// <summary>Candidates of one equality range come in id order (the key is value, then id).</summary>
    public bool InIdOrder => Ids.Count == 0 && Ranges is [{ IsPoint: true }];

    public IEnumerable<string> Describe() => [.. Ids.Count == 0 ? [] : new[] { $"_id in [{string.Join(", ", Ids.Take(5))}{(Ids.Count > 5 ? ", …" : "")}]" },
        .. Ranges.Select(r => $"{r.Path} {r.Description}")];
}

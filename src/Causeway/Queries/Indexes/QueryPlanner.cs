using Causeway.Values;

namespace Causeway.Queries.Indexes;

/// <summary>Turns a filter into the index ranges that hold every document it can match
/// (docs/queries.md, "Planning"), or says why it cannot:
/// <list type="bullet">
/// <item><c>eq</c>, <c>in</c>, <c>lt/lte/gt/gte</c>, <c>prefix</c>, <c>exists: true</c> and
/// <c>contains</c> on a path are ranges of its index; on <c>_id</c>, <c>eq</c> and <c>in</c> name
/// documents directly;</item>
/// <item><c>and</c> takes the part with the fewest candidates (two bounds on one path make one range);</item>
/// <item><c>or</c> unites its branches, when every branch has ranges;</item>
/// <item><c>ne</c>, <c>not</c>, <c>exists: false</c> and ranges over <c>_id</c> have none: they scan.</item>
/// </list></summary>
internal sealed class QueryPlanner(IndexReader index, IndexExclusions? excluded)
{
    /// <summary>How many keys of a range the planner counts before calling it "large".</summary>
    public const long ProbeCap = 256;

    /// <summary>The candidates of <paramref name="filter"/>, or null with a reason when it has to scan.</summary>
    public (IndexAccess? Access, string? Reason) Plan(Predicate filter)
    {
        var access = Of(filter, out var reason);
        return (access, access is null ? reason : null);
    }

    /// <summary>An estimate of the candidates (counted up to <see cref="ProbeCap"/> per range).</summary>
    public long Estimate(IndexAccess access) => access.Ids.Count + access.Ranges.Sum(r => index.Estimate(r, ProbeCap));

    private IndexAccess? Of(Predicate predicate, out string reason)
    {
        reason = "";
        switch (predicate)
        {
            case ComparisonPredicate { Path.IsId: true, Operator: ComparisonOperator.Eq } c:
                return IndexAccess.OfIds(c.Operand.Kind == ValueKind.String ? [c.Operand.AsString()] : []);
            case InPredicate { Path.IsId: true } i:
                return IndexAccess.OfIds(i.Values.Where(v => v.Kind == ValueKind.String).Select(v => v.AsString()));
            case FieldPredicate { Path.IsId: true } f:
                reason = $"'{f}' reads the id, which only eq and in look up";
                return null;
            case FieldPredicate f when excluded?.Excludes(f.Path.Text) == true:
                reason = $"path '{f.Path.Text}' is not indexed (the schema leaves it out)";
                return null;
            case ComparisonPredicate { Operator: ComparisonOperator.Ne } c:
                reason = $"'{c}' matches documents without the field too, which no index holds";
                return null;
            case ComparisonPredicate c:
                return IndexAccess.OfRanges(c.Operator switch
                {
                    ComparisonOperator.Eq => IndexRange.Equal(c.Path.Text, c.Operand),
                    ComparisonOperator.Gt => IndexRange.From(c.Path.Text, c.Operand, inclusive: false),
                    ComparisonOperator.Gte => IndexRange.From(c.Path.Text, c.Operand, inclusive: true),
                    ComparisonOperator.Lt => IndexRange.To(c.Path.Text, c.Operand, inclusive: false),
                    _ => IndexRange.To(c.Path.Text, c.Operand, inclusive: true),
                });
            case InPredicate i:
            {
                // Equal keys are one range (1 and 1.0, say).
                var keys = new SortedDictionary<byte[], Value>(ByteArrayComparer.Instance);
                foreach (var value in i.Values) keys.TryAdd(Collation.Encode(value), value);
                return IndexAccess.OfRanges([.. keys.Values.Select(v => IndexRange.Equal(i.Path.Text, v))]);
            }
            case PrefixPredicate p:
                return IndexAccess.OfRanges(IndexRange.Prefix(p.Path.Text, p.Prefix));
            case ExistsPredicate { Exists: true } e:
                return IndexAccess.OfRanges(IndexRange.Present(e.Path.Text));
            case ExistsPredicate e:
                reason = $"'{e}' asks for documents without the field, which no index holds";
                return null;
            case ContainsPredicate c:
                return IndexAccess.OfRanges(IndexRange.Equal(c.Path.Text, c.Element, IndexEntries.Kind.Element));
            case AndPredicate { Operands.Count: 0 }:
                reason = "the filter matches every document";
                return null;
            case AndPredicate a:
                return And(a, out reason);
            case OrPredicate o:
            {
                var union = IndexAccess.OfIds([]);
                foreach (var branch in o.Operands)
                {
                    var access = Of(branch, out var why);
                    if (access is null)
                    {
                        reason = $"a branch of 'or' has no index: {why}";
                        return null;
                    }
                    union = union.Union(access);
                }
                return union;
            }
            case NotPredicate n:
                reason = $"'{n}' matches what its operand does not, which no index range holds";
                return null;
            default:
                reason = $"no index answers {predicate.GetType().Name}";
                return null;
        }
    }

    /// <summary>The part of an <c>and</c> with the fewest candidates; bounds on one path become one range.</summary>
    private IndexAccess? And(AndPredicate and, out string reason)
    {
        reason = "";
        var options = new List<IndexAccess>();
        var bounds = new Dictionary<string, IndexRange>(StringComparer.Ordinal);
        var reasons = new List<string>();
        foreach (var operand in and.Operands)
        {
            var access = Of(operand, out var why);
            if (access is null) { reasons.Add(why); continue; }
            // A single range over values of a path (not membership) narrows the other bounds on it.
            if (operand is ComparisonPredicate or PrefixPredicate && access.Ranges is [{ Kind: IndexEntries.Kind.Value } range] && access.Ids.Count == 0)
                bounds[range.Path] = bounds.TryGetValue(range.Path, out var other) ? other.Intersect(range) : range;
            else options.Add(access);
        }
        options.AddRange(bounds.Values.Select(r => IndexAccess.OfRanges(r)));
        if (options.Count == 0)
        {
            reason = string.Join("; ", reasons);
            return null;
        }
        if (options.Count == 1) return options[0];
        // Ids named outright are the cheapest; otherwise the fewest keys counted.
        return options.FirstOrDefault(o => o.Ranges.Count == 0) ?? options.MinBy(Estimate);
    }

    /// <summary>The range of the sort path that an <c>and</c> (or a single predicate) bounds, for walking it in order.</summary>
    public static IndexRange? BoundOf(Predicate? filter, string path)
    {
        IndexRange? bound = null;
        IEnumerable<Predicate> parts = filter is AndPredicate a ? a.Operands : filter is null ? [] : [filter];
        foreach (var part in parts)
        {
            IndexRange? range = part switch
            {
                ComparisonPredicate { Operator: ComparisonOperator.Gt or ComparisonOperator.Gte } c when c.Path.Text == path && !c.Path.IsId
                    => IndexRange.From(path, c.Operand, c.Operator == ComparisonOperator.Gte),
                ComparisonPredicate { Operator: ComparisonOperator.Lt or ComparisonOperator.Lte } c when c.Path.Text == path && !c.Path.IsId
                    => IndexRange.To(path, c.Operand, c.Operator == ComparisonOperator.Lte),
                ComparisonPredicate { Operator: ComparisonOperator.Eq } c when c.Path.Text == path && !c.Path.IsId => IndexRange.Equal(path, c.Operand),
                PrefixPredicate p when p.Path.Text == path && !p.Path.IsId => IndexRange.Prefix(path, p.Prefix),
                _ => null,
            };
            if (range is not null) bound = bound is null ? range : bound.Intersect(range);
        }
        return bound;
    }

    /// <summary>Whether every document the filter matches has the path (so walking the path's
    /// index in ascending order misses none: documents without it would sort first).</summary>
    public static bool ImpliesPresent(Predicate? filter, string path) => filter switch
    {
        ComparisonPredicate { Operator: not ComparisonOperator.Ne } c => c.Path.Text == path && !c.Path.IsId,
        InPredicate i => i.Path.Text == path && !i.Path.IsId,
        PrefixPredicate p => p.Path.Text == path && !p.Path.IsId,
        ContainsPredicate c => c.Path.Text == path,
        ExistsPredicate { Exists: true } e => e.Path.Text == path,
        AndPredicate a => a.Operands.Any(o => ImpliesPresent(o, path)),
        OrPredicate { Operands.Count: > 0 } o => o.Operands.All(b => ImpliesPresent(b, path)),
        _ => false,
    };
}

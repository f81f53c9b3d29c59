using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Queries.Indexes;

/// <summary>A compound index a schema declares over paths (p1, .., pn) (docs/indexes.md, "Compound
/// indexes"): one <see cref="IndexEntries.Kind.Compound"/> entry per document, under the path text
/// <c>p1,..,pn</c>, whose key is the components' collation keys one after another (each delimits
/// itself). p1..p(n-1) must be scalars and pn any value (arrays and maps by their kind, as value
/// entries are); a document missing one has no entry. Within one set of equal leading keys the
/// entries come in pn's order, so <c>eq</c> on the leading paths and <c>orderBy</c> pn walk just a page.</summary>
internal sealed class CompoundIndex(IReadOnlyList<string> paths)
{
    public IReadOnlyList<string> Paths { get; } = paths;

    /// <summary>The entry's path text; a comma keeps it apart from a field path, and the kind byte does anyway.</summary>
    public string Name { get; } = string.Join(',', paths);

    public string Last => Paths[^1];

    /// <summary>The stem of the document's entry (<c>path 0 kind key..</c>), or null when it has none.</summary>
    public byte[]? StemOf(Value fields)
    {
        Span<byte> key = stackalloc byte[Collation.MaxLength * IndexRule.MaxCompoundPaths];
        int length = 0;
        for (int i = 0; i < Paths.Count; i++)
        {
            var value = Read(fields, Paths[i]);
            if (value is null) return null;
            bool last = i == Paths.Count - 1;
            if (!last && value.Kind is ValueKind.Array or ValueKind.Map) return null;
            // A truncated leading key (a long string) is shared by every value with its prefix: those
            // entries still come in pn's order, and the recheck tells the values apart.
            length += Collation.Write(value, key[length..]);
        }
        var prefix = IndexEntries.PathPrefix(Name, IndexEntries.Kind.Compound);
        return [.. prefix, .. key[..length]];
    }

    /// <summary>The value at a dotted path of visible fields; null when absent (an empty map reads as absent).</summary>
    private static Value? Read(Value fields, string path)
    {
        var current = fields;
        foreach (var name in path.Split('.'))
        {
            if (current.Kind != ValueKind.Map) return null;
            Value? found = null;
            foreach (var (key, value) in current.AsMap())
                if (key == name) { found = value; break; }
            if (found is null) return null;
            current = found;
        }
        return current.Kind == ValueKind.Map && current.AsMap().Count == 0 ? null : current;
    }

    /// <summary>The range of the entries whose leading keys are those of <paramref name="equal"/>,
    /// within <paramref name="last"/> (a range of pn's values).</summary>
    public IndexRange Range(IReadOnlyList<Value> equal, IndexRange last)
    {
        var prefix = equal.SelectMany(Collation.Encode).ToArray();
        var high = last.High is null ? IndexRange.Successor(prefix) : [.. prefix, .. last.High];
        return new IndexRange(Name, IndexEntries.Kind.Compound, [.. prefix, .. last.Low], high,
            () => $"= ({string.Join(", ", equal)}) then {Last} {last.Description}") { Components = Paths.Count };
    }

    /// <summary>The first of <paramref name="compounds"/> that answers a filter ordered by
    /// <paramref name="sortPath"/>: it ends with that path and the filter holds an <c>eq</c> on a scalar
    /// for each other path (alone or in a top-level <c>and</c>). Returns it with those values, in its order.</summary>
    public static (CompoundIndex Index, Value[] Equal)? Answering(IEnumerable<CompoundIndex> compounds, Predicate? filter, string sortPath)
    {
        IEnumerable<Predicate> parts = filter is AndPredicate a ? a.Operands : filter is null ? [] : [filter];
        var equal = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var part in parts)
            // A scalar eq matches scalars only (values of another rank never compare equal).
            if (part is ComparisonPredicate { Operator: ComparisonOperator.Eq, Path.IsId: false } c && c.Operand.Kind is not (ValueKind.Array or ValueKind.Map))
                equal.TryAdd(c.Path.Text, c.Operand);
        foreach (var compound in compounds)
        {
            if (compound.Last != sortPath) continue;
            var values = new Value[compound.Paths.Count - 1];
            bool all = true;
            for (int i = 0; i < values.Length && all; i++)
                all = equal.TryGetValue(compound.Paths[i], out values[i]!);
            if (all) return (compound, values);
        }
        return null;
    }
}

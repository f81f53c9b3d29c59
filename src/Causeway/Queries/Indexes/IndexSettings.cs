using Causeway.Schemas;

namespace Causeway.Queries.Indexes;

/// <summary>How a database's queries may use the path index, kept with its runtime: whether the
/// replica keeps the index at all, how long one query may run, and what the index lacks.</summary>
internal sealed class IndexSettings
{
    private readonly Lock _lock = new();
    private Dictionary<string, IndexExclusions> _lacking = new(StringComparer.Ordinal);
    private Dictionary<string, IReadOnlyList<CompoundIndex>> _compounds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public bool Enabled { get; set; } = true;

    public TimeSpan QueryBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The replica's clock, which the budget is measured on.</summary>
    public TimeProvider? Time { get; set; }

    private readonly Dictionary<string, bool> _capped = new(StringComparer.Ordinal);

    /// <summary>Whether a collection ever had a document over the entry cap (then every indexed
    /// query reads the marked ones too); <paramref name="look"/> finds out the first time.</summary>
    public bool MayHaveCapped(string collection, Func<bool> look)
    {
        lock (_lock)
            if (_capped.TryGetValue(collection, out bool known)) return known;
        bool found = look();
        lock (_lock) return _capped.TryAdd(collection, found) ? found : _capped[collection];
    }

    /// <summary>A document of the collection went over the cap (the stage says so before the commit is visible).</summary>
    public void Capped(string collection)
    {
        lock (_lock) _capped[collection] = true;
    }

    /// <summary>True once the index lacks a path the schema indexes (until the next build).</summary>
    public bool Partial { get; set; }

    /// <summary>What the index of a collection lacks: every path the schema left out at any time
    /// since the index was last built. A path the schema takes back in stays lacking (its older
    /// documents have no entries) until the replica next opens and builds the index again.</summary>
    public IndexExclusions Lacking(string collection)
    {
        lock (_lock) return _lacking.GetValueOrDefault(collection) ?? IndexExclusions.Nothing;
    }

    /// <summary>The compound indexes of a collection that the index holds whole: written for every
    /// document and version since the last build. The stage writes these and queries walk them.</summary>
    public IReadOnlyList<CompoundIndex> Compounds(string collection)
    {
        lock (_lock) return _compounds.GetValueOrDefault(collection) ?? [];
    }

    /// <summary>Starts over from what a build left out and declared: the rules of <paramref name="schema"/>.</summary>
    public void Built(Schema schema)
    {
        var lacking = new Dictionary<string, IndexExclusions>(StringComparer.Ordinal);
        var compounds = new Dictionary<string, IReadOnlyList<CompoundIndex>>(StringComparer.Ordinal);
        foreach (var rules in schema.Collections.Values)
        {
            if (!rules.Index.IsDefault) lacking[rules.Name] = IndexExclusions.Of(rules.Index);
            if (rules.Index.Compound.Count > 0) compounds[rules.Name] = [.. rules.Index.Compound.Select(p => new CompoundIndex(p))];
        }
        lock (_lock) (_lacking, _compounds) = (lacking, compounds);
    }

    /// <summary>A commit the stage indexes writes to the collection (so a compound declared later
    /// lacks its documents); what the store holds already, <see cref="Changed"/> asks it.</summary>
    public void Written(string collection)
    {
        lock (_lock) _written.Add(collection);
    }

    /// <summary>Adds what a new schema leaves out; true when the index now lacks more than the new
    /// schema leaves out (a path came back in), or a compound index is declared on a collection that
    /// has had documents, so that only a build makes it whole again. A compound index declared on a
    /// collection with no history at all is whole from the start; one no longer declared is dropped.</summary>
    public bool Changed(Schema schema, Func<string, bool> hasHistory)
    {
        bool partial = false;
        lock (_lock)
        {
            foreach (var name in _compounds.Keys.Union(schema.Collections.Keys).ToList())
            {
                var declared = schema.For(name)?.Index.Compound ?? [];
                var kept = _compounds.GetValueOrDefault(name) ?? [];
                var whole = kept.Where(c => declared.Any(d => d.SequenceEqual(c.Paths, StringComparer.Ordinal))).ToList();
                foreach (var paths in declared)
                {
                    if (whole.Any(c => c.Paths.SequenceEqual(paths, StringComparer.Ordinal))) continue;
                    if (_written.Contains(name) || hasHistory(name)) partial = true;
                    else whole.Add(new CompoundIndex(paths));
                }
                if (whole.Count > 0) _compounds[name] = whole;
                else _compounds.Remove(name);
            }
            var names = _lacking.Keys.Union(schema.Collections.Keys).ToList();
            foreach (var name in names)
            {
                var now = IndexExclusions.Of(schema.For(name)?.Index);
                var before = _lacking.GetValueOrDefault(name) ?? IndexExclusions.Nothing;
                var union = before.Union(now);
                if (!union.IsEmpty) _lacking[name] = union;
                if (!now.Covers(union)) partial = true;
            }
        }
        return partial;
    }
}

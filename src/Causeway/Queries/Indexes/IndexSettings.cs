using Causeway.Schemas;

namespace Causeway.Queries.Indexes;

/// <summary>How a database's queries may use the path index, kept with its runtime: whether the
/// replica keeps the index at all, how long one query may run, and what the index lacks.</summary>
internal sealed class IndexSettings
{
    private readonly Lock _lock = new();
    private Dictionary<string, IndexExclusions> _lacking = new(StringComparer.Ordinal);

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

    /// <summary>Starts over from what a build left out: the rules of <paramref name="schema"/>.</summary>
    public void Built(Schema schema)
    {
        var lacking = new Dictionary<string, IndexExclusions>(StringComparer.Ordinal);
        foreach (var rules in schema.Collections.Values)
            if (!rules.Index.IsDefault) lacking[rules.Name] = IndexExclusions.Of(rules.Index);
        lock (_lock) _lacking = lacking;
    }

    /// <summary>Adds what a new schema leaves out; true when the index now lacks more than the new
    /// schema leaves out (a path came back in), so that only a build makes it whole again.</summary>
    public bool Changed(Schema schema)
    {
        bool partial = false;
        lock (_lock)
        {
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

using Causeway.Values;

namespace Causeway.Authority;

/// <summary>The arguments that name what a command acts on: <c>{"db": …, "coll": …, "id": …}</c>
/// (and <c>fn</c> for stored functions). Policies are evaluated against these.</summary>
public static class Resource
{
    public static Value Of(string? db, string? coll = null, string? id = null, string? fn = null)
    {
        var entries = new List<KeyValuePair<string, Value>>(4);
        if (db is not null) entries.Add(new("db", Value.String(db)));
        if (coll is not null) entries.Add(new("coll", Value.String(coll)));
        if (id is not null) entries.Add(new("id", Value.String(id)));
        if (fn is not null) entries.Add(new("fn", Value.String(fn)));
        return Value.Map(entries);
    }

    /// <summary>What each grant of a stored function's role covers, as a command and a resource:
    /// <c>{db, coll}</c> per named collection, or <c>{db}</c> for a grant of every collection. What a
    /// definer must hold (no escalation), over HTTP and in commits alike.</summary>
    public static IEnumerable<(string Command, string? Collection, Value Resource)> OfRole(string db, IEnumerable<Functions.FunctionGrant> role)
    {
        foreach (var grant in role)
        {
            if (grant.Collections is null) yield return (grant.Command, null, Of(db));
            else foreach (var collection in grant.Collections) yield return (grant.Command, collection, Of(db, collection));
        }
    }
}

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
}

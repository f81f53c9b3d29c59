using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>Reads and replaces a value at a dotted path of a document's fields (<c>home.city</c>),
/// without touching the rest: what an upcast needs to show a document in its new shape.</summary>
internal static class StoredPath
{
    public static Value? At(Value fields, string path)
    {
        Value? current = fields;
        foreach (string name in path.Split('.'))
        {
            current = current?.Get(name);
            if (current is null) return null;
        }
        return current is { IsNull: true } ? null : current;
    }

    /// <summary>The fields with <paramref name="value"/> at <paramref name="path"/>; maps on the way
    /// are made or kept, a non-map on the way is replaced by one.</summary>
    public static Value With(Value fields, string path, Value value)
    {
        int dot = path.IndexOf('.');
        string name = dot < 0 ? path : path[..dot];
        var inner = dot < 0 ? value : With(fields.Get(name) is { Kind: ValueKind.Map } map ? map : Value.EmptyMap, path[(dot + 1)..], value);
        var entries = fields.Kind == ValueKind.Map ? fields.AsMap().Where(e => e.Key != name).ToList() : [];
        entries.Add(new(name, inner));
        return Value.Map(entries);
    }

    /// <summary>Whether a stored value already has the shape a field rule asks for (so a retype has
    /// nothing to convert): counters are integers, sets arrays, flags booleans, registers their type.</summary>
    public static bool Fits(Value value, Schemas.FieldRule? rule) => rule?.Kind switch
    {
        null => true,
        "counter" or "bcounter" => value.Kind == ValueKind.Int,
        "awset" or "rwset" => value.Kind == ValueKind.Array,
        "flag_ew" or "flag_dw" => value.Kind == ValueKind.Bool,
        "map" => value.Kind == ValueKind.Map,
        "mvreg" when value.Kind == ValueKind.Array => true,
        _ => rule.Type is not { } type || type.Admits(value),
    };
}

using System.Reflection;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>A <c>Dictionary&lt;string, T&gt;</c> of scalars: a nested map whose keys are field names
/// (<c>sizes.small</c>), each entry its own <c>lww</c> value. A save writes a <c>set</c> per entry added
/// or changed and an <c>unset</c> per entry removed, so two replicas that change different keys at once
/// both keep their change. A null value is no entry.</summary>
internal sealed class DictionaryMember<TOwner, TValue>(PropertyInfo property, string name, string path, int slot, FieldOptions options)
    : MemberMap(property, name, path, options)
{
    private readonly Func<TOwner, Dictionary<string, TValue>?> _get = Getter<TOwner, Dictionary<string, TValue>?>(property);
    private readonly Action<TOwner, Dictionary<string, TValue>?> _set = Setter<TOwner, Dictionary<string, TValue>?>(property)
        ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{property.DeclaringType!.Name}.{property.Name} has no setter; a mapped dictionary needs one.");

    private Value? Current(object? container) => container is null ? null : Encode(_get((TOwner)container));

    /// <summary>The entries as a map value, keys in ordinal order (null when there are none).</summary>
    private Value? Encode(Dictionary<string, TValue>? entries)
    {
        if (entries is not { Count: > 0 }) return null;
        var fields = new List<KeyValuePair<string, Value>>(entries.Count);
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            try { FieldPath.CheckName(key, topLevel: false); }
            catch (InvalidInputException e) { throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Property.DeclaringType!.Name}.{Property.Name}: a key is a field name. {e.Message}"); }
            if (value is not null && ScalarCodec<TValue>.Encode(value) is { } encoded) fields.Add(new(key, encoded));
        }
        return fields.Count == 0 ? null : Value.Map(fields);
    }

    public override void Load(object container, Value? value) => _set((TOwner)container, Decode(value));

    // What the stored map decodes to, encoded again: entries in key order, null ones dropped.
    public override void Record(Value? value, Value?[] snapshot) => snapshot[slot] = Encode(Decode(value));

    private Dictionary<string, TValue> Decode(Value? value)
    {
        var entries = new Dictionary<string, TValue>(StringComparer.Ordinal);
        if (value is not null && !value.IsNull)
        {
            if (value.Kind != ValueKind.Map) throw Mismatch(value, new InvalidCastException());
            foreach (var (key, item) in value.AsMap())
            {
                if (item.IsNull) continue;
                try { entries[key] = ScalarCodec<TValue>.Decode(item); }
                catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException) { throw Mismatch(item, e); }
            }
        }
        return entries;
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (Current(container) is { } map) fields.Add(new(Name, map));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        var now = Current(container);
        var was = snapshot[slot];
        if (now == was) return;
        var before = was is null ? [] : was.AsMap().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (now is not null)
            foreach (var (key, value) in now.AsMap())
                if (!before.TryGetValue(key, out var old) || old != value) ops.Add(FieldOp.Set($"{Path}.{key}", value));
        var kept = now is null ? [] : now.AsMap().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in before.Keys.Order(StringComparer.Ordinal))
            if (!kept.Contains(key)) ops.Add(FieldOp.Unset($"{Path}.{key}"));
    }

    public override void Accept(object? container, Value?[] snapshot) => snapshot[slot] = Current(container);

    // The entries' names are the application's, so the schema declares none of them.
    public override IEnumerable<Schemas.FieldRule> Rules()
    {
        if (Options.Min is not null || Options.Max is not null || Options.Required || Options.Unique)
            throw new SchemaViolationException($"{Property.DeclaringType!.Name}.{Property.Name} is a dictionary; its entries take no bounds, required or unique rule.");
        return [];
    }
}

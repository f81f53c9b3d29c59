using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Causeway.Clocks;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Crdt;

/// <summary>A nested map of CRDT fields: a document. Field name → <see cref="CrdtField"/> (one
/// CRDT per kind). Ops address a field by path (<see cref="MapOp"/>); nested maps and the target
/// CRDT are created on demand. A field is present iff one of its CRDTs is present; a map is
/// present iff one of its fields is. Merge = per field, per kind merge. Mutable; not thread-safe.</summary>
public sealed class CrdtMap : CrdtBase<CrdtMap>, IApplies<MapOp>
{
    private readonly Dictionary<string, CrdtField> _fields;

    public CrdtMap() => _fields = new(StringComparer.Ordinal);

    private CrdtMap(Dictionary<string, CrdtField> fields) => _fields = fields;

    /// <summary>Rebuilds a map from its fields (for decoding); the map takes ownership of them.</summary>
    public static CrdtMap FromParts(IEnumerable<KeyValuePair<string, CrdtField>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var map = new CrdtMap();
        foreach (var (name, field) in fields)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(field);
            if (!map._fields.TryAdd(name, field)) throw new ArgumentException($"Field '{name}' appears twice.", nameof(fields));
        }
        return map;
    }

    /// <summary>The fields (present or not), unordered.</summary>
    public IReadOnlyDictionary<string, CrdtField> Fields => _fields;

    /// <summary>The fields sorted by name (ordinal).</summary>
    public IReadOnlyList<KeyValuePair<string, CrdtField>> SortedFields
    {
        get
        {
            var result = new KeyValuePair<string, CrdtField>[_fields.Count];
            int i = 0;
            foreach (var entry in _fields) result[i++] = entry;
            Array.Sort(result, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }
    }

    private protected override string Name => "map";

    /// <summary>How many CRDTs the fields hold together (a field holding several kinds counts each).</summary>
    internal int SlotCount
    {
        get
        {
            int count = 0;
            foreach (var (_, f) in _fields) count += f.KindCount;
            return count;
        }
    }

    /// <summary>Whether some field is present.</summary>
    public override bool IsPresent
    {
        get
        {
            foreach (var (_, f) in _fields)
                if (f.IsPresent) return true;
            return false;
        }
    }

    /// <summary>The field at <paramref name="path"/> (walking nested maps), or null.</summary>
    public CrdtField? FieldAt(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0) return null;
        var map = this;
        for (int i = 0; ; i++)
        {
            if (!map._fields.TryGetValue(path[i], out var field)) return null;
            if (i == path.Count - 1) return field;
            if (field.Map is not { } next) return null;
            map = next;
        }
    }

    /// <summary>The visible kind at <paramref name="path"/>, or null when nothing is present
    /// there. When concurrent writes left several kinds, the one of highest precedence.</summary>
    public FieldKind? KindAt(IReadOnlyList<string> path) => FieldAt(path)?.VisibleKind;

    /// <summary>The visible value at <paramref name="path"/>, or null when absent.</summary>
    public Value? ValueAt(IReadOnlyList<string> path) => FieldAt(path)?.ToValue();

    /// <summary>The visible fields as a <see cref="Value"/> map: counter and bcounter → Int, sets → Array in
    /// element order, mvreg → Array of its values in dot order, flags → true, lww → its value,
    /// nested map → Map. A field holding several kinds shows the one of highest precedence
    /// (Map &gt; BCounter &gt; Counter &gt; AwSet &gt; RwSet &gt; MvReg &gt; FlagEw &gt; FlagDw &gt; Lww).</summary>
    public Value ToValue()
    {
        var entries = new List<KeyValuePair<string, Value>>(_fields.Count);
        foreach (var (name, field) in _fields)
            if (field.ToValue() is { } v) entries.Add(new(name, v));
        return entries.Count == 0 ? Value.EmptyMap : Value.Map(entries);
    }

    public void Apply(MapOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var path = op.Path;
        if (path.IsDefaultOrEmpty) throw new InvalidInputException(ErrorCodes.InvalidPath, "A map op needs a non-empty field path.");
        int last = path.Length - 1;
        var map = this;
        // Fast path: everything exists; only a missing part needs creating (after validating the op).
        for (int i = 0; i < last; i++)
        {
            if (map._fields.TryGetValue(path[i], out var f) && f.Map is { } next) map = next;
            else
            {
                CreateAndApply(map, path, i, op.Inner);
                return;
            }
        }
        if (map._fields.TryGetValue(path[last], out var field)) field.ApplyInner(op.Inner);
        else CreateAndApply(map, path, last, op.Inner);
    }

    /// <summary>Per field, per kind merge; fields only <paramref name="other"/> has are copied.</summary>
    private protected override void Join(CrdtMap other)
    {
        foreach (var (name, theirs) in other._fields)
        {
            ref var mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_fields, name, out bool exists);
            if (exists) mine!.Merge(theirs);
            else mine = theirs.Clone();
        }
    }

    /// <summary>A deep copy.</summary>
    public override CrdtMap Clone()
    {
        var fields = new Dictionary<string, CrdtField>(_fields.Count, StringComparer.Ordinal);
        foreach (var (name, field) in _fields) fields.Add(name, field.Clone());
        return new(fields);
    }

    public override bool Equals(CrdtMap? other)
    {
        if (other is null || other._fields.Count != _fields.Count) return false;
        foreach (var (name, field) in _fields)
            if (!other._fields.TryGetValue(name, out var theirs) || !field.Equals(theirs)) return false;
        return true;
    }

    public override string ToString() => "{" + string.Join(", ", SortedFields.Select(f => $"{f.Key}: {f.Value}")) + "}";

    // ---- prepare: build effect ops against the current state ----

    /// <summary><c>set</c> of an lww field.</summary>
    public MapOp PrepareAssign(IReadOnlyList<string> path, LwwStamp stamp, Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ToPath(path), (FieldAt(path)?.Lww ?? new()).PrepareAssign(stamp, value));
    }

    /// <summary><c>set</c> of an mvreg field.</summary>
    public MapOp PrepareMvAssign(IReadOnlyList<string> path, Dot dot, Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ToPath(path), (FieldAt(path)?.MvReg ?? new()).PrepareAssign(dot, value));
    }

    /// <summary><c>increment</c> of a counter field by the writer's replica; throws
    /// <see cref="InvalidInputException"/> (invalid_value) on 64-bit overflow.</summary>
    public MapOp PrepareIncrement(IReadOnlyList<string> path, string replica, long by) =>
        new(ToPath(path), (FieldAt(path)?.Counter ?? new()).PrepareIncrement(replica, by));

    /// <summary>An increment of a bcounter field by the writer's replica; throws
    /// <see cref="InvalidInputException"/> (invalid_value) on 64-bit overflow. Rights are the
    /// caller's to check.</summary>
    public MapOp PrepareBCounterIncrement(IReadOnlyList<string> path, string replica, long by) =>
        new(ToPath(path), (FieldAt(path)?.BCounter ?? new()).PrepareIncrement(replica, by));

    /// <summary>A transfer of bcounter rights from the writer's replica; throws
    /// <see cref="InvalidInputException"/> (invalid_value) for a non-positive amount, a transfer to
    /// oneself or 64-bit overflow. Rights are the caller's to check.</summary>
    public MapOp PrepareBCounterTransfer(IReadOnlyList<string> path, string from, string to, BoundSide side, long amount) =>
        new(ToPath(path), (FieldAt(path)?.BCounter ?? new()).PrepareTransfer(from, to, side, amount));

    public MapOp PrepareAwAdd(IReadOnlyList<string> path, Value element, Dot dot)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(ToPath(path), (FieldAt(path)?.AwSet ?? new()).PrepareAdd(element, dot));
    }

    public MapOp PrepareAwRemove(IReadOnlyList<string> path, Value element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(ToPath(path), (FieldAt(path)?.AwSet ?? new()).PrepareRemove(element));
    }

    public MapOp PrepareRwAdd(IReadOnlyList<string> path, Value element, Dot dot)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(ToPath(path), (FieldAt(path)?.RwSet ?? new()).PrepareAdd(element, dot));
    }

    public MapOp PrepareRwRemove(IReadOnlyList<string> path, Value element, Dot dot)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(ToPath(path), (FieldAt(path)?.RwSet ?? new()).PrepareRemove(element, dot));
    }

    public MapOp PrepareEwEnable(IReadOnlyList<string> path, Dot dot) =>
        new(ToPath(path), (FieldAt(path)?.FlagEw ?? new()).PrepareEnable(dot));

    public MapOp PrepareEwDisable(IReadOnlyList<string> path) =>
        new(ToPath(path), (FieldAt(path)?.FlagEw ?? new()).PrepareDisable());

    public MapOp PrepareDwEnable(IReadOnlyList<string> path, Dot dot) =>
        new(ToPath(path), (FieldAt(path)?.FlagDw ?? new()).PrepareEnable(dot));

    public MapOp PrepareDwDisable(IReadOnlyList<string> path, Dot dot) =>
        new(ToPath(path), (FieldAt(path)?.FlagDw ?? new()).PrepareDisable(dot));

    /// <summary><c>unset</c>: for every kind that exists at <paramref name="path"/>, its
    /// clear/reset of everything observed (lww: a clear with <paramref name="stamp"/>, which beats
    /// older unseen writes; the others remove only what was observed, so concurrent writes
    /// survive), recursing into nested maps (fields in name order). A bcounter has no reset and
    /// gets no op. Empty when nothing is there.
    /// <paramref name="dot"/> (the commit's dot) is unused by today's kinds: every reset is a
    /// pure observed-remove; it is part of the signature for kinds that will need one.</summary>
    public IReadOnlyList<MapOp> PrepareUnset(IReadOnlyList<string> path, LwwStamp stamp, Dot dot)
    {
        var p = ToPath(path);
        var ops = new List<MapOp>();
        FieldAt(path)?.PrepareUnset(p, stamp, ops);
        return ops;
    }

    private static ImmutableArray<string> ToPath(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidPath, "A field path needs at least one name.");
        var result = path is ImmutableArray<string> a ? a : ImmutableArray.CreateRange(path);
        foreach (var name in result)
            if (name is null) throw new InvalidInputException(ErrorCodes.InvalidPath, "A field path contains a null name.");
        return result;
    }

    private static void CreateAndApply(CrdtMap map, ImmutableArray<string> path, int from, CrdtOp inner)
    {
        if (!CrdtField.IsFieldOp(inner)) throw CrdtErrors.WrongOp("map field", inner);
        int last = path.Length - 1;
        for (int i = from; i < last; i++) map = map.GetOrAddField(path[i]).GetOrAddMap();
        map.GetOrAddField(path[last]).ApplyInner(inner);
    }

    private CrdtField GetOrAddField(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ref var field = ref CollectionsMarshal.GetValueRefOrAddDefault(_fields, name, out _);
        return field ??= new CrdtField();
    }
}

using System.Linq.Expressions;
using System.Reflection;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>One mapped property of a class: how it loads from a document's field, what a new document
/// writes for it, which field operations its changes are, and the schema's rule for it. Made once per
/// type with compiled accessors, so loading and saving use no reflection.</summary>
internal abstract class MemberMap(PropertyInfo property, string name, string path, FieldOptions options)
{
    public PropertyInfo Property { get; } = property;

    public FieldOptions Options { get; } = options;

    /// <summary>The stored name at its level of the document.</summary>
    public string Name { get; } = name;

    /// <summary>The dotted path from the document's top.</summary>
    public string Path { get; } = path;

    /// <summary>Sets the property from the stored <paramref name="value"/> (null when absent).</summary>
    public abstract void Load(object container, Value? value);

    /// <summary>Records in <paramref name="snapshot"/> what a load of <paramref name="value"/> set the
    /// property to, as the value a save compares with. Asked of a tracked object's stored document
    /// only when it is first compared, so a load that is never saved records nothing. Counters,
    /// sets and flags keep what they loaded themselves.</summary>
    public virtual void Record(Value? value, Value?[] snapshot) { }

    /// <summary>What a new document writes: plain values into <paramref name="fields"/>, and (unless
    /// <paramref name="plain"/>) the CRDT fields as operations.</summary>
    public abstract void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain);

    /// <summary>The operations that turn the loaded state into what the object holds now.</summary>
    public abstract void Changes(object? container, Value?[] snapshot, List<FieldOp> ops);

    /// <summary>After a commit: what the object holds now is the loaded state.</summary>
    public abstract void Accept(object? container, Value?[] snapshot);

    public abstract IEnumerable<FieldRule> Rules();

    protected TypeMismatchException Mismatch(Value value, Exception inner)
        => new($"Field '{Path}' holds a {value.Kind.ToString().ToLowerInvariant()}, which {Property.DeclaringType!.Name}.{Property.Name} ({Property.PropertyType.Name}) cannot hold ({inner.GetType().Name}).");

    internal static Func<TOwner, TProp> Getter<TOwner, TProp>(PropertyInfo property)
    {
        var owner = Expression.Parameter(typeof(TOwner), "owner");
        return Expression.Lambda<Func<TOwner, TProp>>(Expression.Property(owner, property), owner).Compile();
    }

    internal static Action<TOwner, TProp>? Setter<TOwner, TProp>(PropertyInfo property)
    {
        if (property.SetMethod is null) return null;
        var owner = Expression.Parameter(typeof(TOwner), "owner");
        var value = Expression.Parameter(typeof(TProp), "value");
        return Expression.Lambda<Action<TOwner, TProp>>(Expression.Assign(Expression.Property(owner, property), value), owner, value).Compile();
    }
}

/// <summary>A scalar property: an <c>lww</c> register (or <c>mvreg</c>), written with <c>set</c> when
/// its value changes and <c>unset</c> when it becomes null.</summary>
internal sealed class ScalarMember<TOwner, TProp>(PropertyInfo property, string name, string path, int slot, FieldOptions options, string? references)
    : MemberMap(property, name, path, options)
{
    private readonly Func<TOwner, TProp> _get = Getter<TOwner, TProp>(property);
    private readonly Action<TOwner, TProp> _set = Setter<TOwner, TProp>(property)
        ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{property.DeclaringType!.Name}.{property.Name} has no setter; a mapped scalar needs one.");

    // Kept here: reaching a generic class's statics from shared generic code is a lookup on every load.
    private readonly Func<Value, TProp> _decode = ScalarCodec<TProp>.Decode;
    private readonly Func<TProp, Value?> _encode = ScalarCodec<TProp>.Encode;
    private readonly bool _mvReg = options.MvReg;

    private Value? Current(object? container) => container is null ? null : _encode(_get((TOwner)container));

    /// <summary>The stored form that decodes to this type and encodes back to an equal value (a string,
    /// a whole number, a bool, a double), so a tracked load can keep what it loaded as the snapshot
    /// instead of encoding the property again; null for types whose stored forms vary.</summary>
    private static readonly ValueKind? RoundTrips =
        typeof(TProp) == typeof(string) ? ValueKind.String
        : typeof(TProp) == typeof(long) || typeof(TProp) == typeof(int) ? ValueKind.Int
        : typeof(TProp) == typeof(bool) ? ValueKind.Bool
        : typeof(TProp) == typeof(double) ? ValueKind.Double
        : null;

    public override void Load(object container, Value? value) => _set((TOwner)container, Decode(Visible(value)));

    // The stored value where it decodes to an equal one, else the decoded value encoded again, as the property holds it.
    public override void Record(Value? value, Value?[] snapshot)
    {
        value = Visible(value);
        snapshot[slot] = value is not null && value.Kind == RoundTrips ? value : _encode(Decode(value));
    }

    /// <summary>The value a load reads: an <c>mvreg</c>'s concurrent values read as the last.</summary>
    private Value? Visible(Value? value)
        => _mvReg && value is { Kind: ValueKind.Array } values ? values.AsArray() is { Count: > 0 } all ? all[^1] : null : value;

    private TProp Decode(Value? value)
    {
        if (value is null || value.IsNull) return default!;
        try { return _decode(value); }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException) { throw Mismatch(value, e); }
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (Current(container) is { } value) fields.Add(new(Name, value));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        var now = Current(container);
        if (now == snapshot[slot]) return;
        ops.Add(now is null ? FieldOp.Unset(Path) : FieldOp.Set(Path, now));
    }

    public override void Accept(object? container, Value?[] snapshot) => snapshot[slot] = Current(container);

    public override IEnumerable<FieldRule> Rules()
    {
        if (Options.Min is not null || Options.Max is not null)
            throw new SchemaViolationException($"{Property.DeclaringType!.Name}.{Property.Name} has bounds but is a {typeof(TProp).Name}; bounds hold only on a BoundedCounter (state other rules as a check).");
        yield return new FieldRule
        {
            Path = Path,
            Kind = Options.MvReg ? "mvreg" : "lww",
            Type = references is not null ? null : ScalarLists.ElementOf(typeof(TProp)) is not null ? Schemas.ValueType.Array : ScalarTypes.TypeOf(typeof(TProp)),
            Required = Options.Required,
            References = references,
            Policy = Options.Policy,
        };
    }
}

/// <summary>A <see cref="Counter"/> or <see cref="BoundedCounter"/>: written as <c>increment</c> by what
/// this instance was incremented by.</summary>
internal sealed class CounterMember<TOwner, TProp>(PropertyInfo property, string name, string path, FieldOptions options)
    : MemberMap(property, name, path, options) where TProp : Counter, new()
{
    private readonly Func<TOwner, TProp> _get = Getter<TOwner, TProp>(property);
    private readonly Action<TOwner, TProp>? _set = Setter<TOwner, TProp>(property);

    private static bool Bounded => typeof(TProp) == typeof(BoundedCounter);

    public override void Load(object container, Value? value)
    {
        var counter = Instance(container);
        long loaded = 0;
        if (value is not null && !value.IsNull)
        {
            if (value.Kind != ValueKind.Int) throw Mismatch(value, new InvalidCastException());
            loaded = value.AsInt();
        }
        counter.Load(loaded);
    }

    private TProp Instance(object container)
    {
        var owner = (TOwner)container;
        var counter = _get(owner);
        if (counter is not null) return counter;
        counter = new TProp();
        (_set ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Property.DeclaringType!.Name}.{Property.Name} is null and has no setter."))(owner, counter);
        return counter;
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (_get((TOwner)container) is not { } counter || counter.Pending == 0) return;
        if (plain) fields.Add(new(Name, Value.Int(counter.Pending)));
        else ops.Add(FieldOp.Increment(Path, counter.Pending));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        if (container is not null && _get((TOwner)container) is { Pending: not 0 } counter) ops.Add(FieldOp.Increment(Path, counter.Pending));
    }

    public override void Accept(object? container, Value?[] snapshot)
    {
        if (container is not null) _get((TOwner)container)?.Accept();
    }

    public override IEnumerable<FieldRule> Rules()
    {
        if (!Bounded && (Options.Min is not null || Options.Max is not null))
            throw new SchemaViolationException($"{Property.DeclaringType!.Name}.{Property.Name} has bounds but is a Counter; make it a BoundedCounter.");
        yield return new FieldRule { Path = Path, Kind = Bounded ? "bcounter" : "counter", Required = Options.Required, Min = Options.Min, Max = Options.Max };
    }
}

/// <summary>An <see cref="AwSet{T}"/> or <see cref="RwSet{T}"/>: written as one <c>add</c> or <c>remove</c>
/// per change.</summary>
internal sealed class SetMember<TOwner, TSet, TElement>(PropertyInfo property, string name, string path, FieldOptions options)
    : MemberMap(property, name, path, options) where TSet : CrdtSet<TElement>, new() where TElement : notnull
{
    private readonly Func<TOwner, TSet> _get = Getter<TOwner, TSet>(property);
    private readonly Action<TOwner, TSet>? _set = Setter<TOwner, TSet>(property);

    private Func<Value, TElement>? _decode;

    /// <summary>An element decoded, or the member's type mismatch naming it.</summary>
    private TElement Decode(Value item)
    {
        try { return ScalarCodec<TElement>.Decode(item); }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException) { throw Mismatch(item, e); }
    }

    public override void Load(object container, Value? value)
    {
        var owner = (TOwner)container;
        var set = _get(owner);
        if (set is null)
        {
            set = new TSet();
            (_set ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Property.DeclaringType!.Name}.{Property.Name} is null and has no setter."))(owner, set);
        }
        if (value is null || value.IsNull)
        {
            set.Load(Array.Empty<Value>(), ScalarCodec<TElement>.Decode);
            return;
        }
        if (value.Kind != ValueKind.Array) throw Mismatch(value, new InvalidCastException());
        set.Load(value.AsArray(), _decode ??= Decode);
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (_get((TOwner)container) is not { Count: > 0 } set) return;
        if (plain) fields.Add(new(Name, Value.Array(set.Select(Encode))));
        else foreach (var element in set) ops.Add(FieldOp.Add(Path, Encode(element)));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        if (container is null || _get((TOwner)container) is not { } set) return;
        foreach (var (add, element) in set.Pending)
            ops.Add(add ? FieldOp.Add(Path, Encode(element)) : FieldOp.Remove(Path, Encode(element)));
    }

    public override void Accept(object? container, Value?[] snapshot)
    {
        if (container is not null) _get((TOwner)container)?.Accept();
    }

    private static Value Encode(TElement element) => ScalarCodec<TElement>.Encode(element) ?? Value.Null;

    public override IEnumerable<FieldRule> Rules()
    {
        yield return new FieldRule
        {
            Path = Path,
            Kind = typeof(TSet).GetGenericTypeDefinition() == typeof(RwSet<>) ? "rwset" : "awset",
            Type = ScalarTypes.TypeOf(typeof(TElement)),
            Required = Options.Required,
        };
    }
}

/// <summary>A <see cref="Flag"/>: written as <c>enable</c> or <c>disable</c> when it changed.</summary>
internal sealed class FlagMember<TOwner>(PropertyInfo property, string name, string path, FieldOptions options)
    : MemberMap(property, name, path, options)
{
    private readonly Func<TOwner, Flag> _get = Getter<TOwner, Flag>(property);
    private readonly Action<TOwner, Flag>? _set = Setter<TOwner, Flag>(property);

    public override void Load(object container, Value? value)
    {
        var owner = (TOwner)container;
        var flag = _get(owner);
        if (flag is null)
        {
            flag = new Flag();
            (_set ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Property.DeclaringType!.Name}.{Property.Name} is null and has no setter."))(owner, flag);
        }
        flag.Load(value is { Kind: ValueKind.Bool } b && b.AsBool());
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (_get((TOwner)container) is not { IsEnabled: true }) return;
        if (plain) fields.Add(new(Name, Value.True));
        else ops.Add(FieldOp.Enable(Path));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        if (container is not null && _get((TOwner)container) is { Changed: true } flag)
            ops.Add(flag.IsEnabled ? FieldOp.Enable(Path) : FieldOp.Disable(Path));
    }

    public override void Accept(object? container, Value?[] snapshot)
    {
        if (container is not null) _get((TOwner)container)?.Accept();
    }

    public override IEnumerable<FieldRule> Rules()
    {
        yield return new FieldRule { Path = Path, Kind = Options.DisableWins ? "flag_dw" : "flag_ew", Required = Options.Required };
    }
}

/// <summary>A nested plain object: a map whose fields are its own members, at dotted paths.</summary>
internal sealed class NestedMember<TOwner, TProp>(PropertyInfo property, string name, string path, FieldOptions options, ObjectShape shape)
    : MemberMap(property, name, path, options), INestedMember where TProp : class
{
    private readonly Func<TOwner, TProp?> _get = Getter<TOwner, TProp?>(property);
    private readonly Action<TOwner, TProp?> _set = Setter<TOwner, TProp?>(property)
        ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{property.DeclaringType!.Name}.{property.Name} has no setter; a mapped nested object needs one.");

    public ObjectShape Shape { get; } = shape;

    public override void Load(object container, Value? value)
    {
        if (value is not { Kind: ValueKind.Map })
        {
            _set((TOwner)container, null);
            return;
        }
        var nested = _get((TOwner)container) ?? (TProp)Shape.Make(value);
        Shape.Load(nested, value);
        _set((TOwner)container, nested);
    }

    public override void Record(Value? value, Value?[] snapshot)
    {
        // No map loads as no object, whose members hold nothing.
        if (value is { Kind: ValueKind.Map }) Shape.Record(value, snapshot);
        else foreach (var member in Shape.Members) member.Accept(null, snapshot);
    }

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        if (_get((TOwner)container) is not { } nested) return;
        var inner = new List<KeyValuePair<string, Value>>();
        foreach (var member in Shape.Members) member.Initial(nested, inner, ops, plain);
        if (inner.Count > 0) fields.Add(new(Name, Value.Map(inner)));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        object? nested = container is null ? null : _get((TOwner)container);
        foreach (var member in Shape.Members) member.Changes(nested, snapshot, ops);
    }

    public override void Accept(object? container, Value?[] snapshot)
    {
        object? nested = container is null ? null : _get((TOwner)container);
        foreach (var member in Shape.Members) member.Accept(nested, snapshot);
    }

    public override IEnumerable<FieldRule> Rules() => Shape.Members.SelectMany(m => m.Rules());
}

internal interface INestedMember
{
    ObjectShape Shape { get; }
}

/// <summary>A class's mapped members and how to make one (<see cref="Construction"/>).</summary>
internal sealed class ObjectShape(Type type, Construction construction, IReadOnlyList<MemberMap> members)
{
    public Type Type { get; } = type;

    // An array, so the loops of every load and save walk it without an enumerator.
    public MemberMap[] Members { get; } = [.. members];

    /// <summary>A new instance (a positional constructor gets default arguments).</summary>
    public object Create() => construction.Make();

    /// <summary>A new instance to load <paramref name="fields"/> into (a positional constructor gets their values).</summary>
    public object Make(Value? fields, string? id = null) => construction.Make(fields, id);

    // The members in their names' ordinal order, the order of a map's entries: a load walks both
    // together instead of searching the map for each member.
    private readonly MemberMap[] _byName = [.. members.OrderBy(m => m.Name, StringComparer.Ordinal)];

    public void Load(object target, Value map)
    {
        var entries = map.Kind == ValueKind.Map ? map.AsMap() : [];
        int e = 0;
        foreach (var member in _byName) member.Load(target, Next(entries, ref e, member.Name));
    }

    /// <summary>What a load of <paramref name="map"/> set the members to (<see cref="MemberMap.Record"/>).</summary>
    public void Record(Value map, Value?[] snapshot)
    {
        var entries = map.Kind == ValueKind.Map ? map.AsMap() : [];
        int e = 0;
        foreach (var member in _byName) member.Record(Next(entries, ref e, member.Name), snapshot);
    }

    /// <summary>The value of <paramref name="name"/> among <paramref name="entries"/> (sorted by key),
    /// reading on from <paramref name="at"/>, for names asked in ascending order.</summary>
    private static Value? Next(IReadOnlyList<KeyValuePair<string, Value>> entries, ref int at, string name)
    {
        for (; at < entries.Count; at++)
        {
            int c = string.CompareOrdinal(entries[at].Key, name);
            if (c == 0) return entries[at++].Value;
            if (c > 0) return null;
        }
        return null;
    }

    /// <summary>Every member at any depth, nested objects' members included.</summary>
    public IEnumerable<MemberMap> All()
    {
        foreach (var member in Members)
        {
            yield return member;
            if (member is INestedMember nested)
                foreach (var inner in nested.Shape.All()) yield return inner;
        }
    }
}

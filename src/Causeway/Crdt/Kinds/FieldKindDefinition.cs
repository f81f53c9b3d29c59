using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>Everything the engine knows of one <see cref="FieldKind"/>, in one place: the CRDT
/// a field holds for it and how that is read as a value, its stored state, its effects in the
/// ledger and in history, the field operations it takes, and what a schema may declare of it.
/// One subclass per kind (<c>LwwKind</c>, …), each registered once in
/// <see cref="FieldKindRegistry"/>; <see cref="CrdtField"/>, the state and effect codecs, the
/// document editor, change descriptions, document rules and the schema analyzer ask the
/// registry instead of switching on the kind. Stateless; one instance per kind.</summary>
internal abstract class FieldKindDefinition
{
    private readonly EffectForm[] _effects;

    private protected FieldKindDefinition(FieldKind kind, EffectForm[] effects)
    {
        Kind = kind;
        _effects = effects;
    }

    public FieldKind Kind { get; }

    /// <summary>The wire and schema name ("lww", …).</summary>
    public string Name => Kind.ToWireName();

    public override string ToString() => Name;

    // ---- the CRDT in a field's slot (CrdtField); FieldKindDefinition<T> implements these ----

    /// <summary>An empty CRDT of this kind (bottom).</summary>
    public abstract object Create();

    /// <summary>Whether <paramref name="op"/> is one of this kind's field ops (exactly: over
    /// <see cref="Value"/>, never a <see cref="MapOp"/>): one of its <see cref="Effects"/>.</summary>
    public bool IsFieldOp(CrdtOp op) => FormOf(op) is not null;

    public abstract bool IsPresent(object crdt);
    public abstract void Apply(object crdt, CrdtOp op);
    public abstract void Merge(object into, object other);
    public abstract object Clone(object crdt);
    public abstract bool StateEquals(object a, object b);

    /// <summary>The visible value of a present CRDT (see <see cref="CrdtMap.ToValue"/>).</summary>
    public abstract Value? ToValue(object crdt);

    /// <summary>Appends the ops that unset the CRDT (its clear or reset of everything observed),
    /// if it holds anything to unset.</summary>
    public abstract void PrepareUnset(object crdt, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops);

    // ---- stored state (DocumentStateCodec) ----

    /// <summary>Writes the state as one item, only through <paramref name="w"/> (which also
    /// gathers the replicas it names); the bytes are stored and must never change.</summary>
    public abstract void WriteState(StateWriter w, object crdt);

    public abstract object ReadState(StateReader r);

    // ---- effects (EffectCodec, ChangeDescription) ----

    /// <summary>This kind's field ops and their forms in the ledger (docs/ledger-format.md);
    /// names are unique across kinds.</summary>
    public IReadOnlyList<EffectForm> Effects => _effects;

    /// <summary>Writes one of this kind's field ops; false (having written nothing) for any other op.</summary>
    public bool WriteEffect(EffectWriter w, CrdtOp op)
    {
        if (FormOf(op) is not { } form) return false;
        form.Write(w, op);
        return true;
    }

    /// <summary>What a field op of this kind did, in the terms of field operations; a clear or
    /// reset is an unset.</summary>
    public FieldChange Describe(CrdtOp op, string path) => FormOf(op)?.Describe(op, path) ?? new("unset", path);

    private EffectForm? FormOf(CrdtOp op)
    {
        foreach (var form in _effects)
            if (form.Matches(op)) return form;
        return null;
    }

    // ---- field operations (DocumentEditor) ----

    /// <summary>Whether a field of this kind takes the operation (set and unset apart: every
    /// declared field takes a set, and unset is <see cref="UnsetRefusal"/>).</summary>
    public virtual bool Takes(FieldOpKind op) => false;

    /// <summary>Carries out an operation this kind <see cref="Takes"/> on the field at
    /// <paramref name="path"/> (of this kind, or absent and declared so).</summary>
    public virtual void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) =>
        throw new InvalidOperationException($"A {Name} field does not take {FieldOp.WireName(op.Kind)}.");

    /// <summary>Why a declared field of this kind cannot be unset, or null when it can.</summary>
    public virtual string? UnsetRefusal => null;

    /// <summary>A plain value written to a field declared of this kind becomes this kind's
    /// change (a number moves a counter, an array adds and removes elements, …). False: the
    /// value is written as it is (lww, or an object as a map).</summary>
    public virtual bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value) => false;

    // ---- schemas (DocumentRules, SchemaAnalyzer) ----

    /// <summary>The values a declared type applies to (none for kinds whose values have a type of their own).</summary>
    public abstract IEnumerable<Value> TypedValues(object crdt);

    /// <summary>Why the schema analyzer refuses this declaration of a field of this kind, or null.</summary>
    public virtual string? Refusal(FieldRule rule, string where) => null;

    /// <summary>"a number", "an array", … for messages about a value of the wrong type.</summary>
    protected static string Describe(Value value) => value.Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => "a boolean",
        ValueKind.Int or ValueKind.Double or ValueKind.Decimal => "a number",
        ValueKind.String => "a string",
        ValueKind.Array => "an array",
        ValueKind.Map => "an object",
        _ => value.Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>A plain value for a declared field must be of the one JSON type the kind takes.</summary>
    public void RequireValue(ImmutableArray<string> path, Value value, ValueKind kind, string takes)
    {
        if (value.Kind != kind)
            throw new SchemaViolationException($"'{string.Join('.', path)}' is a {Name}: it takes {takes}, not {Describe(value)}.");
    }

    /// <summary>"integer", "boolean", … for messages about a declared type.</summary>
    protected static string TypeName(FieldRule rule) => rule.Type.ToString()!.ToLowerInvariant();
}

/// <summary>A field kind whose CRDT is <typeparamref name="T"/>: the slot operations come from
/// <see cref="ICrdt{TSelf}"/>; a kind writes the typed rest. Its stored state is one array, of
/// <c>stateItems</c> items (<see cref="StateItems"/>) that the kind writes and reads.</summary>
internal abstract class FieldKindDefinition<T> : FieldKindDefinition where T : class, ICrdt<T>, new()
{
    private readonly int _stateItems;

    private protected FieldKindDefinition(FieldKind kind, int stateItems, EffectForm[] effects) : base(kind, effects) =>
        _stateItems = stateItems;

    public sealed override object Create() => new T();
    public sealed override bool IsPresent(object crdt) => ((T)crdt).IsPresent;
    public sealed override void Apply(object crdt, CrdtOp op) => ((T)crdt).Apply(op);
    public sealed override void Merge(object into, object other) => ((T)into).Merge((T)other);
    public sealed override object Clone(object crdt) => ((T)crdt).Clone();
    public sealed override bool StateEquals(object a, object b) => ((T)a).Equals((T)b);
    public sealed override Value? ToValue(object crdt) => ToValue((T)crdt);
    public sealed override void PrepareUnset(object crdt, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops) => PrepareUnset((T)crdt, path, stamp, ops);
    public sealed override object ReadState(StateReader r) => Read(r);
    public sealed override IEnumerable<Value> TypedValues(object crdt) => TypedValues((T)crdt);

    public sealed override void WriteState(StateWriter w, object crdt)
    {
        var state = (T)crdt;
        w.Start(StateItems(state));
        Write(w, state);
        w.End();
    }

    /// <summary>Reads the state <see cref="WriteState"/> wrote.</summary>
    public T Read(StateReader r)
    {
        int items = r.Cbor.ReadStartArray();
        var state = Read(r, items);
        r.Cbor.ReadEndArray();
        return state;
    }

    protected abstract Value? ToValue(T crdt);

    /// <summary>Appends <see cref="Unset"/>'s op, if any.</summary>
    protected virtual void PrepareUnset(T crdt, ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (Unset(crdt, stamp) is { } op) ops.Add(new(path, op));
    }

    /// <summary>The op that unsets the CRDT (its clear or reset of everything observed), or null
    /// when it holds nothing to unset.</summary>
    protected virtual CrdtOp? Unset(T crdt, LwwStamp stamp) => null;

    /// <summary>How many items the state's array has: the kind's <c>stateItems</c>, unless it varies.</summary>
    protected virtual int StateItems(T crdt) => _stateItems;

    /// <summary>Writes the items of the state's array.</summary>
    protected abstract void Write(StateWriter w, T crdt);

    /// <summary>Reads the <paramref name="items"/> items <see cref="Write"/> wrote.</summary>
    protected abstract T Read(StateReader r, int items);

    protected virtual IEnumerable<Value> TypedValues(T crdt) => [];
}

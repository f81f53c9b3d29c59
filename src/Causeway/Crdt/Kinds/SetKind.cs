using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>What the set kinds share: read as the array of their elements, they take add and
/// remove, and a plain array written to a declared set adds and removes the difference.</summary>
internal abstract class SetKind<T> : FieldKindDefinition<T> where T : class, ICrdt<T>, new()
{
    private protected SetKind(FieldKind kind, int stateItems, EffectForm[] effects) : base(kind, stateItems, effects) { }

    protected abstract IReadOnlyList<Value> Elements(T set);
    protected abstract MapOp PrepareAdd(IFieldEditor e, ImmutableArray<string> path, Value element);
    protected abstract MapOp PrepareRemove(IFieldEditor e, ImmutableArray<string> path, Value element);

    protected sealed override Value? ToValue(T set) => Value.Array(Elements(set));

    protected sealed override IEnumerable<Value> TypedValues(T set) => Elements(set);

    public sealed override bool Takes(FieldOpKind op) => op is FieldOpKind.Add or FieldOpKind.Remove;

    public sealed override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) =>
        e.Emit(op.Kind == FieldOpKind.Add ? PrepareAdd(e, path, op.Value!) : PrepareRemove(e, path, op.Value!));

    /// <summary>An array: removes the elements it lacks, then adds the ones the set lacks.</summary>
    public sealed override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        RequireValue(path, value, ValueKind.Array, "an array");
        var wanted = value.AsArray().ToHashSet();
        var present = e.Fields.FieldAt(path)?.Get(this) is { } set ? Elements(set) : [];
        foreach (var element in present.Where(x => !wanted.Contains(x)).ToList())
            e.Emit(PrepareRemove(e, path, element));
        foreach (var element in value.AsArray().Distinct().Where(x => !present.Contains(x)).ToList())
            e.Emit(PrepareAdd(e, path, element));
        return true;
    }
}

using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Schemas;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Crdt.Kinds;

/// <summary>What the flag kinds share: present only while on, read as true, they take enable and
/// disable, and a plain boolean written to a declared flag turns it on or off.</summary>
internal abstract class FlagKind<T> : FieldKindDefinition<T> where T : class, ICrdt<T>, new()
{
    private protected FlagKind(FieldKind kind, int stateItems, EffectForm[] effects) : base(kind, stateItems, effects) { }

    protected abstract bool IsOn(T flag);
    protected abstract MapOp PrepareEnable(IFieldEditor e, ImmutableArray<string> path);
    protected abstract MapOp PrepareDisable(IFieldEditor e, ImmutableArray<string> path);

    protected sealed override Value? ToValue(T flag) => Value.True;

    public sealed override bool Takes(FieldOpKind op) => op is FieldOpKind.Enable or FieldOpKind.Disable;

    public sealed override void Patch(IFieldEditor e, ImmutableArray<string> path, FieldOp op) =>
        e.Emit(op.Kind == FieldOpKind.Enable ? PrepareEnable(e, path) : PrepareDisable(e, path));

    public sealed override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        RequireValue(path, value, ValueKind.Bool, "true or false");
        bool on = e.Fields.FieldAt(path)?.Get(this) is { } flag && IsOn(flag);
        if (on != value.AsBool()) e.Emit(value.AsBool() ? PrepareEnable(e, path) : PrepareDisable(e, path));
        return true;
    }

    public sealed override string? Refusal(FieldRule rule, string where) =>
        rule.Type is null or ValueType.Boolean ? null : $"{where} is a flag: its value is a boolean.";
}

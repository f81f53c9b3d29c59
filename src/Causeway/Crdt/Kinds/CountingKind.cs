using System.Collections.Immutable;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Crdt.Kinds;

/// <summary>What the counter kinds share (counter, bcounter): read as an integer, they take
/// increment, a whole number written to a declared one moves it by the difference, and a declared
/// type is an integer.</summary>
internal abstract class CountingKind<T> : FieldKindDefinition<T> where T : class, ICrdt<T>, new()
{
    private protected CountingKind(FieldKind kind, int stateItems, EffectForm[] effects) : base(kind, stateItems, effects) { }

    /// <summary>The counter's exact value (Σ(P − N), less any reset base).</summary>
    protected abstract Int128 ExactValue(T counter);

    /// <summary>An increment by the writer's replica of the counter at <paramref name="path"/>;
    /// invalid_value on 64-bit overflow.</summary>
    protected abstract MapOp PrepareIncrement(IFieldEditor e, ImmutableArray<string> path, long by);

    /// <summary>The value, clamped to 64 bits.</summary>
    protected sealed override Value? ToValue(T counter) => Value.Int(ReplicaTotalsTable.Clamp(ExactValue(counter)));

    public sealed override bool Takes(FieldOpKind op) => op == FieldOpKind.Increment;

    /// <summary>A number moves the counter by the difference.</summary>
    public sealed override bool AssignDeclared(IFieldEditor e, ImmutableArray<string> path, Value value)
    {
        RequireValue(path, value, ValueKind.Int, "a whole number");
        Int128 current = e.Fields.FieldAt(path)?.Get(this) is { } counter ? ExactValue(counter) : 0;
        Int128 delta = (Int128)value.AsInt() - current;
        if (delta > long.MaxValue || delta <= long.MinValue)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Moving '{string.Join('.', path)}' to {value.AsInt()} overflows a 64-bit integer.");
        if (delta != 0) e.Emit(PrepareIncrement(e, path, (long)delta));
        return true;
    }

    public override string? Refusal(FieldRule rule, string where) =>
        rule.Type is null or ValueType.Integer or ValueType.Number ? null
        : $"{where} is a {Name}: its values are integers, not {TypeName(rule)}.";
}

using System.Reflection;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>An <see cref="MvReg{T}"/>: loaded from the field's array of concurrent values, written as
/// <c>set</c> (which replaces every value the replica holds) or <c>unset</c> when it changed.</summary>
internal sealed class MvRegMember<TOwner, TValue>(PropertyInfo property, string name, string path, FieldOptions options)
    : MemberMap(property, name, path, options) where TValue : notnull
{
    private readonly Func<TOwner, MvReg<TValue>> _get = Getter<TOwner, MvReg<TValue>>(property);
    private readonly Action<TOwner, MvReg<TValue>>? _set = Setter<TOwner, MvReg<TValue>>(property);

    public override void Load(object container, Value? value)
    {
        var owner = (TOwner)container;
        var register = _get(owner);
        if (register is null)
        {
            register = new MvReg<TValue>();
            (_set ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Property.DeclaringType!.Name}.{Property.Name} is null and has no setter."))(owner, register);
        }
        // A field written before the schema declared it an mvreg holds one plain value.
        IReadOnlyList<Value> stored = value switch
        {
            null => [],
            { Kind: ValueKind.Array } array => array.AsArray(),
            _ => [value],
        };
        // Two replicas that set the same value at once leave it twice: one value, no conflict.
        var values = new List<TValue>(stored.Count);
        foreach (var item in stored)
            if (!item.IsNull && Decode(item) is var decoded && !values.Contains(decoded)) values.Add(decoded);
        register.Load(values);
    }

    private TValue Decode(Value item)
    {
        try { return ScalarCodec<TValue>.Decode(item); }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException) { throw Mismatch(item, e); }
    }

    private static Value Encode(TValue value) => ScalarCodec<TValue>.Encode(value) ?? Value.Null;

    public override void Initial(object container, List<KeyValuePair<string, Value>> fields, List<FieldOp> ops, bool plain)
    {
        // A plain value: the schema's mvreg rule makes it the register's one value, as for [MvReg].
        if (_get((TOwner)container) is { Values: [var value] }) fields.Add(new(Name, Encode(value)));
    }

    public override void Changes(object? container, Value?[] snapshot, List<FieldOp> ops)
    {
        if (container is null || _get((TOwner)container) is not { Changed: true } register) return;
        ops.Add(register.Values is [var value] ? FieldOp.Set(Path, Encode(value)) : FieldOp.Unset(Path));
    }

    public override void Accept(object? container, Value?[] snapshot)
    {
        if (container is not null) _get((TOwner)container)?.Accept();
    }

    public override IEnumerable<FieldRule> Rules()
    {
        if (Options.Min is not null || Options.Max is not null)
            throw new SchemaViolationException($"{Property.DeclaringType!.Name}.{Property.Name} has bounds but is an MvReg; bounds hold only on a BoundedCounter.");
        yield return new FieldRule { Path = Path, Kind = "mvreg", Type = ScalarTypes.TypeOf(typeof(TValue)), Required = Options.Required };
    }
}

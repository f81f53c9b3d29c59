using System.Reflection;
using Causeway.Errors;
using Causeway.Values;
using ValueType = Causeway.Schemas.ValueType;

namespace Causeway.Models;

/// <summary>The CLR types a scalar property may have, and the schema type each is declared with.</summary>
internal static class ScalarTypes
{
    private static readonly Dictionary<Type, ValueType> Declared = new()
    {
        [typeof(string)] = ValueType.String,
        [typeof(bool)] = ValueType.Boolean,
        [typeof(int)] = ValueType.Integer,
        [typeof(long)] = ValueType.Integer,
        [typeof(double)] = ValueType.Number,
        [typeof(decimal)] = ValueType.Number,
        [typeof(DateTimeOffset)] = ValueType.Timestamp,
        [typeof(byte[])] = ValueType.Bytes,
        [typeof(Guid)] = ValueType.String,
    };

    /// <summary>The schema type of a scalar CLR type (a <see cref="Ref{T}"/> is a string), or null when
    /// <paramref name="type"/> is no scalar.</summary>
    public static ValueType? TypeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Declared.TryGetValue(type, out var declared)) return declared;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Ref<>)) return ValueType.String;
        if (type.IsEnum) return ValueType.String;   // stored as its name
        return null;
    }

    public static string Names => "string, bool, int, long, double, decimal, DateTimeOffset, byte[], Guid, Ref<T>, enums (and nullable ones)";
}

/// <summary>Converts one scalar CLR type to and from <see cref="Value"/>, with delegates made once per
/// type: null is absent (an unset field), and an absent field reads as the type's default.</summary>
internal static class ScalarCodec<T>
{
    public static readonly Func<T, Value?> Encode;
    public static readonly Func<Value, T> Decode;

    static ScalarCodec()
    {
        var (encode, decode) = ScalarCodecs.For(typeof(T));
        Encode = (Func<T, Value?>)encode;
        Decode = (Func<Value, T>)decode;
    }
}

internal static class ScalarCodecs
{
    public static (Delegate Encode, Delegate Decode) For(Type type)
    {
        if (type == typeof(string)) return (new Func<string?, Value?>(s => s is null ? null : Value.String(s)), new Func<Value, string?>(v => v.AsString()));
        if (type == typeof(bool)) return (new Func<bool, Value?>(Value.Bool), new Func<Value, bool>(v => v.AsBool()));
        if (type == typeof(long)) return (new Func<long, Value?>(Value.Int), new Func<Value, long>(v => v.AsInt()));
        if (type == typeof(int)) return (new Func<int, Value?>(i => Value.Int(i)), new Func<Value, int>(v => checked((int)v.AsInt())));
        if (type == typeof(double)) return (new Func<double, Value?>(Value.Double), new Func<Value, double>(v => v.Kind == ValueKind.Int ? v.AsInt() : v.AsDouble()));
        if (type == typeof(decimal)) return (new Func<decimal, Value?>(Value.Decimal), new Func<Value, decimal>(v => v.Kind == ValueKind.Int ? v.AsInt() : v.AsDecimal()));
        if (type == typeof(DateTimeOffset)) return (new Func<DateTimeOffset, Value?>(Value.Timestamp), new Func<Value, DateTimeOffset>(v => v.AsTimestamp()));
        if (type == typeof(byte[])) return (new Func<byte[]?, Value?>(b => b is null ? null : Value.Bytes(b)), new Func<Value, byte[]?>(v => v.AsBytes().ToArray()));
        if (type == typeof(Guid)) return (new Func<Guid, Value?>(g => Value.String(g.ToString("D"))), new Func<Value, Guid>(v => Guid.Parse(v.AsString())));
        if (Nullable.GetUnderlyingType(type) is { } inner) return Make(nameof(NullableOf), inner);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Ref<>)) return Make(nameof(RefOf), type.GetGenericArguments()[0]);
        if (type.IsEnum) return Make(nameof(EnumOf), type);
        if (ScalarLists.ElementOf(type) is { } element)
            return ((Delegate, Delegate))typeof(ScalarLists).GetMethod(type.IsArray ? nameof(ScalarLists.ArrayOf) : nameof(ScalarLists.ListOf))!.MakeGenericMethod(element).Invoke(null, null)!;
        throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} is not a scalar type; scalars are {ScalarTypes.Names}.");
    }

    private static (Delegate, Delegate) Make(string method, Type argument)
        => ((Delegate, Delegate))typeof(ScalarCodecs).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(argument).Invoke(null, null)!;

    private static (Delegate, Delegate) NullableOf<TInner>() where TInner : struct
    {
        var encode = ScalarCodec<TInner>.Encode;
        var decode = ScalarCodec<TInner>.Decode;
        return (new Func<TInner?, Value?>(v => v is { } present ? encode(present) : null),
                new Func<Value, TInner?>(v => v.IsNull ? null : decode(v)));
    }

    private static (Delegate, Delegate) EnumOf<TEnum>() where TEnum : struct, Enum
        => (new Func<TEnum, Value?>(e => Value.String(EnumNames.Of(e))),
            new Func<Value, TEnum>(v => EnumNames.TryParse(v.AsString(), out TEnum e) ? e : throw new FormatException($"'{v.AsString()}' is not a name of {typeof(TEnum).Name}.")));

    private static (Delegate, Delegate) RefOf<TTarget>() where TTarget : class
        => (new Func<Ref<TTarget>?, Value?>(r => r is null ? null : Value.String(r.Id)),
            new Func<Value, Ref<TTarget>?>(v => v.IsNull ? null : new Ref<TTarget>(v.AsString())));
}

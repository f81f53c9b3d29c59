using System.Linq.Expressions;
using System.Reflection;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>How a mapped class is made when a document is loaded: its parameterless constructor or,
/// when it has none, the constructor whose parameters are its properties (a positional record). That
/// constructor gets the stored scalar values (and the id), so a record that checks its arguments sees
/// the real ones; counters, sets, flags and nested objects are filled in after, like every property.</summary>
internal sealed class Construction
{
    private readonly Func<object?[], object> _new;
    private readonly Argument[] _arguments;

    private Construction(Func<object?[], object> make, Argument[] arguments)
    {
        _new = make;
        _arguments = arguments;
    }

    /// <summary>One constructor parameter: the id, a stored field decoded to the parameter's type, or its default.</summary>
    private sealed record Argument(bool IsId, string? Field, Func<Value, object?> Decode, object? Default);

    public static Construction Of(Type type, IReadOnlyList<MemberMap> members, bool isRoot)
    {
        var values = Expression.Parameter(typeof(object?[]), "values");
        if (type.GetConstructor(Type.EmptyTypes) is { } parameterless)
            return new(Expression.Lambda<Func<object?[], object>>(Expression.Convert(Expression.New(parameterless), typeof(object)), values).Compile(), []);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var constructor = type.GetConstructors()
            .Where(c => c.GetParameters().All(p => properties.Any(q => Matches(p, q))))
            .MaxBy(c => c.GetParameters().Length)
            ?? throw new InvalidInputException(ErrorCodes.InvalidValue,
                $"{type.Name} needs a public parameterless constructor, or one whose parameters are its properties (a positional record), to be loaded.");
        var parameters = constructor.GetParameters();
        var arguments = new Argument[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var property = properties.First(q => Matches(parameter, q));
            var member = members.FirstOrDefault(m => m.Property == property);
            bool scalar = member is not null && (ScalarTypes.TypeOf(parameter.ParameterType) is not null || ScalarLists.ElementOf(parameter.ParameterType) is not null);
            object? fallback = parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null;
            arguments[i] = new Argument(isRoot && property.Name == "Id", scalar ? member!.Name : null, scalar ? Decoder(parameter.ParameterType) : _ => fallback, fallback);
        }
        var made = Expression.New(constructor, parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(i)), p.ParameterType)));
        return new(Expression.Lambda<Func<object?[], object>>(Expression.Convert(made, typeof(object)), values).Compile(), arguments);
    }

    // A positional record's parameter and its property share name and type ("Name" and "name" alike).
    private static bool Matches(ParameterInfo parameter, PropertyInfo property)
        => string.Equals(parameter.Name, property.Name, StringComparison.OrdinalIgnoreCase) && parameter.ParameterType == property.PropertyType;

    private static Func<Value, object?> Decoder(Type type)
        => (Func<Value, object?>)typeof(Construction).GetMethod(nameof(Boxed), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, null)!;

    private static Func<Value, object?> Boxed<T>() => value => ScalarCodec<T>.Decode(value);

    /// <summary>A new instance; <paramref name="fields"/> (the stored map, if any) and <paramref name="id"/>
    /// feed a positional constructor. A value that does not decode is passed as the default: loading
    /// the property right after reports it as a type mismatch.</summary>
    public object Make(Value? fields = null, string? id = null)
    {
        if (_arguments.Length == 0) return _new([]);
        var values = new object?[_arguments.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var argument = _arguments[i];
            if (argument.IsId) { values[i] = id; continue; }
            var stored = argument.Field is null || fields is not { Kind: ValueKind.Map } ? null : fields.Get(argument.Field);
            try { values[i] = stored is null || stored.IsNull ? argument.Default : argument.Decode(stored); }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { values[i] = argument.Default; }
        }
        return _new(values);
    }
}

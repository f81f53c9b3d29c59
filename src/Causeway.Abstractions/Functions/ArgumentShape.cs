using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Functions;

/// <summary>The argument a stored function declares it takes: an object whose members each have a
/// type, <c>string</c>, <c>number</c>, <c>integer</c>, <c>boolean</c>, <c>object</c>, <c>array</c> or
/// <c>any</c>, optional when the type ends in <c>?</c>. In JSON: <c>{ "player": "string", "qty":
/// "integer?" }</c>. A call whose argument is not such an object (a member missing or of another type,
/// or a member the shape does not name) is refused with invalid_value before the function runs.</summary>
public sealed class ArgumentShape
{
    private static readonly string[] Types = ["string", "number", "integer", "boolean", "object", "array", "any"];

    /// <summary>At most this many members.</summary>
    public const int MaxMembers = 64;

    public ArgumentShape(IReadOnlyDictionary<string, string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count > MaxMembers) throw new InvalidInputException(ErrorCodes.InvalidValue, $"An argument shape has at most {MaxMembers} members, not {members.Count}.");
        foreach (var (name, type) in members)
        {
            if (name.Length == 0 || name.Length > 128) throw new InvalidInputException(ErrorCodes.InvalidValue, "An argument's name has 1 to 128 characters.");
            string bare = type.EndsWith('?') ? type[..^1] : type;
            if (!Types.Contains(bare))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Argument '{Documents.Names.Clip(name)}' has type '{Documents.Names.Clip(type)}'; a type is one of {string.Join(", ", Types)}, with '?' after it when the member may be left out.");
        }
        Members = new SortedDictionary<string, string>(members.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>Each member's name and type (ending in '?' when optional), by name.</summary>
    public IReadOnlyDictionary<string, string> Members { get; }

    /// <summary>The shape from its JSON form, a map of names to type names.</summary>
    public static ArgumentShape FromValue(Value shape)
    {
        if (shape.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidValue, "'args' is an object of argument names and types, such as { \"player\": \"string\", \"qty\": \"integer?\" }.");
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, type) in shape.AsMap())
        {
            if (type.Kind != ValueKind.String) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Argument '{Documents.Names.Clip(name)}' has a type that is not a string; write it as \"string\", \"integer?\" and so on.");
            members[name] = type.AsString();
        }
        return new ArgumentShape(members);
    }

    public Value ToValue() => Value.Map([.. Members.Select(m => new KeyValuePair<string, Value>(m.Key, Value.String(m.Value)))]);

    /// <summary>Throws invalid_value unless <paramref name="argument"/> fits the shape.</summary>
    public void Check(string function, Value argument)
    {
        if (argument.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{function}' takes an object argument ({Describe()}), not {Article(argument)}.");
        var map = argument.AsMap();
        foreach (var (name, _) in map)
            if (!Members.ContainsKey(name)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{function}' takes no argument '{Documents.Names.Clip(name)}' ({Describe()}).");
        foreach (var (name, type) in Members)
        {
            bool optional = type.EndsWith('?');
            string bare = optional ? type[..^1] : type;
            var member = argument.Get(name);
            if (member is null || member.Kind == ValueKind.Null)
            {
                if (optional) continue;
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{function}' needs argument '{name}' ({bare}).");
            }
            if (!Fits(bare, member)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{function}' takes '{name}' as {bare}, not {Article(member)}.");
        }
    }

    private static bool Fits(string type, Value value) => type switch
    {
        "string" => value.Kind == ValueKind.String,
        "number" => value.Kind is ValueKind.Int or ValueKind.Double or ValueKind.Decimal,
        "integer" => value.Kind == ValueKind.Int || (value.Kind == ValueKind.Double && double.IsInteger(value.AsDouble())),
        "boolean" => value.Kind == ValueKind.Bool,
        "object" => value.Kind == ValueKind.Map,
        "array" => value.Kind == ValueKind.Array,
        _ => true,
    };

    private static string Article(Value value) => value.Kind switch
    {
        ValueKind.Map => "an object",
        ValueKind.Array => "an array",
        ValueKind.String => "a string",
        ValueKind.Bool => "a boolean",
        ValueKind.Null => "null",
        _ => "a number",
    };

    private string Describe() => Members.Count == 0 ? "no members" : string.Join(", ", Members.Select(m => $"{m.Key}: {m.Value}"));
}

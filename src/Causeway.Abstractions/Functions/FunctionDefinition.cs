using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Functions;

/// <summary>A stored function as it is defined (docs/functions.md): its name, its JavaScript source
/// (an expression that evaluates to a function of one argument), the argument it takes (any when
/// <see cref="Arguments"/> is null) and the role it runs with: what its <c>db.*</c> calls may read
/// and write, which must lie within its definer's authority.</summary>
public sealed record FunctionDefinition
{
    /// <summary>The longest source kept, in UTF-16 units.</summary>
    public const int MaxSourceLength = 256 * 1024;

    public FunctionDefinition(string name, string source, IReadOnlyList<FunctionGrant> role, ArgumentShape? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(role);
        Name = CheckName(name);
        if (string.IsNullOrWhiteSpace(source)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{name}' has no source.");
        if (source.Length > MaxSourceLength) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{name}' has {source.Length} characters of source; the most is {MaxSourceLength}.");
        if (role.Count > 64) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{name}' has {role.Count} grants in its role; the most is 64.");
        Source = source;
        Role = role;
        Arguments = arguments;
    }

    public string Name { get; }
    public string Source { get; }
    public ArgumentShape? Arguments { get; }
    public IReadOnlyList<FunctionGrant> Role { get; }

    /// <summary>Whether the role allows <paramref name="command"/> on <paramref name="collection"/>.</summary>
    public bool Allows(string command, string collection) => Role.Any(g => g.Allows(command, collection));

    /// <summary>A function's name: a letter or '_' first, then letters, digits, '_', '-' or '.', at most 128.</summary>
    public static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool ok = name.Length is > 0 and <= 128 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
                  && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
        if (!ok) throw new InvalidInputException(ErrorCodes.InvalidName, $"'{Documents.Names.Clip(name)}' is not a function name: a letter or '_' first, then letters, digits, '_', '-' or '.', at most 128.");
        return name;
    }

    /// <summary>The role from its JSON form: an array of <c>{ "cmd", "collections"? }</c>.</summary>
    public static IReadOnlyList<FunctionGrant> RoleFromValue(Value role)
    {
        if (role.Kind != ValueKind.Array) throw new InvalidInputException(ErrorCodes.InvalidValue, "'role' is an array of grants such as { \"cmd\": \"/doc/write\", \"collections\": [\"items\"] }.");
        var grants = new List<FunctionGrant>();
        foreach (var grant in role.AsArray())
        {
            if (grant.Kind != ValueKind.Map || grant.Get("cmd") is not { Kind: ValueKind.String } cmd)
                throw new InvalidInputException(ErrorCodes.InvalidValue, "Each grant of 'role' is { \"cmd\": \"/doc/write\", \"collections\": [..] }.");
            foreach (var (key, _) in grant.AsMap())
                if (key is not ("cmd" or "collections")) throw new InvalidInputException(ErrorCodes.InvalidValue, $"A grant has 'cmd' and 'collections', not '{Documents.Names.Clip(key)}'.");
            IReadOnlyList<string>? collections = null;
            if (grant.Get("collections") is { } named && named.Kind != ValueKind.Null)
            {
                if (named.Kind != ValueKind.Array || named.AsArray().Any(c => c.Kind != ValueKind.String))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, "A grant's 'collections' is an array of collection names.");
                collections = [.. named.AsArray().Select(c => c.AsString())];
            }
            grants.Add(new FunctionGrant(cmd.AsString(), collections));
        }
        return grants;
    }

    public static Value RoleToValue(IReadOnlyList<FunctionGrant> role) => Value.Array(role.Select(g =>
        g.Collections is null
            ? Value.Map([new("cmd", Value.String(g.Command))])
            : Value.Map([new("cmd", Value.String(g.Command)), new("collections", Value.Array(g.Collections.Select(Value.String)))])));

    /// <summary>The document a definition is stored as in <c>_functions</c>: <c>{ source, role, args?, definer }</c>.</summary>
    public Value ToDocument(string definer)
    {
        var fields = new List<KeyValuePair<string, Value>>
        {
            new("source", Value.String(Source)),
            new("role", RoleToValue(Role)),
            new("definer", Value.String(definer)),
        };
        if (Arguments is { } args) fields.Add(new("args", args.ToValue()));
        return Value.Map(fields);
    }

    /// <summary>A definition and its definer from its stored document.</summary>
    public static (FunctionDefinition Definition, string Definer) FromDocument(string name, Value document)
    {
        var source = document.Get("source");
        var role = document.Get("role");
        if (source is not { Kind: ValueKind.String } || role is null)
            throw new CorruptDataException($"Function '{name}' is stored without its source or role.");
        var args = document.Get("args") is { Kind: ValueKind.Map } shape ? ArgumentShape.FromValue(shape) : null;
        string definer = document.Get("definer") is { Kind: ValueKind.String } d ? d.AsString() : "";
        return (new FunctionDefinition(name, source.AsString(), RoleFromValue(role), args), definer);
    }
}

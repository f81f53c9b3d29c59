using Causeway.Errors;

namespace Causeway.Functions;

/// <summary>One part of the authority a stored function runs with: a document command
/// (<c>/doc</c>, <c>/doc/read</c>, <c>/doc/write</c> or <c>/doc/delete</c>) on some collections, or on
/// every user collection when <see cref="Collections"/> is null. In JSON:
/// <c>{ "cmd": "/doc/write", "collections": ["items", "players"] }</c>.</summary>
public sealed record FunctionGrant
{
    /// <summary>The commands a function may be given: a function reads and writes documents, nothing else.</summary>
    public static readonly IReadOnlyList<string> Commands = ["/doc", "/doc/read", "/doc/write", "/doc/delete"];

    public FunctionGrant(string command, IReadOnlyList<string>? collections = null)
    {
        if (!Commands.Contains(command))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"A function's role grants one of {string.Join(", ", Commands)}, not '{Documents.Names.Clip(command)}'.");
        if (collections is not null)
        {
            if (collections.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"A grant of {command} names at least one collection, or leaves 'collections' out for all of them.");
            foreach (var collection in collections)
            {
                Documents.Names.Collection(collection);
                if (Schemas.SystemCollections.IsSystem(collection))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, $"A function's role cannot reach the reserved collection '{collection}'.");
            }
        }
        Command = command;
        Collections = collections;
    }

    public string Command { get; }

    /// <summary>The collections the grant covers; null for every user collection.</summary>
    public IReadOnlyList<string>? Collections { get; }

    /// <summary>Whether the grant allows <paramref name="command"/> (<c>/doc/read</c>, <c>/doc/write</c>,
    /// <c>/doc/delete</c>) on <paramref name="collection"/>: the grant's command proves it by whole segments.</summary>
    public bool Allows(string command, string collection)
        => (command == Command || command.StartsWith(Command + "/", StringComparison.Ordinal))
           && (Collections is null || Collections.Contains(collection, StringComparer.Ordinal));

    public bool Equals(FunctionGrant? other)
        => other is not null && Command == other.Command
           && (Collections is null ? other.Collections is null : other.Collections is not null && Collections.SequenceEqual(other.Collections));

    public override int GetHashCode() => HashCode.Combine(Command, Collections?.Count);
}

using Causeway.Errors;
using Causeway.Server.Access;
using Causeway.Server.Http;

namespace Causeway.Server.Endpoints;

/// <summary>What every endpoint needs: the replica, who is asking and what they may do, and the write gate.</summary>
internal sealed class Api(Replica replica, ServerOptions options, AccessControl access)
{
    public Replica Replica { get; } = replica;
    public ServerOptions Options { get; } = options;
    public AccessControl Access { get; } = access;

    /// <summary>Who owns <paramref name="database"/>: the subject of every command on it (<see cref="AccessControl.OwnerOf"/>).</summary>
    public string OwnerOf(string? database) => Access.OwnerOf(database);

    /// <summary>The continuous links to reopen after a restart.</summary>
    public Replication.StoredLinks Links { get; } = new(options.DataDirectory);
    public WriteGate Writes { get; } = new(options.MaxInFlightWrites);

    /// <summary>The caller, who must be allowed <paramref name="command"/> (one of <see cref="Authority.Commands"/>)
    /// on the resource <paramref name="database"/>, <paramref name="collection"/>, <paramref name="id"/> names
    /// (401 / 403 otherwise). The names must be valid already.</summary>
    public Principal Authorize(HttpContext context, string command, string? database = null, string? collection = null, string? id = null)
    {
        var principal = Authentication.PrincipalOf(context);
        principal.Demand(command, Authority.Resource.Of(database, collection, id));
        return principal;
    }

    /// <summary>The caller, who must be allowed <paramref name="command"/> on something: checked before a
    /// body that names the resources is read, so a caller who may never run it hears 403 at once.</summary>
    public Principal AuthorizeCommand(HttpContext context, string command)
    {
        var principal = Authentication.PrincipalOf(context);
        principal.DemandCommand(command);
        return principal;
    }

    /// <summary>Checks the names (400), authorizes <paramref name="command"/> on the database and, when
    /// given, the collection and document (403), then finds the database (404 when absent). A caller
    /// who may never run the command hears 403 before the collection and id are looked at.</summary>
    public Database Database(HttpContext context, string name, string command, string? collection = null, string? id = null)
    {
        Documents.Names.Database(name);
        AuthorizeCommand(context, command);
        if (collection is not null) Documents.Names.Collection(collection);
        if (id is not null) Documents.Names.DocumentId(id);
        Authorize(context, command, name, collection, id);
        return Replica.GetDatabase(name);
    }

    public static ReadPoint? At(HttpContext context)
        => context.Request.Query.TryGetValue("at", out var at) ? ReadPoint.Parse(at.ToString()) : null;

    /// <summary>How an answer writes values: typed (<c>{"$decimal"}</c>, <c>{"$time"}</c>, <c>{"$bytes"}</c>,
    /// doubles with a fraction; the default, also <c>?values=typed</c>) or plain JSON (<c>?values=plain</c>).
    /// Anything else is 400 invalid_value (docs/api.md, Values in answers).</summary>
    /// <summary>A yes/no query parameter: absent or "false" is no, "true" is yes, anything else invalid_value.</summary>
    public static bool Flag(HttpContext context, string name) => context.Request.Query[name].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        var other => throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{name}' is '{Documents.Names.Clip(other)}'; it is 'true' or 'false'."),
    };

    public static bool TypedValues(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue("values", out var values)) return true;
        return values.ToString() switch
        {
            "typed" => true,
            "plain" => false,
            var other => throw new InvalidInputException(ErrorCodes.InvalidValue,
                $"'values' is '{Documents.Names.Clip(other)}'; it is 'typed' (the default: $decimal, $time, $bytes) or 'plain' (plain JSON)."),
        };
    }
}

using Causeway.Errors;
using Causeway.Server.Access;
using Causeway.Server.Http;

namespace Causeway.Server.Endpoints;

/// <summary>What every endpoint needs: the replica, who is asking, and the write gate.</summary>
internal sealed class Api(Replica replica, ServerOptions options)
{
    public Replica Replica { get; } = replica;
    public ServerOptions Options { get; } = options;

    /// <summary>The continuous links to reopen after a restart.</summary>
    public Replication.StoredLinks Links { get; } = new(options.DataDirectory);
    public WriteGate Writes { get; } = new(options.MaxInFlightWrites);

    /// <summary>The caller, who must be allowed <paramref name="ability"/> on <paramref name="database"/> (401 / 403 otherwise).</summary>
    public Principal Authorize(HttpContext context, string ability, string? database = null)
    {
        var principal = Authentication.PrincipalOf(context);
        if (!principal.Can(ability, database))
            throw new ForbiddenException($"This token may not {ability}{(database is null ? "" : $" on '{database}'")}.");
        return principal;
    }

    /// <summary>Authorizes, then finds the database (400 for a bad name, 404 when absent).</summary>
    public Database Database(HttpContext context, string name, string ability)
    {
        Documents.Names.Database(name);
        Authorize(context, ability, name);
        return Replica.GetDatabase(name);
    }

    public static ReadPoint? At(HttpContext context)
        => context.Request.Query.TryGetValue("at", out var at) ? ReadPoint.Parse(at.ToString()) : null;

    /// <summary>How an answer writes values: typed (<c>{"$decimal"}</c>, <c>{"$time"}</c>, <c>{"$bytes"}</c>,
    /// doubles with a fraction; the default, also <c>?values=typed</c>) or plain JSON (<c>?values=plain</c>).
    /// Anything else is 400 invalid_value (docs/api.md, Values in answers).</summary>
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

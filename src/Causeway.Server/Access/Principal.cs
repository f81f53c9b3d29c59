using Causeway.Authority;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Server.Access;

/// <summary>Who a request acts for, and what it may do: commands of <see cref="Commands"/> on resources
/// named by <see cref="Resource.Of"/> (db, coll, id). The static tokens and dev mode act as the
/// owner (<see cref="Owner"/>, <see cref="Reader"/>); a UCAN makes a <see cref="CapabilityPrincipal"/>.
/// Endpoints ask <see cref="Demand"/> (403 with the reason) and <see cref="Can"/>, never look at tokens.</summary>
public abstract class Principal
{
    /// <summary>The admin token and dev mode: the owner, every command.</summary>
    public static Principal Owner { get; } = new StaticPrincipal("admin", [Commands.All], isOwner: true);

    /// <summary>The read token: the owner's <see cref="Commands.Reading"/>.</summary>
    public static Principal Reader { get; } = new StaticPrincipal("read", Commands.Reading, isOwner: false);

    /// <summary>A principal that may run <paramref name="commands"/> (and those under them) anywhere (tests, tools).</summary>
    /// <summary>Who calls without credentials where that is allowed (<c>GET /v1/status</c>): may do nothing.</summary>
    public static Principal Anonymous { get; } = new StaticPrincipal("anonymous", [], isOwner: false);

    public static Principal WithCommands(string name, params IEnumerable<string> commands) => new StaticPrincipal(name, [.. commands], isOwner: false);

    /// <summary>For logs and messages: the static token's name, or the caller's DID.</summary>
    public abstract string Name { get; }

    /// <summary>The owner itself, by a static token or dev mode (a UCAN caller is the owner when its
    /// <see cref="Did"/> is the owner's).</summary>
    public virtual bool IsOwner => false;

    /// <summary>The DID the caller proved to be by signing (an invocation's or session delegation's
    /// issuer), or null for a static token.</summary>
    public virtual string? Did => null;

    /// <summary>Whether the caller may run <paramref name="command"/> on <paramref name="resource"/> (<see cref="Resource.Of"/>).</summary>
    public bool Can(string command, Value resource) => Refusal(command, resource) is null;

    /// <summary>Whether the caller may run <paramref name="command"/> on a database (null: on the server).</summary>
    public bool Can(string command, string? database) => Can(command, Resource.Of(database));

    /// <summary>Throws unless the caller may run <paramref name="command"/> on <paramref name="resource"/>.</summary>
    /// <exception cref="CausewayException">403 <c>forbidden</c> (a <see cref="UcanException"/> naming the proof for a UCAN).</exception>
    public void Demand(string command, Value resource)
    {
        if (Refusal(command, resource) is { } refusal) throw refusal;
    }

    /// <summary>Throws unless the caller may run <paramref name="command"/> somewhere: before a body names
    /// the resources, so a caller that may never do it hears 403 whatever the body holds.</summary>
    public void DemandCommand(string command)
    {
        if (CommandRefusal(command) is { } refusal) throw refusal;
    }

    /// <summary>Why the caller may not run <paramref name="command"/> on <paramref name="resource"/>, or null.</summary>
    public abstract CausewayException? Refusal(string command, Value resource);

    /// <summary>Why the caller may not run <paramref name="command"/> on any resource, or null.</summary>
    public abstract CausewayException? CommandRefusal(string command);

    /// <summary>A resource as messages name it: <c>'shop'</c>, <c>shop/orders/o-1</c>, or "this server".</summary>
    internal static string Describe(Value resource)
    {
        static string? Text(Value resource, string key) => resource.Get(key) is { Kind: ValueKind.String } v ? v.AsString() : null;
        string? db = Text(resource, "db"), coll = Text(resource, "coll"), id = Text(resource, "id");
        if (db is null) return "this server";
        return $"'{Documents.Names.Clip(string.Join('/', new[] { db, coll, id }.Where(p => p is not null)))}'";
    }
}

/// <summary>A static token's principal: some of the owner's commands, everywhere.</summary>
internal sealed class StaticPrincipal(string name, IReadOnlyList<string> commands, bool isOwner) : Principal
{
    public override string Name => name;
    public override bool IsOwner => isOwner;

    public override CausewayException? Refusal(string command, Value resource)
        => Covers(command) ? null : new ForbiddenException($"The {name} token may not run {command} on {Describe(resource)}.");

    public override CausewayException? CommandRefusal(string command)
        => Covers(command) ? null : new ForbiddenException($"The {name} token may not run {command}.");

    private bool Covers(string command)
    {
        foreach (var granted in commands)
            if (Command.Proves(granted, command)) return true;
        return false;
    }
}

using Causeway.Crdt;
using Causeway.Functions;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>What a commit's changes need from its origin's UCAN chain when stored functions are
/// involved (docs/functions.md, Authority):
/// <list type="bullet">
/// <item>a function's definition (a change of <c>_functions/F</c>) needs <c>/fn/define</c> on F and, for
/// each grant of its role, that command on those collections: a definer cannot give a function more
/// than it holds;</item>
/// <item>a commit that records a call (a <c>_calls</c> document naming F) needs <c>/fn/call</c> on F,
/// and its other changes need nothing from the chain but must lie within F's role, as this replica
/// holds F's definition: that is how a call-only key writes what the function writes, on any replica.</item>
/// </list>
/// Every other change needs what <see cref="OperationCommands"/> says.</summary>
internal static class FunctionAuthority
{
    /// <summary>One document change of a commit: its collection, id, effects and the top-level values it leaves.</summary>
    public readonly record struct Change(string Collection, string Id, IReadOnlyList<CrdtOp> Effects, Func<Value> Written);

    /// <summary>The (command, resource) pairs the chain must authorize; throws <see cref="Errors.UcanException"/>
    /// when a call's change lies outside its function's role, or a call commit holds what a call cannot.</summary>
    public static List<(string Command, Value Args)> Needs(string db, IReadOnlyList<Change> changes, Func<string, FunctionDefinition?> function)
    {
        var needs = new List<(string, Value)>(changes.Count);
        string? called = null;
        foreach (var change in changes)
        {
            if (change.Collection != SystemCollections.Calls) continue;
            if (called is not null) throw Claim("it records two calls of stored functions; a call is a commit of its own");
            called = change.Written().Get("fn") is { Kind: ValueKind.String } fn ? fn.AsString()
                : throw Claim($"its call record {change.Id} names no function");
            needs.Add((Commands.FnCall, Resource.Of(db, fn: called)));
        }
        FunctionDefinition? definition = null;
        if (called is not null)
            definition = function(called) ?? throw Claim($"it records a call of function '{called}', which this replica does not hold");
        foreach (var change in changes)
        {
            if (change.Collection == SystemCollections.Calls) continue;
            if (change.Collection == SystemCollections.Functions)
            {
                if (definition is not null) throw Claim("a call of a stored function cannot define one");
                needs.Add((Commands.FnDefine, Resource.Of(db, fn: change.Id)));
                if (change.Effects.Any(e => e is EwDisable)) continue;
                var role = change.Written().Get("role");
                if (role is null) continue;
                foreach (var (granted, _, resource) in Resource.OfRole(db, FunctionDefinition.RoleFromValue(role)))
                    needs.Add((granted, resource));
                continue;
            }
            var (command, args) = OperationCommands.Of(db, change.Collection, change.Id, change.Effects);
            if (definition is null) { needs.Add((command, args)); continue; }
            // Engine bookkeeping a write needs (a sequence block, a reservation) goes with it.
            if (change.Collection is SystemCollections.Sequences or SystemCollections.Reservations) continue;
            if (SystemCollections.IsSystem(change.Collection) || !definition.Allows(command, change.Collection))
                throw Claim($"it records a call of function '{definition.Name}', whose role does not allow {command} on {change.Collection}/{change.Id}");
        }
        return needs;
    }

    private static Errors.UcanException Claim(string reason) => new(Errors.UcanError.InvalidClaim, reason);
}

using Causeway.Crdt;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>The command and resource arguments a change to one document needs: deleting it
/// <c>/doc/delete</c>, setting the schema <c>/schema/write</c>, anything else <c>/doc/write</c>;
/// the arguments are <c>{db, coll, id}</c> (just <c>{db}</c> for the schema).</summary>
internal static class OperationCommands
{
    public static (string Command, Value Args) Of(string db, string collection, string id, IEnumerable<CrdtOp> effects)
    {
        if (collection == SystemCollections.Schema) return (Commands.SchemaWrite, Resource.Of(db));
        bool deletes = effects.Any(e => e is EwDisable);
        return (deletes ? Commands.DocDelete : Commands.DocWrite, Resource.Of(db, collection, id));
    }

    /// <summary>The narrowest command that covers all of <paramref name="commands"/>, by whole segments.</summary>
    public static string Covering(IEnumerable<string> commands)
    {
        string[]? common = null;
        foreach (var command in commands)
        {
            var segments = command.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (common is null) { common = segments; continue; }
            int n = 0;
            while (n < common.Length && n < segments.Length && common[n] == segments[n]) n++;
            common = common[..n];
        }
        return common is null || common.Length == 0 ? Command.Top : "/" + string.Join('/', common);
    }
}

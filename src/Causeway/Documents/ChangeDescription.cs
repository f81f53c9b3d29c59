using Causeway.Crdt;
using Causeway.Crdt.Kinds;

namespace Causeway.Documents;

/// <summary>Says what a document operation did, in the terms of the field operations people write.</summary>
internal static class ChangeDescription
{
    public static IReadOnlyList<FieldChange> Describe(IReadOnlyList<CrdtOp> effects)
    {
        var changes = new List<FieldChange>(effects.Count);
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case EwEnable e: changes.Add(new FieldChange(e.Observed.Count == 0 ? "create" : "update")); break;
                case EwDisable: changes.Add(new FieldChange("delete")); break;
                case MapOp { Path: var p, Inner: var inner }:
                    string path = string.Join('.', p);
                    changes.Add(FieldKindRegistry.Of(inner.Kind).Describe(inner, path));
                    break;
            }
        }
        // One unset of a nested object emits a reset per field inside it; say it once per path.
        return changes.Where((c, i) => c.Op != "unset" || i == 0 || changes[i - 1] != c).ToList();
    }
}

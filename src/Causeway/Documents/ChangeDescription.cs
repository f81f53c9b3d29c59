using Causeway.Crdt;
using Causeway.Values;

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
                    changes.Add(inner switch
                    {
                        LwwAssign<Value> a => new FieldChange("set", path, a.Value),
                        MvAssign<Value> a => new FieldChange("set", path, a.Value),
                        CounterIncrement i => new FieldChange("increment", path, Value.Int(i.By)),
                        BCounterIncrement i => new FieldChange("increment", path, Value.Int(i.By)),
                        BCounterTransfer t => new FieldChange("transfer", path, Value.Map([
                            new("to", Value.String(t.To)),
                            new("side", Value.String(t.Side == BoundSide.Lower ? "lower" : "upper")),
                            new("amount", Value.Int(t.Amount))])),
                        AwAdd<Value> a => new FieldChange("add", path, a.Element),
                        RwAdd<Value> a => new FieldChange("add", path, a.Element),
                        AwRemove<Value> r => new FieldChange("remove", path, r.Element),
                        RwRemove<Value> r => new FieldChange("remove", path, r.Element),
                        EwEnable or DwEnable => new FieldChange("enable", path),
                        EwDisable or DwDisable => new FieldChange("disable", path),
                        _ => new FieldChange("unset", path),
                    });
                    break;
            }
        }
        // One unset of a nested object emits a reset per field inside it; say it once per path.
        return changes.Where((c, i) => c.Op != "unset" || i == 0 || changes[i - 1] != c).ToList();
    }
}

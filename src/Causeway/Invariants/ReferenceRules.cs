using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Keeps references from dangling, inside one local commit (docs/invariants.md):
/// a child names a visible parent; an add-wins child touches its parent, so a concurrent delete of
/// the parent is undone; deleting a parent that live add-wins children still name is refused; deleting
/// a parent deletes its live remove-wins children (cascade), and concurrent ones vanish by
/// <see cref="Visibility"/>. Then every written document is checked against its own rules.</summary>
internal static class ReferenceRules
{
    /// <param name="naming">The ids of the documents of a collection whose field (a path) may name a
    /// parent id, latest state: every one that does is among them (a parent's possible children).</param>
    /// <param name="held">Whether this replica holds a document: a partial replica cannot vouch for a parent it does not hold.</param>
    public static void Enforce(StagedDocuments staged, Func<string, string, string, IEnumerable<string>> naming, Func<string, string, bool> held)
    {
        var schema = staged.Schema;
        // What the transaction itself wrote is checked, never cascaded away behind its back.
        int written = staged.Entries.Count;
        // Entries grow while this runs (touches, cascades); each is looked at once.
        for (int i = 0; i < staged.Entries.Count; i++)
        {
            var entry = staged.Entries[i];
            string describe = $"{entry.Collection}/{entry.Id}";
            if (entry.State.Exists && schema.For(entry.Collection) is { } rules)
            {
                foreach (var field in rules.Fields.Values)
                {
                    if (field.References is not { } parent || Visibility.ReferenceOf(entry.State, field) is not { } parentId) continue;
                    if (!held(parent, parentId))
                        throw new NotHeldException($"{describe}: '{field.Path}' names {parent}/{parentId}, which this partial replica does not hold, so it cannot check or keep that reference; write it on a replica that holds {parent}.");
                    if (!Visibility.IsVisible(schema, parent, staged.StateOf(parent, parentId), staged.StateOf))
                        throw new ConstraintViolationException($"{describe}: '{field.Path}' names {parent}/{parentId}, which does not exist.")
                        {
                            Violation = new Violation(ViolatedRule.Reference, entry.Collection, entry.Id, [field.Path]) { Other = $"{parent}/{parentId}" },
                        };
                    if (field.Policy == ReferencePolicy.AddWins) staged.Edit(parent, parentId, [new DocumentIntent.Touch()]);
                }
            }
            if (entry.Existed && !entry.State.Exists) Deleted(staged, entry, naming, written);
        }
        foreach (var entry in staged.Entries)
            if (schema.For(entry.Collection) is { } rules) DocumentRules.Enforce(rules, entry.State, entry.Id);
    }

    private static void Deleted(StagedDocuments staged, StagedDocuments.Entry parent, Func<string, string, string, IEnumerable<string>> naming, int written)
    {
        foreach (var (child, field) in staged.Schema.ReferencesTo(parent.Collection))
        {
            var candidates = naming(child.Name, field.Path, parent.Id)
                .Concat(staged.Entries.Where(e => e.Collection == child.Name).Select(e => e.Id))
                .Distinct(StringComparer.Ordinal).ToList();
            foreach (var id in candidates)
            {
                if (staged.StateOf(child.Name, id) is not { } state) continue;
                if (!state.Exists || Visibility.ReferenceOf(state, field) != parent.Id) continue;
                if (field.Policy == ReferencePolicy.AddWins)
                    throw new ConstraintViolationException($"Cannot delete {parent.Collection}/{parent.Id}: {child.Name}/{id} still names it in '{field.Path}' (add-wins reference); delete or repoint it first.")
                    {
                        // The refused write is the delete: none of the parent's own fields is at fault.
                        Violation = new Violation(ViolatedRule.Reference, parent.Collection, parent.Id, []) { Other = $"{child.Name}/{id}" },
                    };
                if (staged.Find(child.Name, id) is { } own && staged.Entries.IndexOf(own) < written) continue;   // refused when its turn comes
                staged.Edit(child.Name, id, [new DocumentIntent.Delete()]);
            }
        }
    }
}

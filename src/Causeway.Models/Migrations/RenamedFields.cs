using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>A typed query's filter as the upcast shows documents: a condition on a renamed field is
/// asked of the first of its names, newest first, that holds a value (neither absent nor null, as
/// <see cref="RenameField"/> reads), so a document that still holds only an old name is found by the
/// new one. Sort keys cannot be widened so: the query orders by one stored path.</summary>
internal static class RenamedFields
{
    /// <summary><paramref name="predicate"/> with every condition on a renamed field widened;
    /// <paramref name="renames"/> are the collection's renames, oldest first.</summary>
    public static Predicate Widen(Predicate predicate, IReadOnlyList<RenameField> renames)
        => renames.Count == 0 ? predicate : Rewrite(predicate, renames);

    private static Predicate Rewrite(Predicate predicate, IReadOnlyList<RenameField> renames) => predicate switch
    {
        AndPredicate and => Pred.And(and.Operands.Select(o => Rewrite(o, renames))),
        OrPredicate or => Pred.Or(or.Operands.Select(o => Rewrite(o, renames))),
        NotPredicate not => Pred.Not(Rewrite(not.Operand, renames)),
        FieldPredicate { Path.IsId: false } field => Shown(field, renames),
        _ => predicate,
    };

    /// <summary>The condition on what the document shows at <paramref name="path"/>: the first of its
    /// names, newest first, that holds a value (neither absent nor null), or else what is stored under
    /// the newest name, as the renames' upcasts, run oldest first, leave it.</summary>
    private static Predicate Shown(FieldPredicate field, IReadOnlyList<RenameField> renames)
    {
        string path = field.Path.Text;
        var names = new List<string> { path };
        for (int i = renames.Count - 1; i >= 0; i--)
            if (renames[i].To == names[^1]) names.Add(renames[i].From);
        if (names.Count == 1) return At(field, path);
        var branches = new List<Predicate>(names.Count + 1);
        for (int i = 0; i < names.Count; i++)
            branches.Add(Pred.And([.. names.Take(i).Select(Hidden), Pred.Exists(names[i]), Pred.Ne(names[i], Value.Null), At(field, names[i])]));
        branches.Add(Pred.And([.. names.Select(Hidden), At(field, path)]));
        return Pred.Or(branches);
    }

    private static Predicate Hidden(string path) => Pred.Or(Pred.Exists(path, false), Pred.Eq(path, Value.Null));

    /// <summary>The same condition on another path.</summary>
    private static Predicate At(FieldPredicate field, string path) => field.Path.Text == path ? field : field switch
    {
        ComparisonPredicate c => Pred.Compare(path, c.Operator, c.Operand),
        InPredicate i => Pred.In(path, i.Values),
        PrefixPredicate p => Pred.Prefix(path, p.Prefix),
        ExistsPredicate e => Pred.Exists(path, e.Exists),
        ContainsPredicate c => Pred.Contains(path, c.Element),
        _ => throw new ArgumentException($"No condition of this kind: {field}.", nameof(field)),
    };
}

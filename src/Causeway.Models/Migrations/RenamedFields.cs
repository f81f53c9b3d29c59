using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>A typed query's filter as the upcast shows documents: a condition on a renamed field's new
/// path holds for the new field when the document shows one, and for the old field where it does not
/// (absent or null, as <see cref="RenameField"/> reads), so a document that still holds only the old
/// field is found by the new name. Renames chain, newest first. Sort keys cannot be widened so: the
/// query orders by one stored path.</summary>
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
        FieldPredicate { Path.IsId: false } field => Shown(field, field.Path.Text, renames.Count, renames),
        _ => predicate,
    };

    /// <summary>The condition on what the document shows at <paramref name="path"/>, given the renames
    /// before index <paramref name="before"/>: the stored field there, or else what was renamed to it.</summary>
    private static Predicate Shown(FieldPredicate field, string path, int before, IReadOnlyList<RenameField> renames)
    {
        int from = before - 1;
        while (from >= 0 && renames[from].To != path) from--;
        if (from < 0) return At(field, path);
        return Pred.Or(
            Pred.And(Pred.Exists(path), Pred.Ne(path, Value.Null), At(field, path)),
            Pred.And(Pred.Or(Pred.Exists(path, false), Pred.Eq(path, Value.Null)), Shown(field, renames[from].From, from, renames)));
    }

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

using Causeway.Crdt;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Invariants;

/// <summary>The schema rules a commit made elsewhere must meet by itself, whatever else the receiving
/// replica holds, so every replica judges it alike: each effect is of the field's declared kind, each
/// value it assigns of the declared type, and when it writes a field a check reads it writes that
/// check's whole atomic group (as every honest writer does) with values the check allows. A
/// replica running a modified program cannot write what the schema forbids.</summary>
internal static class SyncedRules
{
    public static void Enforce(CollectionRules rules, DocumentOp op, string where)
    {
        var written = new Dictionary<string, Value?>(StringComparer.Ordinal);
        foreach (var effect in op.Effects)
        {
            if (effect is not MapOp { Path: var path, Inner: var inner }) continue;
            string field = string.Join('.', path);
            if (inner is LwwAssign<Value> set) written[field] = set.Value;
            else if (inner is LwwClear) written[field] = null;
            if (rules.Field(field) is not { } rule || inner is LwwClear) continue;
            string kind = inner.Kind.ToWireName();
            if (kind != rule.Kind)
                throw new SchemaViolationException($"{where} writes a {kind} to '{field}' of {op.Collection}/{op.Id}, which is declared {rule.Kind}.")
                {
                    Violation = new Violation(ViolatedRule.Type, op.Collection, op.Id, [field]),
                };
            if (inner is LwwAssign<Value> { Value: var value } && rule.Type is { } type && !value.IsNull && !DocumentRules.Fits(value, type))
                throw new SchemaViolationException($"{where} sets '{field}' of {op.Collection}/{op.Id} to {value}; it must be {DocumentRules.Article(type)}.")
                {
                    Violation = new Violation(ViolatedRule.Type, op.Collection, op.Id, [field]),
                };
        }
        if (written.Count == 0) return;
        foreach (var check in rules.Checks)
        {
            if (!check.Expression.Fields.Any(written.ContainsKey)) continue;
            foreach (var field in check.Expression.Fields.SelectMany(f => rules.GroupOf(f) ?? new HashSet<string> { f }).Distinct())
                if (!written.ContainsKey(field))
                    throw new ConstraintViolationException($"{where} writes part of check '{check.Name}' of {op.Collection}/{op.Id} but not '{field}': the fields a check reads are written together.")
                    {
                        Violation = new Violation(ViolatedRule.Check, op.Collection, op.Id, [field]) { Check = check.Name },
                    };
            if (!check.Expression.Allows(f => written.GetValueOrDefault(f)))
                throw new ConstraintViolationException($"{where} breaks check '{check.Name}' of {op.Collection}/{op.Id}: '{check.Expression.Text}' is false for the values it writes.")
                {
                    Violation = new Violation(ViolatedRule.Check, op.Collection, op.Id, [.. check.Expression.Fields]) { Check = check.Name },
                };
        }
    }
}

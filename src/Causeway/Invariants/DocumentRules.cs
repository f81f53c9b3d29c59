using Causeway.Crdt;
using Causeway.Crdt.Kinds;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Invariants;

/// <summary>The rules of a schema that one document's own state must meet: declared kinds and
/// types, required fields, and checks. Pure; used on every write (throwing) and to list the stored
/// documents that break a new schema (collecting).</summary>
public static class DocumentRules
{
    /// <summary>Throws the first problem of the document <paramref name="id"/>: schema_violation for
    /// kinds, types and required fields, constraint_violation for a failed check.</summary>
    public static void Enforce(CollectionRules rules, DocumentState state, string id)
    {
        string describe = $"{rules.Name}/{id}";
        foreach (var (constraint, problem, rule, fields) in Problems(rules, state))
        {
            var violation = new Violation(rule, rules.Name, id, fields) { Check = rule == ViolatedRule.Check ? constraint : null };
            throw rule == ViolatedRule.Check
                ? new ConstraintViolationException($"{describe} breaks check '{constraint}': {problem}.") { Violation = violation }
                : new SchemaViolationException($"{describe}: {problem}.") { Violation = violation };
        }
    }

    /// <summary>Every problem of a live document against its collection's rules (none for a deleted
    /// one): the constraint's name, what is wrong, the kind of rule and the fields at fault.</summary>
    public static IEnumerable<(string Constraint, string Problem, ViolatedRule Rule, IReadOnlyList<string> Fields)> Problems(CollectionRules rules, DocumentState state)
    {
        if (!state.Exists) yield break;
        foreach (var rule in rules.Fields.Values)
        {
            var field = state.Fields.FieldAt(rule.Path.Split('.'));
            var kind = field?.VisibleKind;
            if (kind is null)
            {
                if (rule.Required) yield return (rule.Path, $"'{rule.Path}' is required", ViolatedRule.Required, [rule.Path]);
                continue;
            }
            string declared = rule.Kind;
            string actual = kind.Value.ToWireName();
            if (actual != declared)
            {
                yield return (rule.Path, $"'{rule.Path}' is declared {declared} but holds a {actual}", ViolatedRule.Type, [rule.Path]);
                continue;
            }
            if (rule.Type is { } type)
                foreach (var value in FieldKindRegistry.Of(kind.Value).TypedValues(field!.Get(kind.Value)!))
                    if (!Fits(value, type))
                    {
                        yield return (rule.Path, $"'{rule.Path}' must be {Article(type)}, not {value}", ViolatedRule.Type, [rule.Path]);
                        break;
                    }
            if (rule.References is not null && field!.Lww?.Value is { Kind: not (ValueKind.String or ValueKind.Null) } notId)
                yield return (rule.Path, $"'{rule.Path}' references {rule.References}: it holds a document id (a string), not {notId}", ViolatedRule.Type, [rule.Path]);
        }
        foreach (var check in rules.Checks)
        {
            if (check.Expression.Allows(path => state.Fields.ValueAt(path.Split('.')))) continue;
            var values = check.Expression.Fields.Select(p => $"{p} = {state.Fields.ValueAt(p.Split('.'))?.ToString() ?? "absent"}");
            yield return (check.Name, $"'{check.Expression.Text}' is false for {string.Join(", ", values)}", ViolatedRule.Check, [.. check.Expression.Fields]);
        }
    }

    internal static bool Fits(Value value, Schemas.ValueType type) => type.Admits(value);

    internal static string Article(Schemas.ValueType type) => type switch
    {
        Schemas.ValueType.Integer or Schemas.ValueType.Array or Schemas.ValueType.Object => "an " + type.ToString().ToLowerInvariant(),
        _ => "a " + type.ToString().ToLowerInvariant(),
    };
}

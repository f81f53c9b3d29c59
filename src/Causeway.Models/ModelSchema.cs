using System.Linq.Expressions;
using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>A schema the database holds, with the engine's analysis, read through a model: which
/// constraints of a class (or of one property) are kept how, and which may coordinate with another
/// replica (docs/invariants.md).</summary>
public sealed class ModelSchema
{
    private readonly DocumentModel _model;

    internal ModelSchema(DocumentModel model, SchemaInfo info)
    {
        _model = model;
        Info = info;
    }

    /// <summary>What <see cref="IDocumentDatabase.SetSchemaAsync"/> answered: version, analysis, violations.</summary>
    public SchemaInfo Info { get; }

    public SchemaAnalysis Analysis => Info.Analysis;

    public IReadOnlyList<SchemaViolation> Violations => Info.Violations;

    /// <summary>Every constraint that may have to ask another replica (a unique value, a sequence id,
    /// a bound), with the operations that may.</summary>
    public IReadOnlyList<ConstraintAnalysis> Coordinating => [.. Analysis.Constraints.Where(c => c.Coordinates.Count > 0)];

    /// <summary>The constraints of <typeparamref name="T"/>'s collection.</summary>
    public IReadOnlyList<ConstraintAnalysis> ConstraintsOf<T>() where T : class
    {
        string collection = _model.CollectionOf<T>();
        return [.. Analysis.Constraints.Where(c => c.Collection == collection)];
    }

    /// <summary>The constraints of <typeparamref name="T"/>'s collection that name one property's field
    /// (its bound, uniqueness, reference, required; a check that reads it).</summary>
    public IReadOnlyList<ConstraintAnalysis> ConstraintsOf<T>(Expression<Func<T, object?>> property) where T : class
    {
        string path = _model.PathOf(property);
        var rules = _model.Schema.For(_model.CollectionOf<T>());
        return [.. ConstraintsOf<T>().Where(c => Names(c, rules).Contains(path))];
    }

    /// <summary>The operations on one property that may coordinate: <c>decrement credits</c>, <c>set name</c>.</summary>
    public IReadOnlyList<string> CoordinatesOf<T>(Expression<Func<T, object?>> property) where T : class
        => [.. ConstraintsOf(property).SelectMany(c => c.Coordinates).Distinct(StringComparer.Ordinal)];

    /// <summary>The field paths a constraint is about: the words of its name, and a check's fields.</summary>
    private static HashSet<string> Names(ConstraintAnalysis constraint, CollectionRules? rules)
    {
        var names = new HashSet<string>(constraint.Constraint.Split([' ', ',', '(', ')', '≤'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        if (constraint.Kind == "check" && rules?.Checks.FirstOrDefault(c => c.Name == constraint.Constraint) is { } check)
            names.UnionWith(check.Expression.Fields);
        return names;
    }
}

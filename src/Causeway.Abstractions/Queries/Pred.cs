using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Builds predicates in C#: <c>Pred.Eq("status", Value.String("paid")) &amp; Pred.Gt("total", Value.Int(10))</c>.
/// Paths are checked here (invalid_path); the semantics are in docs/queries.md.</summary>
public static class Pred
{
    public static Predicate Eq(string path, Value value) => Compare(path, ComparisonOperator.Eq, value);
    public static Predicate Ne(string path, Value value) => Compare(path, ComparisonOperator.Ne, value);
    public static Predicate Lt(string path, Value value) => Compare(path, ComparisonOperator.Lt, value);
    public static Predicate Lte(string path, Value value) => Compare(path, ComparisonOperator.Lte, value);
    public static Predicate Gt(string path, Value value) => Compare(path, ComparisonOperator.Gt, value);
    public static Predicate Gte(string path, Value value) => Compare(path, ComparisonOperator.Gte, value);

    public static Predicate Compare(string path, ComparisonOperator op, Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op));
        return new ComparisonPredicate(QueryPath.Parse(path), op, value);
    }

    /// <summary>Equal to any of <paramref name="values"/> (none: matches nothing).</summary>
    public static Predicate In(string path, params IEnumerable<Value> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Value[] list = [.. values];
        foreach (var value in list) ArgumentNullException.ThrowIfNull(value, nameof(values));
        return new InPredicate(QueryPath.Parse(path), list);
    }

    public static Predicate Prefix(string path, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new PrefixPredicate(QueryPath.Parse(path), Value.String(prefix).AsString());
    }

    /// <summary>The field is an array holding an element equal to <paramref name="element"/>.</summary>
    public static Predicate Contains(string path, Value element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new ContainsPredicate(QueryPath.Parse(path), element);
    }

    /// <summary>The field is present (<paramref name="exists"/> true) or absent (false).</summary>
    public static Predicate Exists(string path, bool exists = true) => new ExistsPredicate(QueryPath.Parse(path), exists);

    /// <summary>All of the operands; nested ands are flattened, and one operand stands for itself.</summary>
    public static Predicate And(params IEnumerable<Predicate> operands)
    {
        var list = Flatten<AndPredicate>(operands, a => a.Operands);
        return list.Count == 1 ? list[0] : new AndPredicate(list);
    }

    /// <summary>Any of the operands; nested ors are flattened, and one operand stands for itself.</summary>
    public static Predicate Or(params IEnumerable<Predicate> operands)
    {
        var list = Flatten<OrPredicate>(operands, o => o.Operands);
        return list.Count == 1 ? list[0] : new OrPredicate(list);
    }

    public static Predicate Not(Predicate operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        return new NotPredicate(operand);
    }

    private static List<Predicate> Flatten<T>(IEnumerable<Predicate> operands, Func<T, IReadOnlyList<Predicate>> inner) where T : Predicate
    {
        ArgumentNullException.ThrowIfNull(operands);
        var list = new List<Predicate>();
        foreach (var operand in operands)
        {
            ArgumentNullException.ThrowIfNull(operand, nameof(operands));
            if (operand is T same) list.AddRange(inner(same));
            else list.Add(operand);
        }
        return list;
    }
}

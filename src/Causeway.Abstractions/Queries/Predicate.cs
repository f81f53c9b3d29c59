using Causeway.Values;

namespace Causeway.Queries;

/// <summary>A condition on a document (docs/queries.md). Build one with <see cref="Pred"/> and
/// combine with <c>&amp;</c>, <c>|</c> and <c>!</c>, or parse one with <see cref="Query.FromJson"/>.</summary>
public abstract class Predicate
{
    private protected Predicate() { }

    /// <summary>How deeply the predicate nests: 1 for a field condition, one more for each and/or/not around it.</summary>
    public abstract int Depth { get; }

    public static Predicate operator &(Predicate left, Predicate right) => Pred.And(left, right);
    public static Predicate operator |(Predicate left, Predicate right) => Pred.Or(left, right);
    public static Predicate operator !(Predicate operand) => Pred.Not(operand);
}

/// <summary>The operators of <see cref="ComparisonPredicate"/>; their JSON names are eq, ne, lt, lte, gt, gte.</summary>
public enum ComparisonOperator { Eq, Ne, Lt, Lte, Gt, Gte }

/// <summary>A condition on the one field at <see cref="Path"/>.</summary>
public abstract class FieldPredicate : Predicate
{
    private protected FieldPredicate(QueryPath path) => Path = path;

    public QueryPath Path { get; }
    public sealed override int Depth => 1;
}

/// <summary><c>{ "path", "eq" | "ne" | "lt" | "lte" | "gt" | "gte": V }</c>.</summary>
public sealed class ComparisonPredicate : FieldPredicate
{
    internal ComparisonPredicate(QueryPath path, ComparisonOperator op, Value operand) : base(path)
    {
        Operator = op;
        Operand = operand;
    }

    public ComparisonOperator Operator { get; }
    public Value Operand { get; }
    public override string ToString() => $"{Path} {Operator.ToString().ToLowerInvariant()} {Operand}";
}

/// <summary><c>{ "path", "in": [V..] }</c>: equal to any of the values.</summary>
public sealed class InPredicate : FieldPredicate
{
    internal InPredicate(QueryPath path, IReadOnlyList<Value> values) : base(path) => Values = values;

    public IReadOnlyList<Value> Values { get; }
    public override string ToString() => $"{Path} in [{string.Join(", ", Values)}]";
}

/// <summary><c>{ "path", "prefix": "text" }</c>: a string field that starts with the text (ordinal).</summary>
public sealed class PrefixPredicate : FieldPredicate
{
    internal PrefixPredicate(QueryPath path, string prefix) : base(path) => Prefix = prefix;

    public string Prefix { get; }
    public override string ToString() => $"{Path} prefix \"{Prefix}\"";
}

/// <summary><c>{ "path", "exists": true | false }</c>: the field is present (any value, null included) or absent.</summary>
public sealed class ExistsPredicate : FieldPredicate
{
    internal ExistsPredicate(QueryPath path, bool exists) : base(path) => Exists = exists;

    public bool Exists { get; }
    public override string ToString() => $"{Path} exists {(Exists ? "true" : "false")}";
}

/// <summary><c>{ "path", "contains": V }</c>: the field is an array with an element equal to the value
/// (sets and multi-value registers read as arrays, so this is set membership too).</summary>
public sealed class ContainsPredicate : FieldPredicate
{
    internal ContainsPredicate(QueryPath path, Value element) : base(path) => Element = element;

    public Value Element { get; }
    public override string ToString() => $"{Path} contains {Element}";
}

/// <summary>And or or (<see cref="Word"/>) of <see cref="Operands"/>: one level deeper than the deepest operand.</summary>
public abstract class JunctionPredicate : Predicate
{
    private protected JunctionPredicate(IReadOnlyList<Predicate> operands)
    {
        Operands = operands;
        Depth = 1 + (operands.Count == 0 ? 0 : operands.Max(o => o.Depth));
    }

    public IReadOnlyList<Predicate> Operands { get; }
    public sealed override int Depth { get; }

    /// <summary>"and" or "or".</summary>
    private protected abstract string Word { get; }

    public sealed override string ToString() => $"({string.Join($" {Word} ", Operands)})";
}

/// <summary><c>{ "and": [P..] }</c>: every operand holds (true when there are none).</summary>
public sealed class AndPredicate : JunctionPredicate
{
    internal AndPredicate(IReadOnlyList<Predicate> operands) : base(operands) { }

    private protected override string Word => "and";
}

/// <summary><c>{ "or": [P..] }</c>: some operand holds (false when there are none).</summary>
public sealed class OrPredicate : JunctionPredicate
{
    internal OrPredicate(IReadOnlyList<Predicate> operands) : base(operands) { }

    private protected override string Word => "or";
}

/// <summary><c>{ "not": P }</c>: the operand does not hold.</summary>
public sealed class NotPredicate : Predicate
{
    internal NotPredicate(Predicate operand)
    {
        Operand = operand;
        Depth = 1 + operand.Depth;
    }

    public Predicate Operand { get; }
    public override int Depth { get; }
    public override string ToString() => $"not {Operand}";
}

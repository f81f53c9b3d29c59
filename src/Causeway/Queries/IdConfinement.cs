using Causeway.Values;

namespace Causeway.Queries;

/// <summary>The id prefixes a filter confines a query to, when it does: an <c>_id</c> prefix,
/// equality or <c>in</c>, an <c>and</c> with such a part, an <c>or</c> whose every branch is
/// confined. A partial replica runs a query it can answer whole from what it holds, and refuses
/// one that could reach documents it does not hold.</summary>
internal static class IdConfinement
{
    /// <summary>The prefixes every matching document's id starts with one of, or null when the
    /// filter does not confine ids.</summary>
    public static IReadOnlyList<string>? Of(Predicate? filter) => filter switch
    {
        PrefixPredicate { Path.IsId: true } prefix => [prefix.Prefix],
        ComparisonPredicate { Path.IsId: true, Operator: ComparisonOperator.Eq, Operand.Kind: ValueKind.String } equal => [equal.Operand.AsString()],
        InPredicate { Path.IsId: true } any when any.Values.All(v => v.Kind == ValueKind.String) => [.. any.Values.Select(v => v.AsString())],
        AndPredicate and => and.Operands.Select(Of).Where(p => p is not null).OrderBy(p => p!.Count).FirstOrDefault(),
        OrPredicate or => or.Operands.Select(Of).ToList() is var branches && branches.All(b => b is not null) ? [.. branches.SelectMany(b => b!)] : null,
        _ => null,
    };
}

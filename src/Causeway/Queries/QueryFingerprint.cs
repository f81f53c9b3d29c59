using System.IO.Hashing;
using Causeway.Documents;
using Causeway.Encoding;

namespace Causeway.Queries;

/// <summary>A short hash of what decides a query's result order and membership: the database, the
/// collection, the filter and the sort keys (not the limit, which may change from page to page).
/// A cursor carries it, so a cursor is refused by any other query. The hash is XXH128, not a
/// cryptographic one: every query computes it, and a cursor is not a credential (a caller who forges
/// one only starts elsewhere in a range it may read anyway).</summary>
internal static class QueryFingerprint
{
    public const int Length = 16;

    // One writer per thread, reset for each query: a fingerprint is made for every query run.
    [ThreadStatic] private static DagCborWriter? t_writer;

    public static byte[] Compute(string database, Query query)
    {
        var writer = t_writer ??= new DagCborWriter();
        writer.Reset();
        writer.WriteStartArray(5);
        writer.WriteText("causeway.query/1");
        writer.WriteText(database);
        writer.WriteText(query.Collection);
        if (query.Filter is null) writer.WriteNull();
        else Write(writer, query.Filter);
        writer.WriteStartArray(query.Sort.Count);
        foreach (var key in query.Sort)
        {
            writer.WriteStartArray(2);
            writer.WriteText(key.Path.Text);
            writer.WriteBoolean(key.Descending);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndArray();
        return writer.WithEncoded(static encoded => XxHash128.Hash(encoded));
    }

    private static void Write(DagCborWriter writer, Predicate predicate)
    {
        switch (predicate)
        {
            case ComparisonPredicate c:
                Leaf(writer, c.Operator.ToString().ToLowerInvariant(), c.Path);
                ValueCbor.Write(writer, c.Operand);
                break;
            case InPredicate i:
                Leaf(writer, "in", i.Path);
                writer.WriteStartArray(i.Values.Count);
                foreach (var value in i.Values) ValueCbor.Write(writer, value);
                writer.WriteEndArray();
                break;
            case PrefixPredicate p:
                Leaf(writer, "prefix", p.Path);
                writer.WriteText(p.Prefix);
                break;
            case ContainsPredicate c:
                Leaf(writer, "contains", c.Path);
                ValueCbor.Write(writer, c.Element);
                break;
            case ExistsPredicate e:
                Leaf(writer, "exists", e.Path);
                writer.WriteBoolean(e.Exists);
                break;
            case AndPredicate a:
                Junction(writer, "and", a.Operands);
                return;
            case OrPredicate o:
                Junction(writer, "or", o.Operands);
                return;
            case NotPredicate n:
                writer.WriteStartArray(2);
                writer.WriteText("not");
                Write(writer, n.Operand);
                break;
            default:
                throw new InvalidOperationException($"Unknown predicate {predicate.GetType().Name}.");
        }
        writer.WriteEndArray();
    }

    private static void Leaf(DagCborWriter writer, string op, QueryPath path)
    {
        writer.WriteStartArray(3);
        writer.WriteText(op);
        writer.WriteText(path.Text);
    }

    private static void Junction(DagCborWriter writer, string op, IReadOnlyList<Predicate> operands)
    {
        writer.WriteStartArray(2);
        writer.WriteText(op);
        writer.WriteStartArray(operands.Count);
        foreach (var operand in operands) Write(writer, operand);
        writer.WriteEndArray();
        writer.WriteEndArray();
    }
}

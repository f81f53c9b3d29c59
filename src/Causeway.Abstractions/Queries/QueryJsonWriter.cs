using System.Text.Json;
using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Writes a <see cref="Query"/> in the QUERY form of docs/api.md, the inverse of <see cref="QueryJsonReader"/>,
/// so a query built in C# can be sent to a server.</summary>
internal static class QueryJsonWriter
{
    public static void Write(Utf8JsonWriter w, Query query)
    {
        w.WriteStartObject();
        w.WriteString("collection", query.Collection);
        if (query.Filter is { } filter)
        {
            w.WritePropertyName("where");
            Write(w, filter);
        }
        if (query.Sort.Count > 0)
        {
            w.WriteStartArray("orderBy");
            foreach (var key in query.Sort)
            {
                w.WriteStartObject();
                w.WriteString("path", key.Path.Text);
                w.WriteBoolean("desc", key.Descending);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteNumber("limit", query.Limit);
        if (query.Cursor is not null) w.WriteString("after", query.Cursor);
        if (query.ReadAt?.ToQueryString() is { } at) w.WriteString("at", at);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, Predicate predicate)
    {
        w.WriteStartObject();
        switch (predicate)
        {
            case ComparisonPredicate c:
                w.WriteString("path", c.Path.Text);
                w.WritePropertyName(c.Operator.ToString().ToLowerInvariant());
                ValueJson.Write(w, c.Operand, typed: true); // a decimal, time or bytes operand stays itself on the server
                break;
            case InPredicate i:
                w.WriteString("path", i.Path.Text);
                w.WriteStartArray("in");
                foreach (var value in i.Values) ValueJson.Write(w, value, typed: true);
                w.WriteEndArray();
                break;
            case PrefixPredicate p:
                w.WriteString("path", p.Path.Text);
                w.WriteString("prefix", p.Prefix);
                break;
            case ContainsPredicate c:
                w.WriteString("path", c.Path.Text);
                w.WritePropertyName("contains");
                ValueJson.Write(w, c.Element, typed: true);
                break;
            case ExistsPredicate e:
                w.WriteString("path", e.Path.Text);
                w.WriteBoolean("exists", e.Exists);
                break;
            case AndPredicate a:
                w.WriteStartArray("and");
                foreach (var operand in a.Operands) Write(w, operand);
                w.WriteEndArray();
                break;
            case OrPredicate o:
                w.WriteStartArray("or");
                foreach (var operand in o.Operands) Write(w, operand);
                w.WriteEndArray();
                break;
            case NotPredicate n:
                w.WritePropertyName("not");
                Write(w, n.Operand);
                break;
        }
        w.WriteEndObject();
    }
}

using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Queries;

/// <summary>Reads docs/api.md's QUERY object into a <see cref="Query"/>. Every error is one line that says
/// where it is (<c>where.and[1].gt</c>) and what was expected. Codes: invalid_name (collection),
/// invalid_op (structure: unknown or repeated members, a predicate without exactly one operator,
/// nesting), invalid_path, invalid_value (operands, limit, desc), invalid_cursor (after), invalid_at.</summary>
internal static class QueryJsonReader
{
    private const string Operators = "eq, ne, lt, lte, gt, gte, in, prefix, exists, contains";

    private static readonly HashSet<string> PredicateMembers = new(StringComparer.Ordinal)
        { "path", "and", "or", "not", "eq", "ne", "lt", "lte", "gt", "gte", "in", "prefix", "exists", "contains" };

    public static Query Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw Op($"A query is a JSON object such as {{\"collection\": \"orders\"}}, not {Describe(json)}.");

        string? collection = null;
        Predicate? filter = null;
        IReadOnlyList<SortKey> sort = [];
        int limit = Query.DefaultLimit;
        string? cursor = null;
        ReadPoint? at = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in json.EnumerateObject())
        {
            if (!seen.Add(member.Name)) throw Op($"Query member '{Quote(member.Name)}' appears twice.");
            var value = member.Value;
            switch (member.Name)
            {
                case "collection":
                    if (value.ValueKind != JsonValueKind.String)
                        throw new InvalidInputException(ErrorCodes.InvalidName, $"'collection' is the collection's name as a string, not {Describe(value)}.");
                    collection = Names.Collection(value.GetString());
                    break;
                case "where":
                    if (value.ValueKind != JsonValueKind.Null) filter = ReadPredicate(value, "where", 1);
                    break;
                case "orderBy":
                    if (value.ValueKind != JsonValueKind.Null) sort = ReadOrder(value);
                    break;
                case "limit":
                    if (value.ValueKind != JsonValueKind.Null) limit = ReadLimit(value);
                    break;
                case "after":
                    cursor = value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => value.GetString(),
                        _ => throw new InvalidInputException(ErrorCodes.InvalidCursor, $"'after' is a cursor string (the 'next' of the previous page) or null, not {Describe(value)}."),
                    };
                    break;
                case "at":
                    at = ReadAt(value);
                    break;
                default:
                    throw Op($"Unknown query member '{Quote(member.Name)}'; a query has collection, where, orderBy, limit, after and at.");
            }
        }
        if (collection is null) throw new InvalidInputException(ErrorCodes.InvalidName, "A query needs 'collection', the name of the collection to read.");
        return Query.Create(collection, filter, sort, limit, cursor, at);
    }

    private static Predicate ReadPredicate(JsonElement json, string where, int depth)
    {
        if (depth > Query.MaxDepth) throw Op($"{where}: predicates nest more than {Query.MaxDepth} levels deep.");
        if (json.ValueKind != JsonValueKind.Object)
            throw Op($"{where}: a predicate is an object such as {{\"path\": \"status\", \"eq\": \"paid\"}}, not {Describe(json)}.");

        var members = new List<JsonProperty>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in json.EnumerateObject())
        {
            if (!seen.Add(member.Name)) throw Op($"{where}: member '{Quote(member.Name)}' appears twice.");
            if (!PredicateMembers.Contains(member.Name))
                throw Op($"{where}: unknown member '{Quote(member.Name)}'; a predicate has a path and one of {Operators}, or is one of and, or, not.");
            members.Add(member);
        }
        if (members.Count == 0) throw Op($"{where}: the predicate is empty; give a path and one of {Operators}, or use and, or, not.");

        int logicalAt = members.FindIndex(m => m.Name is "and" or "or" or "not");
        if (logicalAt >= 0)
        {
            var logical = members[logicalAt];
            if (members.Count > 1)
                throw Op($"{where}: '{logical.Name}' must be the only member of its predicate, but it has {string.Join(", ", members.Select(m => m.Name))}.");
            string inner = $"{where}.{logical.Name}";
            if (logical.Name == "not") return new NotPredicate(ReadPredicate(logical.Value, inner, depth + 1));
            if (logical.Value.ValueKind != JsonValueKind.Array)
                throw Op($"{inner}: '{logical.Name}' takes an array of predicates, not {Describe(logical.Value)}.");
            var operands = new List<Predicate>();
            int i = 0;
            foreach (var item in logical.Value.EnumerateArray()) operands.Add(ReadPredicate(item, $"{inner}[{i++}]", depth + 1));
            return logical.Name == "and" ? new AndPredicate(operands) : new OrPredicate(operands);
        }

        var ops = members.Where(m => m.Name != "path").ToList();
        if (ops.Count == 0) throw Op($"{where}: the predicate has no operator; give one of {Operators}.");
        if (ops.Count > 1) throw Op($"{where}: the predicate has {ops.Count} operators ({string.Join(", ", ops.Select(o => o.Name))}); give one, and combine predicates with 'and'.");
        var op = ops[0];
        int pathAt = members.FindIndex(m => m.Name == "path");
        var path = ReadPath(pathAt < 0 ? null : members[pathAt], where);
        string at = $"{where}.{op.Name}";
        switch (op.Name)
        {
            case "in":
                if (op.Value.ValueKind != JsonValueKind.Array) throw InvalidValue($"{at}: 'in' takes an array of values, not {Describe(op.Value)}.");
                var values = new List<Value>();
                int i = 0;
                foreach (var item in op.Value.EnumerateArray()) values.Add(ReadValue(item, $"{at}[{i++}]"));
                return new InPredicate(path, values);
            case "prefix":
                if (op.Value.ValueKind != JsonValueKind.String) throw InvalidValue($"{at}: 'prefix' takes a string, not {Describe(op.Value)}.");
                return new PrefixPredicate(path, ReadValue(op.Value, at).AsString());
            case "exists":
                if (op.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw InvalidValue($"{at}: 'exists' takes true or false, not {Describe(op.Value)}.");
                return new ExistsPredicate(path, op.Value.GetBoolean());
            case "contains":
                return new ContainsPredicate(path, ReadValue(op.Value, at));
            default:
                return new ComparisonPredicate(path, OperatorOf(op.Name)!.Value, ReadValue(op.Value, at));
        }
    }

    private static ComparisonOperator? OperatorOf(string name) => name switch
    {
        "eq" => ComparisonOperator.Eq,
        "ne" => ComparisonOperator.Ne,
        "lt" => ComparisonOperator.Lt,
        "lte" => ComparisonOperator.Lte,
        "gt" => ComparisonOperator.Gt,
        "gte" => ComparisonOperator.Gte,
        _ => null,
    };

    private static QueryPath ReadPath(JsonProperty? property, string where)
    {
        if (property is not { } member) throw Path($"{where}: the predicate needs 'path', the field it tests (or \"_id\").");
        if (member.Value.ValueKind != JsonValueKind.String) throw Path($"{where}.path: a path is a dot-separated string, not {Describe(member.Value)}.");
        return ParsePath(member.Value.GetString(), $"{where}.path");
    }

    private static QueryPath ParsePath(string? text, string where)
    {
        try
        {
            return QueryPath.Parse(text);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException(e.Code, $"{where}: {e.Message}", e);
        }
    }

    private static Value ReadValue(JsonElement json, string where)
    {
        try
        {
            return ValueJson.FromElement(json);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{where}: {e.Message}", e);
        }
    }

    private static IReadOnlyList<SortKey> ReadOrder(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
            throw Op($"'orderBy' takes an array such as [{{\"path\": \"total\", \"desc\": true}}], not {Describe(json)}.");
        var keys = new List<SortKey>();
        int i = 0;
        foreach (var item in json.EnumerateArray())
        {
            string where = $"orderBy[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw Op($"{where}: a sort key is an object such as {{\"path\": \"total\", \"desc\": true}}, not {Describe(item)}.");
            JsonProperty? path = null;
            bool desc = false, seenDesc = false;
            foreach (var member in item.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "path" when path is null:
                        path = member;
                        break;
                    case "desc" when !seenDesc:
                        seenDesc = true;
                        desc = member.Value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False or JsonValueKind.Null => false,
                            _ => throw InvalidValue($"{where}.desc: 'desc' takes true or false, not {Describe(member.Value)}."),
                        };
                        break;
                    case "path" or "desc":
                        throw Op($"{where}: member '{member.Name}' appears twice.");
                    default:
                        throw Op($"{where}: unknown member '{Quote(member.Name)}'; a sort key has path and desc.");
                }
            }
            keys.Add(new SortKey(ReadPath(path, where), desc));
        }
        return keys;
    }

    private static int ReadLimit(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt32(out int limit) || limit is < 1 or > Query.MaxLimit)
            throw InvalidValue($"'limit' is a whole number from 1 to {Query.MaxLimit}, not {Describe(json)}.");
        return limit;
    }

    private static ReadPoint? ReadAt(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => ReadPoint.Parse(json.GetString()),
        JsonValueKind.Number when json.TryGetInt64(out long position) => ReadPoint.AtPosition(position),
        _ => throw new InvalidInputException(ErrorCodes.InvalidAt, $"'at' is a position, a commit CID or an RFC 3339 time, not {Describe(json)}."),
    };

    /// <summary>A short description of a JSON value for messages: its kind, and its text when short.</summary>
    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Clip(json.GetRawText())}",
        JsonValueKind.Number => $"the number {Clip(json.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>A member name for a message: clipped, control characters shown as '?', so the message stays one line.</summary>
    private static string Quote(string name) => new([.. Clip(name).Select(c => char.IsControl(c) ? '?' : c)]);

    private static InvalidInputException Op(string message) => new(ErrorCodes.InvalidOp, message);
    private static InvalidInputException Path(string message) => new(ErrorCodes.InvalidPath, message);
    private static InvalidInputException InvalidValue(string message) => new(ErrorCodes.InvalidValue, message);
}

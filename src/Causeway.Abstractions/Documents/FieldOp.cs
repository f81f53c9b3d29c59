using System.Text.Json;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Documents;

public enum FieldOpKind { Set, Unset, Increment, Add, Remove, Enable, Disable }

/// <summary>One change to one field of a document (docs/api.md, FIELD-OP). The operation chooses the
/// field's CRDT kind when the field is new: set → lww, increment → counter, add/remove → awset,
/// enable/disable → flag_ew.</summary>
public sealed record FieldOp
{
    private FieldOp(FieldOpKind kind, FieldPath path, Value? value, long by)
    {
        Kind = kind;
        Path = path;
        Value = value;
        By = by;
    }

    public FieldOpKind Kind { get; }
    public FieldPath Path { get; }

    /// <summary>The value of set, add and remove.</summary>
    public Value? Value { get; }

    /// <summary>The amount of increment (negative decrements).</summary>
    public long By { get; }

    public static FieldOp Set(string path, Value value) => new(FieldOpKind.Set, FieldPath.Parse(path), CheckValue(value), 0);
    public static FieldOp Unset(string path) => new(FieldOpKind.Unset, FieldPath.Parse(path), null, 0);
    public static FieldOp Increment(string path, long by) => new(FieldOpKind.Increment, FieldPath.Parse(path), null, by);
    public static FieldOp Add(string path, Value element) => new(FieldOpKind.Add, FieldPath.Parse(path), CheckValue(element), 0);
    public static FieldOp Remove(string path, Value element) => new(FieldOpKind.Remove, FieldPath.Parse(path), CheckValue(element), 0);
    public static FieldOp Enable(string path) => new(FieldOpKind.Enable, FieldPath.Parse(path), null, 0);
    public static FieldOp Disable(string path) => new(FieldOpKind.Disable, FieldPath.Parse(path), null, 0);

    public static string WireName(FieldOpKind kind) => kind switch
    {
        FieldOpKind.Set => "set",
        FieldOpKind.Unset => "unset",
        FieldOpKind.Increment => "increment",
        FieldOpKind.Add => "add",
        FieldOpKind.Remove => "remove",
        FieldOpKind.Enable => "enable",
        _ => "disable",
    };

    /// <summary>Reads <c>{ "op": "set", "path": "a.b", "value": V }</c> and its siblings; unknown ops,
    /// missing or extra members are invalid_op.</summary>
    public static FieldOp FromJson(JsonElement json)
    {
        try { return Read(json); }
        catch (InvalidOperationException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, "A field operation holds a string that is not valid UTF-8 or UTF-16.", e); }
    }

    private static FieldOp Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) throw InvalidOp("Each field operation is a JSON object like {\"op\": \"set\", \"path\": \"a\", \"value\": 1}.");
        string op = RequiredString(json, "op");
        string path = RequiredString(json, "path");
        var allowed = op switch
        {
            "set" or "add" or "remove" => new[] { "op", "path", "value" },
            "increment" => ["op", "path", "by"],
            "unset" or "enable" or "disable" => ["op", "path"],
            _ => throw InvalidOp($"Unknown field operation '{Names.Clip(op)}'; expected set, unset, increment, add, remove, enable or disable."),
        };
        foreach (var member in json.EnumerateObject())
            if (Array.IndexOf(allowed, member.Name) < 0)
                throw InvalidOp($"'{op}' does not take '{Names.Clip(member.Name)}'; it takes {string.Join(", ", allowed)}.");
        switch (op)
        {
            case "set": return Set(path, RequiredValue(json, op));
            case "add": return Add(path, RequiredValue(json, op));
            case "remove": return Remove(path, RequiredValue(json, op));
            case "increment":
                if (!json.TryGetProperty("by", out var by)) throw InvalidOp("'increment' needs 'by', a whole number.");
                if (by.ValueKind != JsonValueKind.Number || !by.TryGetInt64(out long amount))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, "'by' of 'increment' must be a whole number that fits in 64 bits.");
                return Increment(path, amount);
            case "unset": return Unset(path);
            case "enable": return Enable(path);
            default: return Disable(path);
        }
    }

    /// <summary>Writes the FIELD-OP; <paramref name="typed"/> keeps every value kind (see <see cref="ValueJson.Write"/>).</summary>
    public void WriteJson(Utf8JsonWriter writer, bool typed = false)
    {
        writer.WriteStartObject();
        writer.WriteString("op", WireName(Kind));
        writer.WriteString("path", Path.Text);
        if (Kind == FieldOpKind.Increment) writer.WriteNumber("by", By);
        if (Value is not null)
        {
            writer.WritePropertyName("value");
            ValueJson.Write(writer, Value, typed);
        }
        writer.WriteEndObject();
    }

    private static Value CheckValue(Value value) => value ?? throw new InvalidInputException(ErrorCodes.InvalidValue, "A value is required.");

    private static string RequiredString(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var member)) throw InvalidOp($"A field operation needs '{name}'.");
        if (member.ValueKind != JsonValueKind.String) throw InvalidOp($"'{name}' must be a string.");
        return member.GetString()!;
    }

    private static Value RequiredValue(JsonElement json, string op)
        => json.TryGetProperty("value", out var v) ? ValueJson.FromElement(v) : throw InvalidOp($"'{op}' needs 'value'.");

    private static InvalidInputException InvalidOp(string message) => new(ErrorCodes.InvalidOp, message);
}

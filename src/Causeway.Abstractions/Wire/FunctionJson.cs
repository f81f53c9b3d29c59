using System.Text.Json;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Values;

namespace Causeway.Wire;

/// <summary>A stored function on the wire (docs/api.md, Functions). The body of
/// <c>PUT /v1/dbs/{db}/functions/{name}</c> is <c>{ "source", "role": [GRANT..], "args"? }</c>; the
/// answer of that PUT and of <c>GET</c> adds <c>name</c>, <c>definer</c>, <c>commit</c> and <c>position</c>.</summary>
public static class FunctionJson
{
    private static readonly string[] BodyMembers = ["source", "role", "args"];

    /// <summary>Reads a definition body, refusing (invalid_value) anything malformed or unknown.</summary>
    public static FunctionDefinition ReadDefinition(string name, JsonElement body)
    {
        FunctionDefinition.CheckName(name);
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A function is defined by { \"source\": \"function (arg) { .. }\", \"role\": [..], \"args\": {..} }.");
        foreach (var member in body.EnumerateObject())
            if (!BodyMembers.Contains(member.Name))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"A function definition has {string.Join(", ", BodyMembers)}, not '{Documents.Names.Clip(member.Name)}'.");
        if (!body.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.String)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{name}' needs 'source', its JavaScript as a string.");
        if (!body.TryGetProperty("role", out var role))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function '{name}' needs 'role', what it may read and write, such as [{{ \"cmd\": \"/doc/write\", \"collections\": [\"items\"] }}] (or [] for nothing).");
        var grants = FunctionDefinition.RoleFromValue(ValueJson.FromElement(role));
        ArgumentShape? args = body.TryGetProperty("args", out var shape) && shape.ValueKind != JsonValueKind.Null ? ArgumentShape.FromValue(ValueJson.FromElement(shape)) : null;
        return new FunctionDefinition(name, source.GetString()!, grants, args);
    }

    /// <summary>Writes the body of a definition.</summary>
    public static void WriteDefinition(Utf8JsonWriter w, FunctionDefinition definition)
    {
        w.WriteStartObject();
        WriteDefinitionMembers(w, definition);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, FunctionInfo info)
    {
        w.WriteStartObject();
        w.WriteString("name", info.Name);
        WriteDefinitionMembers(w, info.Definition);
        w.WriteString("definer", info.Definer);
        w.WriteString("commit", info.Commit.ToString());
        w.WriteNumber("position", info.Position);
        w.WriteEndObject();
    }

    public static FunctionInfo Read(JsonElement json)
    {
        var definition = ReadDefinition(WireJson.String(json, "name"), Strip(json));
        return new FunctionInfo(definition, WireJson.String(json, "definer"), WireJson.Cid(json, "commit"), WireJson.Long(json, "position"));
    }

    /// <summary><c>{ "functions": [FUNCTION..] }</c>, by name.</summary>
    public static void WriteList(Utf8JsonWriter w, IEnumerable<FunctionInfo> functions)
    {
        w.WriteStartObject();
        WireJson.WriteArray(w, "functions", functions, Write);
        w.WriteEndObject();
    }

    public static IReadOnlyList<FunctionInfo> ReadList(JsonElement json) => WireJson.Items(json, "functions", Read);

    private static void WriteDefinitionMembers(Utf8JsonWriter w, FunctionDefinition definition)
    {
        w.WriteString("source", definition.Source);
        w.WritePropertyName("role");
        ValueJson.Write(w, FunctionDefinition.RoleToValue(definition.Role), typed: false);
        if (definition.Arguments is { } args)
        {
            w.WritePropertyName("args");
            ValueJson.Write(w, args.ToValue(), typed: false);
        }
    }

    /// <summary>The definition members of an answer, as a body.</summary>
    private static JsonElement Strip(JsonElement json)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var member in json.EnumerateObject())
                if (BodyMembers.Contains(member.Name)) member.WriteTo(w);
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}

/// <summary>The answer of <c>POST /v1/dbs/{db}/functions/{name}/call</c>:
/// <c>{ "result": JSON, "commit": CID or null, "position": N, "replayed": bool }</c>.</summary>
public static class CallResultJson
{
    public static void Write(Utf8JsonWriter w, CallResult result, bool typed = false)
    {
        w.WriteStartObject();
        w.WritePropertyName("result");
        ValueJson.Write(w, result.Result, typed);
        WireJson.WriteCid(w, "commit", result.Commit);
        w.WriteNumber("position", result.Position);
        w.WriteBoolean("replayed", result.Replayed);
        w.WriteEndObject();
    }

    public static CallResult Read(JsonElement json)
        => new(ValueJson.FromElement(WireJson.Member(json, "result")), WireJson.NullableCid(json, "commit"), WireJson.Long(json, "position"),
            WireJson.Optional(json, "replayed") is { ValueKind: JsonValueKind.True });
}

/// <summary>A database's function limits (<c>GET</c> and <c>PUT /v1/dbs/{db}/function-limits</c>):
/// <c>{ "timeoutMs", "statements", "memoryBytes", "recursionDepth", "arrayLength", "regexTimeoutMs",
/// "resultBytes", "idempotencyHours" }</c>. A PUT may leave members out: they keep their defaults.</summary>
public static class FunctionLimitsJson
{
    private static readonly string[] Members = ["timeoutMs", "statements", "memoryBytes", "recursionDepth", "arrayLength", "regexTimeoutMs", "resultBytes", "idempotencyHours"];

    public static void Write(Utf8JsonWriter w, FunctionLimits limits)
    {
        w.WriteStartObject();
        w.WriteNumber("timeoutMs", limits.Timeout.TotalMilliseconds);
        w.WriteNumber("statements", limits.Statements);
        w.WriteNumber("memoryBytes", limits.MemoryBytes);
        w.WriteNumber("recursionDepth", limits.RecursionDepth);
        w.WriteNumber("arrayLength", limits.ArrayLength);
        w.WriteNumber("regexTimeoutMs", limits.RegexTimeout.TotalMilliseconds);
        w.WriteNumber("resultBytes", limits.ResultBytes);
        w.WriteNumber("idempotencyHours", limits.IdempotencyRetention.TotalHours);
        w.WriteEndObject();
    }

    /// <summary>Reads limits (an answer or a PUT body), refusing unknown members and out-of-range values (invalid_value).</summary>
    public static FunctionLimits Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function limits are an object of {string.Join(", ", Members)}.");
        var limits = FunctionLimits.Default;
        foreach (var member in json.EnumerateObject())
        {
            if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetDouble(out double n))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function limit '{Documents.Names.Clip(member.Name)}' must be a number.");
            if (!double.IsFinite(n) || n <= 0 || n > 1e12) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function limit '{member.Name}' is {n}; it must be above 0.");
            limits = member.Name switch
            {
                "timeoutMs" => limits with { Timeout = TimeSpan.FromMilliseconds(n) },
                "statements" => limits with { Statements = (int)Math.Min(n, int.MaxValue) },
                "memoryBytes" => limits with { MemoryBytes = (long)n },
                "recursionDepth" => limits with { RecursionDepth = (int)Math.Min(n, int.MaxValue) },
                "arrayLength" => limits with { ArrayLength = (uint)Math.Min(n, uint.MaxValue) },
                "regexTimeoutMs" => limits with { RegexTimeout = TimeSpan.FromMilliseconds(n) },
                "resultBytes" => limits with { ResultBytes = (int)Math.Min(n, int.MaxValue) },
                "idempotencyHours" => limits with { IdempotencyRetention = TimeSpan.FromHours(n) },
                _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function limits are {string.Join(", ", Members)}, not '{Documents.Names.Clip(member.Name)}'."),
            };
        }
        return limits.Checked();
    }
}

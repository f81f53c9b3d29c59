using System.Text.Json.Nodes;

namespace Causeway.Server.OpenApi;

/// <summary>One operation of the OpenAPI document, as docs/api.md states it: its id, tag, parameters,
/// body and every answer. Path parameters come from the route's <c>{name}</c> segments. Problems
/// refer to the shared responses of <see cref="ApiDocument"/> (problem+json with a <c>code</c>).</summary>
internal sealed class Operation(string method, string path, string id, string tag)
{
    public string Method { get; } = method;
    public string Path { get; } = path;
    public string Id { get; } = id;

    private string? _summary;
    private string? _description;
    private bool _public;
    private bool _optionalAuth;
    private readonly JsonArray _parameters = [];
    private JsonObject? _body;
    private readonly SortedDictionary<string, JsonNode> _responses = new(StringComparer.Ordinal);

    /// <summary>What each path parameter is, wherever it appears.</summary>
    private static readonly Dictionary<string, string> PathParameters = new(StringComparer.Ordinal)
    {
        ["db"] = "The database's name (dotted for a child: acme.eu).",
        ["coll"] = "The collection.",
        ["id"] = "The document's id (or, under peers, the session's id).",
        ["cid"] = "A CID (CIDv1, base32: bafy…).",
        ["name"] = "The stored function's name.",
    };

    public Operation Summary(string summary) { _summary = summary; return this; }

    public Operation Description(string description) { _description = description; return this; }

    /// <summary>Needs no credentials (the global bearer requirement is lifted).</summary>
    public Operation Public() { _public = true; return this; }

    /// <summary>Answers without credentials too, and says more with them.</summary>
    public Operation OptionalAuth() { _optionalAuth = true; return this; }

    public Operation Query(string name, string description, JsonObject schema, bool required = false)
    {
        _parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = required, ["description"] = description, ["schema"] = schema });
        return this;
    }

    public Operation Header(string name, string description, JsonObject? schema = null)
    {
        _parameters.Add(new JsonObject { ["name"] = name, ["in"] = "header", ["required"] = false, ["description"] = description, ["schema"] = schema ?? Schema.String() });
        return this;
    }

    /// <summary>A JSON body of the component <paramref name="schema"/>.</summary>
    public Operation JsonBody(string schema, bool required = true, string? description = null)
        => Body(Schema.Ref(schema), "application/json", required, description);

    /// <summary>A JSON body of any value (a function's argument).</summary>
    public Operation AnyJsonBody(string description)
        => Body(new JsonObject { ["description"] = "A value (typed forms allowed)." }, "application/json", required: false, description);

    /// <summary>A body of bytes of <paramref name="mediaType"/>.</summary>
    public Operation BinaryBody(string mediaType, string description)
        => Body(Schema.Binary(), mediaType, required: true, description);

    private Operation Body(JsonObject schema, string mediaType, bool required, string? description)
    {
        _body = new JsonObject { ["required"] = required, ["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } } };
        if (description is not null) _body["description"] = description;
        return this;
    }

    /// <summary>A JSON answer of the component <paramref name="schema"/>, with <paramref name="headers"/> (name → description).</summary>
    public Operation Answers(int status, string schema, string description, params (string Name, string Description)[] headers)
        => Content(status, description, headers, ("application/json", Schema.Ref(schema)));

    /// <summary>An answer with several media types (JSON and a server-sent event stream, say).</summary>
    public Operation Content(int status, string description, (string Name, string Description)[] headers, params (string MediaType, JsonObject Schema)[] content)
    {
        var media = new JsonObject();
        foreach (var (type, schema) in content) media[type] = new JsonObject { ["schema"] = schema };
        var response = new JsonObject { ["description"] = description, ["content"] = media };
        AddHeaders(response, headers);
        _responses[status.ToString()] = response;
        return this;
    }

    /// <summary>An answer without a body (101, 204, 304).</summary>
    public Operation Empty(int status, string description, params (string Name, string Description)[] headers)
    {
        var response = new JsonObject { ["description"] = description };
        AddHeaders(response, headers);
        _responses[status.ToString()] = response;
        return this;
    }

    /// <summary>Problem answers (the shared responses by status); 400, 401 and 403 come with every
    /// operation that needs credentials.</summary>
    public Operation Problems(params int[] statuses)
    {
        foreach (int status in statuses) _responses[status.ToString()] = new JsonObject { ["$ref"] = "#/components/responses/" + ProblemResponses.NameOf(status) };
        return this;
    }

    private static void AddHeaders(JsonObject response, (string Name, string Description)[] headers)
    {
        if (headers.Length == 0) return;
        var all = new JsonObject();
        foreach (var (name, description) in headers) all[name] = new JsonObject { ["description"] = description, ["schema"] = Schema.String() };
        response["headers"] = all;
    }

    public JsonObject ToJson(string? routeSummary)
    {
        var parameters = new JsonArray();
        foreach (var segment in Path.Split('/'))
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                string name = segment[1..^1];
                parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["description"] = PathParameters[name], ["schema"] = Schema.String() });
            }
        foreach (var parameter in _parameters) parameters.Add(parameter!.DeepClone());
        if (!_public) parameters.Add(new JsonObject { ["$ref"] = "#/components/parameters/Ucans" });
        // Every operation that needs credentials can answer these; added to a copy, as the
        // descriptions are shared by every server in the process.
        var all = new SortedDictionary<string, JsonNode>(_responses, StringComparer.Ordinal);
        if (!_public)
            foreach (int status in new[] { 400, 401, 403, 503 })
                all.TryAdd(status.ToString(), new JsonObject { ["$ref"] = "#/components/responses/" + ProblemResponses.NameOf(status) });
        var operation = new JsonObject
        {
            ["operationId"] = Id,
            ["tags"] = new JsonArray(tag),
            ["summary"] = _summary ?? routeSummary ?? Id,
        };
        if (_description is not null) operation["description"] = _description;
        if (parameters.Count > 0) operation["parameters"] = parameters;
        if (_body is not null) operation["requestBody"] = _body.DeepClone();
        var responses = new JsonObject();
        foreach (var (status, response) in all) responses[status] = response.DeepClone();
        operation["responses"] = responses;
        if (_public) operation["security"] = new JsonArray();
        else if (_optionalAuth) operation["security"] = new JsonArray(new JsonObject(), new JsonObject { ["bearer"] = new JsonArray() });
        return operation;
    }
}

/// <summary>Small schema objects the descriptions repeat.</summary>
internal static class Schema
{
    public static JsonObject Ref(string component) => new() { ["$ref"] = "#/components/schemas/" + component };
    public static JsonObject String() => new() { ["type"] = "string" };
    public static JsonObject Enum(params string[] values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };
    public static JsonObject Boolean() => new() { ["type"] = "boolean" };
    public static JsonObject Integer(long? min = null, long? max = null)
    {
        var schema = new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (min is { } low) schema["minimum"] = low;
        if (max is { } high) schema["maximum"] = high;
        return schema;
    }
    public static JsonObject Binary() => new() { ["type"] = "string", ["format"] = "binary" };
    /// <summary>A server-sent event stream: text, each event's data one JSON line of <paramref name="component"/>.</summary>
    public static JsonObject EventStream(string component, string description)
        => new() { ["type"] = "string", ["description"] = description, ["contentMediaType"] = "application/json", ["contentSchema"] = Ref(component) };
}

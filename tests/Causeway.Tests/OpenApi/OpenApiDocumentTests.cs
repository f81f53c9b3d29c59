using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Causeway.Server.OpenApi;
using Causeway.Tests.Http;
using Causeway.Tests.Wire;
using Causeway.Wire;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.Tests.OpenApi;

/// <summary>The served OpenAPI document against the server itself: every route described, every
/// operation complete, and every codec's real output valid under the schema the document serves for
/// it (so a schema and its writer cannot drift).</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private ServerFixture _server = null!;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        var response = await _server.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        _document = await response.JsonAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Every_route_the_server_maps_is_described_and_every_description_is_served()
    {
        var mismatches = ApiDocument.Mismatches(_server.Services.GetRequiredService<EndpointDataSource>());
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void Every_operation_has_a_unique_camel_case_id_a_tag_its_path_parameters_and_problem_answers()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var tags = _document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                string where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                string id = operation.Value.GetProperty("operationId").GetString()!;
                Assert.Matches(new Regex("^[a-z][a-zA-Z]+$"), id);
                Assert.True(ids.Add(id), $"{where}: operationId {id} is used twice");
                Assert.Contains(Assert.Single(operation.Value.GetProperty("tags").EnumerateArray()).GetString(), tags);
                var inPath = Regex.Matches(path.Name, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToHashSet();
                var declared = Parameters(operation.Value).Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToHashSet();
                Assert.True(inPath.SetEquals(declared), $"{where}: path parameters {string.Join(",", declared)}");
                var responses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                Assert.True(responses.Any(r => r.StartsWith('2') || r == "101"), $"{where} declares no success");
                if (path.Name.StartsWith("/v1/", StringComparison.Ordinal))
                    Assert.True(responses.Contains("401") && responses.Contains("400"), $"{where} lacks its problems");
            }
        Assert.True(ids.Count >= 40, $"only {ids.Count} operations");
    }

    [Fact]
    public void The_document_states_the_contract_a_generated_client_needs()
    {
        var paths = _document.GetProperty("paths");
        // A create answers 201 (a client that only expects 200 throws on it).
        var put = paths.GetProperty("/v1/dbs/{db}/docs/{coll}/{id}").GetProperty("put");
        Assert.Equal("putDocument", put.GetProperty("operationId").GetString());
        Assert.True(put.GetProperty("responses").TryGetProperty("201", out _));
        Assert.Equal("#/components/schemas/DocumentBody", put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var headers = Parameters(put).Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "If-Match", "If-None-Match", "Prefer", "Ucans" }, headers);
        Assert.Equal("#/components/responses/PreconditionFailed", put.GetProperty("responses").GetProperty("412").GetProperty("$ref").GetString());
        // Query parameters, feeds and binary bodies.
        var changes = paths.GetProperty("/v1/dbs/{db}/changes").GetProperty("get");
        Assert.Superset(new HashSet<string?> { "since", "limit", "feed", "access_token", "Last-Event-ID" },
            Parameters(changes).Select(p => p.GetProperty("name").GetString()).ToHashSet());
        Assert.True(changes.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(paths.GetProperty("/v1/dbs/{db}/import").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("application/vnd.ipld.car", out _));
        Assert.True(paths.GetProperty("/v1/dbs/{db}/commits/{cid}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/vnd.ipld.dag-cbor", out _));
        Assert.True(paths.GetProperty("/v1/dbs/{db}/commits/{cid}").GetProperty("get").GetProperty("responses").TryGetProperty("304", out _));
        Assert.Contains(Parameters(paths.GetProperty("/v1/dbs/{db}/docs/{coll}/{id}/history").GetProperty("get")), p => p.GetProperty("name").GetString() == "values");
        Assert.Contains(Parameters(paths.GetProperty("/v1/dbs/{db}/functions/{name}/call").GetProperty("post")), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.True(paths.GetProperty("/v1/dbs/{db}/sync").GetProperty("get").GetProperty("responses").TryGetProperty("101", out _));
        // Problems are problem+json of one schema with a code; the bearer scheme is global; the server is fixed.
        var problem = _document.GetProperty("components").GetProperty("responses").GetProperty("Conflict").GetProperty("content").GetProperty("application/problem+json");
        Assert.Equal("#/components/schemas/Problem", problem.GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Contains("code", _document.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("bearer", _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.True(Assert.Single(_document.GetProperty("security").EnumerateArray()).TryGetProperty("bearer", out _));
        Assert.Equal(ApiDocument.ServerUrl, Assert.Single(_document.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
        Assert.Equal(0, paths.GetProperty("/health").GetProperty("get").GetProperty("security").GetArrayLength());
    }

    [Fact]
    public void Every_codec_has_a_schema_in_the_served_document()
    {
        var codecs = typeof(WriteResultJson).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Causeway.Wire" && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Json", StringComparison.Ordinal) && t != typeof(WireJson));
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        foreach (var codec in codecs)
        {
            Assert.True(WireSchemas.OfCodec.TryGetValue(codec, out var name), $"{codec.Name} has no schema in WireSchemas.OfCodec");
            Assert.True(schemas.TryGetProperty(name!, out _), $"{name} is not in the served document");
        }
    }

    public static TheoryData<string> Shapes() => WireShapes.Names();

    /// <summary>The real output of each codec, for a value with every optional part and one with none,
    /// validates against the schema the served document holds for it.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_codecs_output_validates_against_its_served_schema(string name)
    {
        var shape = WireShapes.Named(name);
        string schema = shape.Name switch
        {
            "FunctionList" => "FunctionList",
            "DatabaseList" or "DocumentHistory" or "PeerList" => shape.Name,
            _ => WireSchemas.OfCodec[shape.Codec],
        };
        foreach (var value in new[] { shape.Full, shape.Bare })
            AssertValid(schema, shape.ToJson(value));
    }

    [Fact]
    public void The_answers_without_a_record_validate_too()
    {
        AssertValid("DatabaseDropped", Write(w => DatabaseDroppedJson.Write(w, "acme")));
        AssertValid("PeerStopped", Write(w => PeerStoppedJson.Write(w, "s3")));
        AssertValid("TokenRevoked", Write(w => TokenRevokedJson.Write(w, WireShapes.CidOf("t"))));
        AssertValid("StreamToken", Write(w => StreamTokenJson.Write(w, new StreamToken("cws_x", "shop", 1_800_000_000))));
        AssertValid("WriteResult", Write(w => WriteResultJson.Write(w, WireShapes.Written, "019ab8f3")));
        // Plain values (?values=plain) are documents too.
        AssertValid("Document", Write(w => DocumentJson.Write(w, WireShapes.FullDocument, typed: false)));
    }

    /// <summary>The check bites: a member a codec would add, or one it would drop, fails.</summary>
    [Fact]
    public void A_member_the_schema_does_not_know_or_a_missing_one_fails()
    {
        var json = JsonNode.Parse(WireShapes.Named("ChangesPage").ToJson(new ChangesPage([WireShapes.FullChange], 2)))!;
        json["extra"] = 1;
        Assert.NotEmpty(Errors("ChangesPage", json.ToJsonString()));
        json.AsObject().Remove("extra");
        json.AsObject().Remove("last");
        Assert.NotEmpty(Errors("ChangesPage", json.ToJsonString()));
        Assert.Empty(Errors("Problem", """{"type":"t","title":"Bad request","status":400,"detail":"d","code":"invalid_json"}"""));
        Assert.NotEmpty(Errors("Problem", """{"type":"t","title":"Bad request","status":400,"detail":"d"}"""));
    }

    /// <summary>An operation's parameters, shared ones (<c>$ref</c>) resolved.</summary>
    private IEnumerable<JsonElement> Parameters(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var parameters)) yield break;
        var shared = _document.GetProperty("components").GetProperty("parameters");
        foreach (var parameter in parameters.EnumerateArray())
            yield return parameter.TryGetProperty("$ref", out var reference)
                ? shared.GetProperty(reference.GetString()!["#/components/parameters/".Length..])
                : parameter;
    }

    private void AssertValid(string schema, string json)
    {
        var errors = Errors(schema, json);
        Assert.True(errors.Count == 0, $"{schema}: {json}\n" + string.Join("\n", errors));
    }

    /// <summary>Validates <paramref name="json"/> against the served component <paramref name="schema"/>:
    /// the components become the <c>$defs</c> of one JSON Schema 2020-12 document.</summary>
    private List<string> Errors(string schema, string json)
    {
        var components = _document.GetProperty("components").GetProperty("schemas").GetRawText().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        string text = $$"""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/{{schema}}", "$defs": {{components}} }""";
        var built = JsonSchema.FromText(text, baseUri: new Uri($"https://causeway.test/schemas/{Guid.NewGuid():n}"));
        using var instance = JsonDocument.Parse(json);
        var result = built.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .DefaultIfEmpty("invalid")];
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

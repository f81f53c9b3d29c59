using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Server.OpenApi.Areas;
using Causeway.Wire;
using Microsoft.AspNetCore.Http.Metadata;

namespace Causeway.Server.OpenApi;

/// <summary>The OpenAPI 3.1 document of the HTTP API, built from the per-area descriptions in
/// <see cref="Areas"/> and the schemas of <see cref="WireSchemas"/> (the same definitions the codecs
/// write). Routes come from the endpoints; <see cref="Mismatches"/> names any route without a
/// description or description without a route, which a test keeps empty.</summary>
internal static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    /// <summary>The fixed <c>servers</c> entry: relative to where the document was fetched, never the request's Host echoed back.</summary>
    public const string ServerUrl = "/";

    public static IReadOnlyList<Operation> Operations { get; } =
    [
        .. DatabasesApi.Operations(), .. DocumentsApi.Operations(), .. QueriesApi.Operations(), .. SchemasApi.Operations(),
        .. QuotasApi.Operations(), .. FunctionsApi.Operations(), .. LedgerApi.Operations(), .. SyncApi.Operations(), .. TokensApi.Operations(),
        .. BackupApi.Operations(),
    ];

    private static readonly (string Name, string Description)[] Tags =
    [
        (DatabasesApi.Tag, "Status, health and databases."),
        (DocumentsApi.Tag, "Documents and transactions."),
        (QueriesApi.Tag, "Queries and live queries."),
        (SchemasApi.Tag, "Schemas and reservations."),
        (QuotasApi.Tag, "A database's quotas on this server."),
        (FunctionsApi.Tag, "Stored functions."),
        (LedgerApi.Tag, "The changes feed, verification, commits, export and import."),
        (SyncApi.Tag, "Replication between servers."),
        (TokensApi.Tag, "Capability delegations and stream tokens."),
        (BackupApi.Tag, "Online backups of the whole replica."),
    ];

    /// <summary>The descriptions are shared by every server in the process; one builds at a time.</summary>
    private static readonly Lock Gate = new();

    /// <summary>The document as UTF-8 JSON.</summary>
    public static byte[] Build(EndpointDataSource endpoints)
    {
        lock (Gate) return BuildOne(endpoints);
    }

    private static byte[] BuildOne(EndpointDataSource endpoints)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (method, path, endpoint) in Routes(endpoints))
            if (endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>() is { } summary) summaries[Key(method, path)] = summary.Summary;

        var paths = new JsonObject();
        foreach (var group in Operations.GroupBy(o => o.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var item = new JsonObject();
            foreach (var op in group) item[op.Method] = op.ToJson(summaries.GetValueOrDefault(Key(op.Method, op.Path)));
            paths[group.Key] = item;
        }
        var schemas = new JsonObject();
        foreach (var (name, schema) in WireSchemas.All.OrderBy(s => s.Key, StringComparer.Ordinal)) schemas[name] = JsonNode.Parse(schema);
        var tags = new JsonArray();
        foreach (var (name, description) in Tags) tags.Add(new JsonObject { ["name"] = name, ["description"] = description });
        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Causeway HTTP API",
                ["version"] = "1",
                ["description"] = "The HTTP API of a Causeway server (docs/api.md states the whole contract). Errors are application/problem+json with a stable `code`.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = ServerUrl, ["description"] = "The server this document was fetched from." }),
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
            ["tags"] = tags,
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["responses"] = ProblemResponses.Components(),
                ["parameters"] = new JsonObject
                {
                    ["Ucans"] = new JsonObject
                    {
                        ["name"] = "Ucans",
                        ["in"] = "header",
                        ["required"] = false,
                        ["description"] = "The proofs of a UCAN bearer token, root first: delegation tokens (base64url) or CIDs of delegations the server holds, comma-separated, at most 32 (docs/api.md, Sending a UCAN).",
                        ["schema"] = Schema.String(),
                    },
                },
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["description"] = "A static token (cw_…), or a UCAN 1.0 invocation or session delegation as base64url; proofs go in the `Ucans` header (docs/api.md, Authorization).",
                    },
                },
            },
        };
        // Relaxed escaping: the document is read by people too (`code`, +json), and is served as JSON, never in HTML.
        return JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Routes the server maps that no operation describes, and operations no route serves.</summary>
    public static IReadOnlyList<string> Mismatches(EndpointDataSource endpoints)
    {
        var routes = Routes(endpoints).Select(r => Key(r.Method, r.Path)).ToHashSet(StringComparer.Ordinal);
        var described = Operations.Select(o => Key(o.Method, o.Path)).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. routes.Except(described).Select(r => $"{r} is served but not described in src/Causeway.Server/OpenApi/Areas"),
            .. described.Except(routes).Select(d => $"{d} is described but not served"),
        ];
    }

    private static string Key(string method, string path) => method.ToUpperInvariant() + " " + path;

    /// <summary>Each (method, route) the server maps, the document's own route aside; a route without
    /// methods (the health check) counts as GET.</summary>
    private static IEnumerable<(string Method, string Path, RouteEndpoint Endpoint)> Routes(EndpointDataSource endpoints)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            string path = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (path == Path) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods) yield return (method.ToLowerInvariant(), path, endpoint);
        }
    }
}

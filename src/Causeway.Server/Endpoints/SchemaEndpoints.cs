using System.Text.Json;
using Causeway.Schemas;
using Causeway.Authority;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Schemas: PUT and GET /v1/dbs/{db}/schema (docs/invariants.md).</summary>
internal static class SchemaEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/dbs/{db}/schema", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.SchemaWrite);
            var schema = SchemaJson.Read(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            using var lease = api.Writes.Enter();
            var info = await database.SetSchemaAsync(schema, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => SchemaInfoJson.Write(w, info));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Set collections, field kinds and constraints; answers the analysis (422 schema_violation for a constraint that cannot be guaranteed, with the reason).");

        app.MapPost("/v1/dbs/{db}/reservations", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DbAdmin);
            var body = await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes);
            var (collection, fields, ranges, replica) = ReadRangeRequest(body);
            using var lease = api.Writes.Enter();
            var result = await database.HandOutValueRangeAsync(collection, fields, ranges, replica, context.RequestAborted);
            await JsonResponse.WriteResultAsync(context, result);
        }).Accepts<JsonElement>("application/json")
          .WithSummary("On the home replica: hand a replica the ranges of a unique tuple's values in advance: { \"collection\", \"fields\": [..], \"ranges\": \"0-7\", \"replica\": DID }.");

        app.MapGet("/v1/dbs/{db}/schema", async (HttpContext context, Api api, string db) =>
        {
            var info = await api.Database(context, db, Commands.SchemaRead).GetSchemaAsync(context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => SchemaInfoJson.Write(w, info));
        }).WithSummary("The schema in force, its analysis, and the stored documents that break it.");
    }

    private static (string Collection, IReadOnlyList<string> Fields, string Ranges, string Replica) ReadRangeRequest(JsonElement body)
    {
        static Errors.InvalidInputException Invalid(string message) => new(Errors.ErrorCodes.InvalidValue, message);
        if (body.ValueKind != JsonValueKind.Object) throw Invalid("The body is { \"collection\", \"fields\": [..], \"ranges\": \"0-7\", \"replica\": DID }.");
        foreach (var member in body.EnumerateObject())
            if (member.Name is not ("collection" or "fields" or "ranges" or "replica")) throw Invalid($"Unknown member '{Documents.Names.Clip(member.Name)}'; it takes collection, fields, ranges and replica.");
        string Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Invalid($"'{name}' is required, a string.");
        if (!body.TryGetProperty("fields", out var f) || f.ValueKind != JsonValueKind.Array || f.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            throw Invalid("'fields' is required: the unique tuple's field names.");
        return (Text("collection"), [.. f.EnumerateArray().Select(x => x.GetString()!)], Text("ranges"), Text("replica"));
    }
}

using System.Text.Json;
using Causeway.Schemas;
using Causeway.Server.Access;
using Causeway.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Causeway.Server.Endpoints;

/// <summary>Schemas: PUT and GET /v1/dbs/{db}/schema (docs/invariants.md).</summary>
internal static class SchemaEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/dbs/{db}/schema", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Ability.DbAdmin);
            var schema = SchemaJson.Read(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            using var lease = api.Writes.Enter();
            var info = await database.SetSchemaAsync(schema, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => SchemaInfoJson.Write(w, info));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Set collections, field kinds and constraints; answers the analysis (422 schema_violation for a constraint that cannot be guaranteed, with the reason).");

        app.MapGet("/v1/dbs/{db}/schema", async (HttpContext context, Api api, string db) =>
        {
            var info = await api.Database(context, db, Ability.DocRead).GetSchemaAsync(context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => SchemaInfoJson.Write(w, info));
        }).WithSummary("The schema in force, its analysis, and the stored documents that break it.");
    }
}

using Causeway.Errors;
using Causeway.Authority;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Status and databases: GET /v1/status, GET /v1/dbs, PUT|GET|DELETE /v1/dbs/{db}.</summary>
internal static class DatabaseEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/status", (HttpContext context, Api api) =>
        {
            var principal = Authentication.PrincipalOf(context);
            var status = new ServerStatus(api.Replica.Did, api.OwnerOf(null), typeof(Replica).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                [.. api.Replica.ListDatabases().Where(db => principal.Can(Commands.DbRead, db))]);
            return JsonResponse.WriteAsync(context, 200, w => ServerStatusJson.Write(w, status));
        }).WithSummary("The replica's identity, the owner of its databases, the version, and the databases the caller may see (/db/read).");

        app.MapGet("/v1/dbs", async (HttpContext context, Api api) =>
        {
            var principal = api.AuthorizeCommand(context, Commands.DbRead);
            var infos = new List<DatabaseInfo>();
            foreach (var name in api.Replica.ListDatabases().Where(db => principal.Can(Commands.DbRead, db)))
                if (api.Replica.TryGetDatabase(name) is { } db) infos.Add(await db.InfoAsync());
            await JsonResponse.WriteAsync(context, 200, w => DatabaseListJson.Write(w, infos));
        }).WithSummary("The databases the caller may see (/db/read).");

        app.MapPut("/v1/dbs/{db}", async (HttpContext context, Api api, string db) =>
        {
            Documents.Names.Database(db);
            api.Authorize(context, Commands.DbCreate, db);
            bool owned = Api.Flag(context, "owned");
            var created = await api.Replica.CreateDatabaseAsync(db, context.RequestAborted);
            // Owned: every commit, from any replica, must carry a capability from the owner (docs/security.md).
            if (owned) created.Capabilities.SetOwner(api.OwnerOf(db));
            var info = await created.InfoAsync();
            await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, w => DatabaseInfoJson.Write(w, info));
        }).WithSummary("Create a database (201; 409 if it exists; a dotted name needs its parent); ?owned=true makes every synced commit need a capability from the owner.");

        app.MapGet("/v1/dbs/{db}", async (HttpContext context, Api api, string db) =>
        {
            var info = await api.Database(context, db, Commands.DbRead).InfoAsync();
            await JsonResponse.WriteAsync(context, 200, w => DatabaseInfoJson.Write(w, info));
        }).WithSummary("A database's documents, commits, position, heads and clock.");

        app.MapDelete("/v1/dbs/{db}", async (HttpContext context, Api api, string db) =>
        {
            Documents.Names.Database(db);
            api.Authorize(context, Commands.DbAdmin, db);
            api.Replica.GetDatabase(db);
            await api.Replica.DropDatabaseAsync(db, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => DatabaseDroppedJson.Write(w, db));
        }).WithSummary("Drop a database and every database below it.");
    }
}

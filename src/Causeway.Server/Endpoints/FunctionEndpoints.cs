using System.Text.Json;
using Causeway.Authority;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Server.Access;
using Causeway.Server.Http;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Stored functions (docs/api.md, Functions; docs/functions.md): define, read, list, delete and
/// call them, and this server's limits on calls. Defining needs <c>/fn/define</c> on the function and
/// every grant of its role within the caller's own authority (no escalation); calling needs only
/// <c>/fn/call</c> on it. The engine runs and records the call.</summary>
internal static class FunctionEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/dbs/{db}/functions/{name}", async (HttpContext context, Api api, string db, string name) =>
        {
            var principal = Authorize(context, api, db, name, Commands.FnDefine);
            var definition = FunctionJson.ReadDefinition(name, await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            // No escalation: the caller must itself hold everything the function's role grants.
            foreach (var (command, collection, resource) in Resource.OfRole(db, definition.Role))
                if (principal.Refusal(command, resource) is { } refusal)
                {
                    string message = $"Function '{name}' would be given {command} on {(collection is null ? "every collection" : $"collection '{collection}'")} of '{db}', which the caller does not hold: {refusal.Message}";
                    // A capability token's refusal keeps its UCAN reason and the proof at fault.
                    throw refusal is UcanException ucan ? new UcanException(ucan.Error, message, ucan.Proof) : new ForbiddenException(message);
                }
            var database = api.Replica.GetDatabase(db);
            using var lease = api.Writes.Enter();
            bool existed = database.Functions.Get(name) is not null;
            var info = await database.Functions.DefineAsync(definition, principal.Did ?? principal.Name, context.RequestAborted);
            await JsonResponse.WriteAsync(context, existed ? 200 : 201, w => FunctionJson.Write(w, info));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Define or replace a stored function: { \"source\", \"role\": [ { \"cmd\", \"collections\"? } ], \"args\"? }; 201 when new.");

        app.MapGet("/v1/dbs/{db}/functions/{name}", async (HttpContext context, Api api, string db, string name) =>
        {
            Authorize(context, api, db, name, Commands.FnDefine);
            var info = api.Replica.GetDatabase(db).Functions.Get(name) ?? throw new NotFoundException($"Function '{name}' does not exist in database '{db}'.");
            await JsonResponse.WriteAsync(context, 200, w => FunctionJson.Write(w, info));
        }).WithSummary("A stored function: its source, role, argument shape, definer, commit and position.");

        app.MapGet("/v1/dbs/{db}/functions", async (HttpContext context, Api api, string db) =>
        {
            Names.Database(db);
            var principal = api.AuthorizeCommand(context, Commands.FnDefine);
            var functions = api.Replica.GetDatabase(db).Functions.List().Where(f => principal.Can(Commands.FnDefine, Resource.Of(db, fn: f.Name)));
            await JsonResponse.WriteAsync(context, 200, w => FunctionJson.WriteList(w, functions));
        }).WithSummary("The stored functions the caller may define: { \"functions\": [..] }, by name.");

        app.MapDelete("/v1/dbs/{db}/functions/{name}", async (HttpContext context, Api api, string db, string name) =>
        {
            Authorize(context, api, db, name, Commands.FnDefine);
            var database = api.Replica.GetDatabase(db);
            using var lease = api.Writes.Enter();
            var result = await database.Functions.DeleteAsync(name, context.RequestAborted);
            await JsonResponse.WriteResultAsync(context, result);
        }).WithSummary("Delete a stored function.");

        app.MapPost("/v1/dbs/{db}/functions/{name}/call", async (HttpContext context, Api api, string db, string name) =>
        {
            var principal = Authorize(context, api, db, name, Commands.FnCall);
            string? key = context.Request.Headers[IdempotencyKeyHeader].Count switch
            {
                0 => null,
                1 => context.Request.Headers[IdempotencyKeyHeader].ToString(),
                _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"A call takes one {IdempotencyKeyHeader} header."),
            };
            var bytes = await JsonBody.ReadOptionalBytesAsync(context, api.Options.MaxRequestBytes);
            var argument = bytes.Length == 0 ? Value.Null : ValueJson.Parse(bytes);
            bool typed = Api.TypedValues(context);
            var database = api.Replica.GetDatabase(db);
            using var lease = api.Writes.Enter();
            var result = await database.Functions.CallAsync(name, argument, new CallOptions(key) { Caller = principal.Did ?? principal.Name }, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => CallResultJson.Write(w, result, typed));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Call a stored function with the body as its argument (none: null); Idempotency-Key makes retries answer the first result. Answers { \"result\", \"commit\", \"position\", \"replayed\" }.");

        app.MapGet("/v1/dbs/{db}/function-limits", async (HttpContext context, Api api, string db) =>
        {
            var limits = api.Database(context, db, Commands.DbAdmin).Functions.Limits;
            await JsonResponse.WriteAsync(context, 200, w => FunctionLimitsJson.Write(w, limits));
        }).WithSummary("This server's limits on the database's function calls.");

        app.MapPut("/v1/dbs/{db}/function-limits", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DbAdmin);
            var limits = FunctionLimitsJson.Read(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            limits = await database.Functions.SetLimitsAsync(limits, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => FunctionLimitsJson.Write(w, limits));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Set this server's limits on the database's function calls: { \"timeoutMs\", \"statements\", \"memoryBytes\", \"recursionDepth\", \"arrayLength\", \"regexTimeoutMs\", \"resultBytes\", \"idempotencyHours\" }; absent members take their defaults.");
    }

    /// <summary>Checks the names (400), then authorizes <paramref name="command"/> on the function (403).</summary>
    private static Principal Authorize(HttpContext context, Api api, string db, string name, string command)
    {
        Names.Database(db);
        api.AuthorizeCommand(context, command);
        FunctionDefinition.CheckName(name);
        var principal = Authentication.PrincipalOf(context);
        principal.Demand(command, Resource.Of(db, fn: name));
        return principal;
    }
}

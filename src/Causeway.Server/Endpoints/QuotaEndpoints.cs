using Causeway.Authority;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Server.Access;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Quotas: GET and PUT /v1/dbs/{db}/quotas (docs/api.md, Quotas). The engine keeps and
/// enforces them (<c>Database.Quotas</c>); these endpoints authorize, read the body strictly and answer.</summary>
internal static class QuotaEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/dbs/{db}/quotas", async (HttpContext context, Api api, string db) =>
        {
            var status = api.Database(context, db, Commands.DocRead).Quotas.Status;
            await JsonResponse.WriteAsync(context, 200, w => QuotasJson.Write(w, status));
        }).WithSummary("The database's quotas on this server (null: no limit) and its usage: documents, bytes, open sync sessions.");

        app.MapPut("/v1/dbs/{db}/quotas", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DbAdmin);
            var limits = QuotaRequest.FromJson(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            var status = await database.Quotas.SetAsync(limits, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 200, w => QuotasJson.Write(w, status));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Set the database's quotas on this server: { \"documents\", \"bytes\", \"writesPerSecond\", \"syncSessions\" }, each an integer or null (no limit); absent is null. Answers the quotas and usage.");
    }
}

/// <summary>The body of <c>PUT /v1/dbs/{db}/quotas</c>, read strictly: an object of the four limits,
/// each an integer or null; an absent one is null (no limit).</summary>
internal static class QuotaRequest
{
    private static readonly string[] Members = ["documents", "bytes", "writesPerSecond", "syncSessions"];

    public static QuotaLimits FromJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidJson, "The quotas are a JSON object: { \"documents\", \"bytes\", \"writesPerSecond\", \"syncSessions\" }, each an integer or null.");
        var values = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            if (Array.IndexOf(Members, member.Name) < 0)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"The quotas do not include '{Names.Clip(member.Name)}'; they are {string.Join(", ", Members)}.");
            if (values.ContainsKey(member.Name)) throw new InvalidInputException(ErrorCodes.InvalidJson, $"'{member.Name}' appears twice in the quotas.");
            values[member.Name] = member.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number when member.Value.TryGetInt64(out long n) => n,
                _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{member.Name}' is {Describe(member.Value)}; a quota is an integer ≥ 0, or null for no limit."),
            };
        }
        long? Get(string name) => values.GetValueOrDefault(name);
        return new QuotaLimits(Get("documents"), Get("bytes"), Get("writesPerSecond"), Get("syncSessions")).Checked();
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => $"{Names.Clip(value.GetRawText())}, not a whole number within 64 bits",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}

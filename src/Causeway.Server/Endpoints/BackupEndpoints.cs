using System.Text.Json;
using Causeway.Authority;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>POST /v1/backup (docs/api.md, Backup; docs/backup.md): the server backs its whole replica up
/// into a folder on its own machine while it keeps serving. A backup holds every database, the
/// replica's key and the server's tokens, so it takes the owner's whole authority (<c>/</c>).</summary>
internal static class BackupEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/backup", async (HttpContext context, Api api) =>
        {
            api.Authorize(context, Commands.All);
            string folder = BackupRequest.FromJson(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            var report = await api.Replica.BackupAsync(folder, context.RequestAborted);
            await JsonResponse.WriteAsync(context, 201, w => BackupReportJson.Write(w, report));
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Back the whole replica up (every database at one consistent point, its key, the server's tokens and links) into { \"dir\" }: an absolute path on the server's machine, new or empty. Needs the owner's authority.");
    }
}

/// <summary>The body of <c>POST /v1/backup</c>, read strictly: <c>{ "dir": absolute path }</c>.</summary>
internal static class BackupRequest
{
    public static string FromJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidJson, "The backup request is a JSON object: { \"dir\": an absolute path on the server's machine }.");
        string? folder = null;
        foreach (var member in body.EnumerateObject())
        {
            if (member.Name != "dir") throw new InvalidInputException(ErrorCodes.InvalidOp, $"The backup request has no member '{Names.Clip(member.Name)}'; it is {{ \"dir\" }}.");
            if (folder is not null) throw new InvalidInputException(ErrorCodes.InvalidJson, "'dir' appears twice in the backup request.");
            folder = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : throw new InvalidInputException(ErrorCodes.InvalidValue, "'dir' is a string: an absolute path on the server's machine.");
        }
        if (string.IsNullOrEmpty(folder)) throw new InvalidInputException(ErrorCodes.InvalidOp, "The backup request names no 'dir': { \"dir\": an absolute path on the server's machine }.");
        if (!Path.IsPathFullyQualified(folder) || folder.Contains('\0'))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'dir' is '{Names.Clip(folder)}'; it is an absolute path on the server's machine.");
        return folder;
    }
}

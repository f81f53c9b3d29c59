namespace Causeway.Server.OpenApi.Areas;

/// <summary>An online backup of the whole replica (docs/api.md, Backup).</summary>
internal static class BackupApi
{
    public const string Tag = "backup";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("post", "/v1/backup", "backup", Tag)
            .Summary("Back the whole replica up into a folder on the server's machine, while it serves (needs command /).")
            .JsonBody("BackupRequest")
            .Answers(201, "BackupReport", "The backup is complete.")
            .Problems(409, 413, 415),
    ];
}

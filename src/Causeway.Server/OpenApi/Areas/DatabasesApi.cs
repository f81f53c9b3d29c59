namespace Causeway.Server.OpenApi.Areas;

/// <summary>Status, health and databases (docs/api.md, Status and databases).</summary>
internal static class DatabasesApi
{
    public const string Tag = "databases";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("get", "/health", "getHealth", Tag).Public()
            .Summary("Health, without a token: the store, the sync links and the disk (docs/operations.md).")
            .Answers(200, "HealthReport", "Healthy or Degraded.")
            .Answers(503, "HealthReport", "Unhealthy: the store cannot be written or read."),
        new Operation("get", "/v1/status", "getStatus", Tag).OptionalAuth()
            .Answers(200, "ServerStatus", "The replica's DID, the owner's, the version, and the databases the caller may /db/read (none without credentials)."),
        new Operation("get", "/v1/dbs", "listDatabases", Tag)
            .Answers(200, "DatabaseList", "The databases the caller may /db/read."),
        new Operation("put", "/v1/dbs/{db}", "createDatabase", Tag)
            .Query("owned", "`true`: every commit, from any replica, must carry a capability from the owner. `true` or `false`; anything else is 400 invalid_value.", Schema.Boolean())
            .Answers(201, "DatabaseInfo", "Created.")
            .Problems(404, 409),
        new Operation("get", "/v1/dbs/{db}", "getDatabase", Tag)
            .Answers(200, "DatabaseInfo", "The database's documents, commits, position, heads and clock.")
            .Problems(404),
        new Operation("delete", "/v1/dbs/{db}", "dropDatabase", Tag)
            .Answers(200, "DatabaseDropped", "Dropped, with every database below it.")
            .Problems(404),
    ];
}

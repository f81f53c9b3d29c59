namespace Causeway.Server.OpenApi.Areas;

/// <summary>Schemas and reservations (docs/api.md, Schema; docs/invariants.md).</summary>
internal static class SchemasApi
{
    public const string Tag = "schemas";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("put", "/v1/dbs/{db}/schema", "putSchema", Tag)
            .Summary("Set the schema; answers it, canonical, with its analysis.")
            .JsonBody("SchemaBody")
            .Answers(200, "SchemaInfo", "The schema in force and how each constraint is kept.")
            .Problems(404, 413, 415, 422, 429),
        new Operation("get", "/v1/dbs/{db}/schema", "getSchema", Tag)
            .Answers(200, "SchemaInfo", "The schema in force (version 0 and no collections when none was set).")
            .Problems(404),
        new Operation("post", "/v1/dbs/{db}/reservations", "reserve", Tag)
            .Summary("Hand a replica ranges of a unique tuple's values in advance (on the home replica).")
            .JsonBody("Reservation")
            .Answers(200, "WriteResult", "Reserved.")
            .Problems(404, 409, 413, 415, 422),
    ];
}

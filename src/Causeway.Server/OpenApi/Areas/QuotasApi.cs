namespace Causeway.Server.OpenApi.Areas;

/// <summary>A database's quotas on this server (docs/api.md, Quotas).</summary>
internal static class QuotasApi
{
    public const string Tag = "quotas";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("get", "/v1/dbs/{db}/quotas", "getQuotas", Tag)
            .Answers(200, "QuotaStatus", "The limits (null for none) and the usage.")
            .Problems(404),
        new Operation("put", "/v1/dbs/{db}/quotas", "putQuotas", Tag)
            .Summary("Replace every quota (a member left out is null: no limit).")
            .JsonBody("QuotaLimits")
            .Answers(200, "QuotaStatus", "The limits as set, and the usage.")
            .Problems(404, 413, 415),
    ];
}

using Causeway.Documents;
using Causeway.Wire;

namespace Causeway.Client;

// Quotas: GET and PUT /v1/dbs/{db}/quotas (docs/api.md, Quotas).
public sealed partial class CausewayClient
{
    /// <summary>A database's quotas on the server and its usage against them (needs doc/read).</summary>
    public Task<QuotaStatus> GetQuotasAsync(string database, CancellationToken cancellation = default)
    {
        Names.Database(database);
        return SendAsync(HttpMethod.Get, $"v1/dbs/{database}/quotas", null, QuotasJson.Read, cancellation);
    }

    /// <summary>Replaces a database's quotas on the server (needs db/admin; null: no limit) and answers
    /// them with the usage. A limit out of range is invalid_value, and nothing changes.</summary>
    public Task<QuotaStatus> SetQuotasAsync(string database, QuotaLimits limits, CancellationToken cancellation = default)
    {
        Names.Database(database);
        ArgumentNullException.ThrowIfNull(limits);
        return SendAsync(HttpMethod.Put, $"v1/dbs/{database}/quotas", w => QuotasJson.WriteLimits(w, limits), QuotasJson.Read, cancellation);
    }
}

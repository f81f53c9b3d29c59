using Causeway.Documents;
using Causeway.Functions;
using Causeway.Wire;

namespace Causeway.Client;

// Function limits: GET and PUT /v1/dbs/{db}/function-limits (docs/api.md, Functions).
public sealed partial class CausewayClient
{
    /// <summary>The server's limits on a database's stored-function calls (needs db/admin).</summary>
    public Task<FunctionLimits> GetFunctionLimitsAsync(string database, CancellationToken cancellation = default)
    {
        Names.Database(database);
        return SendAsync(HttpMethod.Get, $"v1/dbs/{database}/function-limits", null, FunctionLimitsJson.Read, cancellation);
    }

    /// <summary>Replaces the server's limits on a database's stored-function calls (needs db/admin), as
    /// <c>Database.Functions.SetLimitsAsync</c> does in process; a limit out of range is invalid_value.</summary>
    public Task<FunctionLimits> SetFunctionLimitsAsync(string database, FunctionLimits limits, CancellationToken cancellation = default)
    {
        Names.Database(database);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Checked();
        return SendAsync(HttpMethod.Put, $"v1/dbs/{database}/function-limits", w => FunctionLimitsJson.Write(w, limits), FunctionLimitsJson.Read, cancellation);
    }
}

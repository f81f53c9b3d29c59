using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Causeway.Server.Hosting;

/// <summary>The store takes a durable write and reads it back.</summary>
internal sealed class StoreHealthCheck(Replica replica) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            replica.ProbeStore();
            return Task.FromResult(HealthCheckResult.Healthy("The store takes writes and answers reads."));
        }
        catch (Exception e)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"The store failed a write and read back: {e.Message}"));
        }
    }
}

/// <summary>Every continuous link this replica opened is live; one that is connecting or backing off
/// makes the replica Degraded (it still serves its own data), with each link's state in the data.</summary>
internal sealed class SyncLinksHealthCheck(Replica replica) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var down = new List<string>();
        foreach (var name in replica.ListDatabases())
        {
            if (replica.TryGetDatabase(name) is not { } db) continue;
            foreach (var peer in db.Peers.List())
            {
                if (peer.Mode != Causeway.Replication.SyncMode.Continuous || peer.Role != "outbound") continue;
                string key = $"{name} {peer.Remote}";
                data[key] = peer.LastError is null ? peer.State : $"{peer.State}: {peer.LastError}";
                if (peer.State != "live") down.Add(key);
            }
        }
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy(data.Count == 0 ? "No continuous links." : $"{data.Count} continuous links, all live.", data)
            : HealthCheckResult.Degraded($"{down.Count} of {data.Count} continuous links are not live: {string.Join(", ", down)}.", data: data));
    }
}

/// <summary>Free space in the file system of the data folder: Degraded below
/// <see cref="ServerOptions.MinFreeDiskBytes"/>, Unhealthy when none is left.</summary>
internal sealed class DiskHealthCheck(IOptions<ServerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var folder = Path.GetFullPath(settings.DataDirectory);
        long free;
        try { free = new DriveInfo(folder).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The free space of {folder} cannot be read: {e.Message}"));
        }
        var data = new Dictionary<string, object> { ["freeBytes"] = free, ["minFreeBytes"] = settings.MinFreeDiskBytes };
        string said = $"{free:N0} bytes free in {folder}; the threshold is {settings.MinFreeDiskBytes:N0}.";
        return Task.FromResult(free <= 0 ? HealthCheckResult.Unhealthy(said, data: data)
            : free < settings.MinFreeDiskBytes ? HealthCheckResult.Degraded(said, data: data)
            : HealthCheckResult.Healthy(said, data));
    }
}

/// <summary>The health report as JSON (<see cref="Causeway.Wire.HealthReportJson"/>), under the status the
/// health middleware chose (200, or 503 when Unhealthy).</summary>
internal static class HealthAnswer
{
    public const string Tag = "causeway";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var info = new HealthReportInfo(report.Status.ToString(), [.. report.Entries.Select(e => new HealthCheckInfo(e.Key, e.Value.Status.ToString(), e.Value.Description,
            [.. e.Value.Data.Select(d => new HealthDetail(d.Key, Convert.ToString(d.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))]))]);
        return Http.JsonResponse.WriteAsync(context, context.Response.StatusCode, w => Wire.HealthReportJson.Write(w, info));
    }
}

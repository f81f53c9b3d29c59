using Causeway.Server;
using Causeway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Causeway.Tests.Hosting;

/// <summary>AddCausewayReplica in a generic host (a worker service, no HTTP).</summary>
public sealed class EmbeddedReplicaTests
{
    private static IHost Worker(Action<ServerOptions> configure, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.Services.AddCausewayReplica(configure);
        return builder.Build();
    }

    [Fact]
    public async Task The_replica_opens_with_the_host_is_writable_through_DI_and_closes_on_stop()
    {
        using var folder = new TempFolder();
        using (var host = Worker(o => o.DataDirectory = folder.Path))
        {
            await host.StartAsync();
            var replica = host.Services.GetRequiredService<Replica>();
            Assert.Same(replica, host.Services.GetRequiredService<Replica>());
            var shop = await replica.CreateDatabaseAsync("shop");
            await shop.PutJsonAsync("orders", "o-1", """{ "total": 12 }""");
            await host.StopAsync();
            await Assert.ThrowsAsync<Errors.UnavailableException>(() => shop.GetAsync("orders", "o-1"));
        }
        await using var reopened = await Replica.OpenAsync(folder.Path);
        var order = await reopened.GetDatabase("shop").GetAsync("orders", "o-1");
        Assert.NotNull(order);
        Assert.Equal(12, (int)order!.ToJsonObject()["total"]!);
    }

    [Fact]
    public async Task Health_is_healthy_then_degraded_by_a_dead_link_or_little_disk_then_unhealthy_when_the_store_is_gone()
    {
        using var folder = new TempFolder();
        await using (var first = await Replica.OpenAsync(folder.Path)) await first.CreateDatabaseAsync("shop");

        using (var healthy = Worker(o => { o.DataDirectory = folder.Path; o.MinFreeDiskBytes = 1; }))
        {
            await healthy.StartAsync();
            var report = await healthy.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.True(report.Status == HealthStatus.Healthy, Describe(report));
            await healthy.StopAsync();
        }

        // A link to a port where nothing listens, and a threshold no disk meets.
        string dead = $"http://127.0.0.1:{ServerProcess.FreePort()}/";
        var logs = new CapturedLogs();
        using var degraded = Worker(o =>
        {
            o.DataDirectory = folder.Path;
            o.MinFreeDiskBytes = long.MaxValue;
            o.Peers.Add(new SyncPeerOptions { Database = "shop", Url = dead, Direction = "both" });
        }, logs);
        await degraded.StartAsync();
        var checks = degraded.Services.GetRequiredService<HealthCheckService>();
        HealthReport? seen = null;
        await Deadline.UntilAsync(async () =>
        {
            seen = await checks.CheckHealthAsync();
            return seen.Entries["sync"].Data.Values.Any(v => v.ToString()!.StartsWith("backing-off", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(20), () => "the dead link to back off: " + Describe(seen));
        Assert.Equal(HealthStatus.Degraded, seen!.Status);
        Assert.Equal(HealthStatus.Degraded, seen.Entries["sync"].Status);
        Assert.Contains(dead, seen.Entries["sync"].Description);
        Assert.Equal(HealthStatus.Degraded, seen.Entries["disk"].Status);
        Assert.Equal(HealthStatus.Healthy, seen.Entries["store"].Status);
        // The replica said so through the host's logging: opened, and the link down (a warning).
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Information && l.Text.Contains("opened in", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Category.EndsWith("PeerLink", StringComparison.Ordinal) && l.Text.Contains(dead, StringComparison.Ordinal));

        // The store closed under the host: the store check fails and the whole report is unhealthy.
        await degraded.Services.GetRequiredService<Replica>().DisposeAsync();
        var gone = await checks.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, gone.Entries["store"].Status);
        Assert.Equal(HealthStatus.Unhealthy, gone.Status);
        await degraded.StopAsync();
    }

    private static string Describe(HealthReport? report)
        => report is null ? "no report" : string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} {e.Value.Description}"));

    /// <summary>Every log entry the host writes, kept in memory.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Text)> _lines = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Text)> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose() { }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string, LogLevel, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}

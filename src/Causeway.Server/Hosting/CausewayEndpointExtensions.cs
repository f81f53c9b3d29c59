using Causeway;
using Causeway.Server;
using Causeway.Server.Endpoints;
using Causeway.Server.Http;
using Causeway.Server.OpenApi;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Causeway server into an application that registered it with <c>AddCauseway</c>.</summary>
public static class CausewayEndpointExtensions
{
    /// <summary>The Causeway API under <c>/v1</c>, its OpenAPI document, the health report and (when
    /// enabled) the metrics, beside the application's own endpoints. Causeway's middleware (problem+json
    /// errors, authentication, <c>Prefer: wait</c>, WebSockets) runs only for requests under
    /// <c>/v1</c>: the application's other routes are untouched.</summary>
    public static TApp MapCauseway<TApp>(this TApp app) where TApp : IApplicationBuilder, IEndpointRouteBuilder
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/v1"), UseMiddleware);
        MapEndpoints(app);
        return app;
    }

    /// <summary>Causeway's middleware, in order: CORS, then errors, then who is asking, then how long a
    /// write may wait for rights, then WebSockets for sync sessions.</summary>
    internal static void UseMiddleware(IApplicationBuilder app)
    {
        // CORS first: a browser's preflight is answered before authentication, and problems carry its headers.
        app.UseBrowserAccess();
        app.UseMiddleware<ErrorBoundary>();
        app.UseMiddleware<Causeway.Server.Http.Authentication>();
        app.UseMiddleware<WaitPreference>();
        // Sync sessions (GET /v1/dbs/{db}/sync): pings keep idle links open through proxies and
        // notice a peer that vanished without closing.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
    }

    internal static void MapEndpoints(IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<ServerOptions>>().Value;
        app.MapCausewayOpenApi();
        if (!string.IsNullOrEmpty(options.HealthPath))
            app.MapHealthChecks(options.HealthPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(Causeway.Server.Hosting.HealthAnswer.Tag), ResponseWriter = Causeway.Server.Hosting.HealthAnswer.WriteAsync });
        if (options.Prometheus) app.MapPrometheusScrapingEndpoint(options.MetricsPath);
        DatabaseEndpoints.Map(app);
        DocumentEndpoints.Map(app);
        SchemaEndpoints.Map(app);
        QuotaEndpoints.Map(app);
        FunctionEndpoints.Map(app);
        LedgerEndpoints.Map(app);
        LedgerEndpoints.MapArchive(app, options.MaxImportBytes);
        ReplicationEndpoints.Map(app);
        TokenEndpoints.Map(app);
        BackupEndpoints.Map(app);
        var api = app.ServiceProvider.GetRequiredService<Api>();
        var replica = app.ServiceProvider.GetRequiredService<Replica>();
        var log = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server");
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            var fenced = replica.ListDatabases().Where(replica.AwaitsCatchUp).ToList();
            if (fenced.Count > 0)
                log.LogWarning("Restored from a backup: {Databases} take local writes once each has synced with a peer (docs/backup.md)", string.Join(", ", fenced));
        });
        lifetime.ApplicationStarted.Register(() => api.Links.Restore(replica, log));
    }
}

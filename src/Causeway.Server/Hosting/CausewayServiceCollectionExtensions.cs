using Causeway.Server.Http;
using Causeway.Server.OpenApi;
using Causeway;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Server.Endpoints;
using Causeway.Server.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Causeway in any host's services: the HTTP server (<see cref="AddCauseway"/>, then
/// <c>app.MapCauseway()</c>) or an embedded replica without HTTP (<see cref="AddCausewayReplica"/>).
/// Options come from the configuration section "Causeway", then the delegate (docs/operations.md).</summary>
public static class CausewayServiceCollectionExtensions
{
    /// <summary>The Causeway server in an ASP.NET Core application: its replica (opened from
    /// <see cref="ServerOptions.DataDirectory"/>, closed once the host has stopped), tokens,
    /// capabilities, health checks and metrics. Map it with <c>app.MapCauseway()</c>.</summary>
    public static IServiceCollection AddCauseway(this IServiceCollection services, Action<ServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Bind(services, configure);
        return services.AddCausewayServer(given: null, authenticator: null);
    }

    /// <summary>An embedded replica in any host (a worker service, no HTTP): a <see cref="Replica"/>
    /// singleton opened from <see cref="ServerOptions.DataDirectory"/> when the host starts, its
    /// <see cref="ServerOptions.Peers"/> linked, closed exactly once when the host stops; with the
    /// store, sync and disk health checks.</summary>
    public static IServiceCollection AddCausewayReplica(this IServiceCollection services, Action<ServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Bind(services, configure);
        return services.AddReplica(given: null);
    }

    private static void Bind(IServiceCollection services, Action<ServerOptions>? configure)
    {
        var options = services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section);
        if (configure is not null) options.Configure(configure);
    }

    private static IServiceCollection AddReplica(this IServiceCollection services, Replica? given)
    {
        services.AddLogging();
        services.AddSingleton(sp => new ReplicaLifetime(given, sp.GetRequiredService<IOptions<ServerOptions>>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<ReplicaLifetime>().Replica);
        services.AddHostedService<ReplicaService>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", HealthStatus.Unhealthy, [HealthAnswer.Tag])
            .AddCheck<SyncLinksHealthCheck>("sync", HealthStatus.Degraded, [HealthAnswer.Tag])
            .AddCheck<DiskHealthCheck>("disk", HealthStatus.Unhealthy, [HealthAnswer.Tag]);
        // Always registered and cheap: the meter is only listened to when Prometheus is on, so its
        // instruments stay disabled (and free) otherwise.
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddPrometheusExporter();
            if (metrics is IDeferredMeterProviderBuilder deferred)
                deferred.Configure((sp, builder) =>
                {
                    if (sp.GetRequiredService<IOptions<ServerOptions>>().Value.Prometheus) builder.AddMeter(Causeway.Telemetry.Instruments.Name);
                });
        });
        return services;
    }

    /// <summary>The one way the server's services are assembled: by <see cref="AddCauseway"/> and by
    /// <c>CausewayServer.Build</c> (with its options fixed and, maybe, a replica already open).</summary>
    internal static IServiceCollection AddCausewayServer(this IServiceCollection services, Replica? given, Func<AccessControl, IRequestAuthenticator>? authenticator)
    {
        services.AddReplica(given);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ServerOptions>>().Value);
        services.AddSingleton(sp => new AccessControl(sp.GetRequiredService<Replica>(), sp.GetRequiredService<ServerOptions>()));
        services.AddSingleton(sp =>
        {
            var access = sp.GetRequiredService<AccessControl>();
            if (authenticator is not null) return authenticator(access);
            var options = sp.GetRequiredService<ServerOptions>();
            Directory.CreateDirectory(options.DataDirectory);
            return (IRequestAuthenticator)new RequestAuthenticator(StaticTokens.LoadOrCreate(options.DataDirectory, options.Dev), access.Ucans);
        });
        services.AddSingleton<Api>();
        // Room for a capability token and its proofs (each at most 64 KiB, base64url) in the headers;
        // only ever raised, so an application's own larger limit stands.
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestHeadersTotalSize = Math.Max(k.Limits.MaxRequestHeadersTotalSize, CausewayServer.MaxRequestHeadersBytes));
        services.AddCausewayOpenApi();
        services.AddBrowserAccess();
        return services;
    }
}

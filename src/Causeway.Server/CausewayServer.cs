using Causeway.Server.Access;
using Causeway.Server.Endpoints;
using Causeway.Server.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Causeway.Server;

/// <summary>Hosts a replica behind the HTTP API of docs/api.md. The host owns the replica and
/// closes it on shutdown (Ctrl-C, SIGTERM), after in-flight requests finish.</summary>
public static class CausewayServer
{
    /// <summary>Opens the replica in <see cref="ServerOptions.DataDirectory"/>, creating its key and tokens on first start.</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var replica = await Replica.OpenAsync(options.DataDirectory);
        var tokens = StaticTokens.LoadOrCreate(options.DataDirectory, options.Dev);
        return Build(replica, tokens, options, configure);
    }

    internal static WebApplication Build(Replica replica, IRequestAuthenticator authenticator, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        // Engine reads are synchronous RocksDB calls; more threads up front keep a burst of requests
        // from waiting on the pool's slow growth on a small machine.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBytes, options.MaxImportBytes) + 1;
            k.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        // Structured: JSON lines when the output goes to a file or a collector, one readable line on a terminal.
        if (Console.IsOutputRedirected)
            builder.Logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(replica);
        builder.Services.AddSingleton(authenticator);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Api>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Causeway HTTP API";
            document.Info.Description = "The Causeway HTTP API (docs/api.md in the repository states the whole contract).";
            // Relative to where the document was fetched, never the request's Host header echoed back.
            document.Servers = [new Microsoft.OpenApi.OpenApiServer { Url = "/" }];
            return Task.CompletedTask;
        }));
        builder.Services.AddHealthChecks();
        configure?.Invoke(builder);

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server");
        app.Lifetime.ApplicationStarted.Register(() => log.LogInformation("Replica {Did} serving {Databases} databases on {Urls}", replica.Did, replica.ListDatabases().Count, string.Join(", ", app.Urls)));
        app.Lifetime.ApplicationStopping.Register(() => log.LogInformation("Stopping: finishing requests in flight, then closing the replica"));
        app.UseMiddleware<ErrorBoundary>();
        app.UseMiddleware<Authentication>();
        app.UseMiddleware<WaitPreference>();
        // Sync sessions (GET /v1/dbs/{db}/sync): pings keep idle links open through proxies and
        // notice a peer that vanished without closing.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
        app.UseRouting();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        DatabaseEndpoints.Map(app);
        DocumentEndpoints.Map(app);
        SchemaEndpoints.Map(app);
        QuotaEndpoints.Map(app);
        LedgerEndpoints.Map(app);
        LedgerEndpoints.MapArchive(app, options.MaxImportBytes);
        ReplicationEndpoints.Map(app);
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<Api>().Links.Restore(replica, log));
        app.Lifetime.ApplicationStopped.Register(() => replica.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }
}

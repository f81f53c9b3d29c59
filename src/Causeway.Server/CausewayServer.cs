using Causeway.Server.Access;
using Causeway.Server.Endpoints;
using Causeway.Server.Http;
using Causeway.Server.OpenApi;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Causeway.Server;

/// <summary>Hosts a replica behind the HTTP API of docs/api.md. The host owns the replica and
/// closes it on shutdown (Ctrl-C, SIGTERM), after in-flight requests finish.</summary>
public static class CausewayServer
{
    /// <summary>The most the request headers may hold together (431 beyond): room for a bearer UCAN
    /// and the proofs of its <c>Ucans</c> header.</summary>
    public const int MaxRequestHeadersBytes = 512 * 1024;

    /// <summary>Opens the replica in <see cref="ServerOptions.DataDirectory"/>, creating its key and tokens on first start.</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var replica = await Replica.OpenAsync(options.DataDirectory, new ReplicaOptions { Time = options.Time });
        try
        {
            return Build(replica, options, configure);
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server over a replica the application has already opened (one it also uses
    /// embedded): the tokens are loaded from, or made in, <see cref="ServerOptions.DataDirectory"/> as
    /// at first start, and the replica keeps the clock it was opened with. The host closes the replica
    /// on shutdown, like one it opened itself.</summary>
    public static WebApplication Build(Replica replica, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        return Build(replica, StaticTokens.LoadOrCreate(options.DataDirectory, options.Dev), options, configure);
    }

    /// <summary>The server over <paramref name="replica"/>: static tokens first, then UCANs (docs/api.md, Authorization).</summary>
    internal static WebApplication Build(Replica replica, StaticTokens tokens, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
        => Build(replica, access => new RequestAuthenticator(tokens, access.Ucans), options, configure);

    internal static WebApplication Build(Replica replica, Func<AccessControl, IRequestAuthenticator> authenticator, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var access = new AccessControl(replica, options);
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
            // Room for a capability token and its proofs (each at most 64 KiB, base64url) in the headers.
            k.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
        });
        builder.Logging.ClearProviders();
        // Structured: JSON lines when the output goes to a file or a collector, one readable line on a terminal.
        if (Console.IsOutputRedirected)
            builder.Logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(replica);
        builder.Services.AddSingleton(access);
        builder.Services.AddSingleton(authenticator(access));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Api>();
        builder.Services.AddCausewayOpenApi();
        builder.Services.AddBrowserAccess(options);
        builder.Services.AddHealthChecks();
        configure?.Invoke(builder);

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server");
        app.Lifetime.ApplicationStarted.Register(() => log.LogInformation("Replica {Did} serving {Databases} databases on {Urls}", replica.Did, replica.ListDatabases().Count, string.Join(", ", app.Urls)));
        app.Lifetime.ApplicationStopping.Register(() => log.LogInformation("Stopping: finishing requests in flight, then closing the replica"));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var fenced = replica.ListDatabases().Where(replica.AwaitsCatchUp).ToList();
            if (fenced.Count > 0)
                log.LogWarning("Restored from a backup: {Databases} take local writes once each has synced with a peer (docs/backup.md)", string.Join(", ", fenced));
        });
        app.UseBrowserAccess(options);
        app.UseMiddleware<ErrorBoundary>();
        app.UseMiddleware<Authentication>();
        app.UseMiddleware<WaitPreference>();
        // Sync sessions (GET /v1/dbs/{db}/sync): pings keep idle links open through proxies and
        // notice a peer that vanished without closing.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
        app.UseRouting();
        app.MapCausewayOpenApi();
        app.MapHealthChecks("/health");
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
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<Api>().Links.Restore(replica, log));
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            access.Dispose();
            replica.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        return app;
    }
}

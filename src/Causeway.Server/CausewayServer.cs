using Causeway.Server.Access;
using Causeway.Server.Endpoints;
using Causeway.Server.Hosting;

namespace Causeway.Server;

/// <summary>Hosts a replica behind the HTTP API of docs/api.md. The host owns the replica and
/// closes it on shutdown (Ctrl-C, SIGTERM), after in-flight requests finish.</summary>
public static class CausewayServer
{
    /// <summary>The most the request headers may hold together (431 beyond): room for a bearer UCAN
    /// and the proofs of its <c>Ucans</c> header.</summary>
    public const int MaxRequestHeadersBytes = 512 * 1024;

    /// <summary>Opens the replica in <see cref="ServerOptions.DataDirectory"/>, creating its key and tokens on first start.</summary>
    public static Task<WebApplication> BuildAsync(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.FromResult(Assemble(replica: null, authenticator: null, options, configure));
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
        => Assemble(replica, authenticator, options, configure);

    /// <summary>A host of its own around the same registration an application uses
    /// (<c>AddCauseway</c>, <c>MapCauseway</c>): Kestrel on <see cref="ServerOptions.Urls"/>, logs to the
    /// console, and Causeway's middleware over every path (it is the whole application).</summary>
    private static WebApplication Assemble(Replica? replica, Func<AccessControl, IRequestAuthenticator>? authenticator, ServerOptions options, Action<WebApplicationBuilder>? configure)
    {
        var certificate = ServerCertificate.Load(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        // The slim builder leaves HTTPS out unless asked for.
        if (certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBytes, options.MaxImportBytes) + 1;
            k.AddServerHeader = false;
            if (certificate is not null) k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        builder.Logging.ClearProviders();
        // Structured: JSON lines when the output goes to a file or a collector, one readable line on a terminal.
        if (Console.IsOutputRedirected)
            builder.Logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The options given are the whole configuration: nothing in the environment changes them.
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddCausewayServer(replica, authenticator);
        configure?.Invoke(builder);

        var app = builder.Build();
        try
        {
            Use(app);
        }
        catch
        {
            // The replica may be open already (the services made it): close it and the rest.
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return app;
    }

    private static void Use(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server");
        var served = app.Services.GetRequiredService<Replica>();
        app.Lifetime.ApplicationStarted.Register(() => log.LogInformation("Replica {Did} serving {Databases} databases on {Urls}", served.Did, served.ListDatabases().Count, string.Join(", ", app.Urls)));
        app.Lifetime.ApplicationStopping.Register(() => log.LogInformation("Stopping: finishing requests in flight, then closing the replica"));
        CausewayEndpointExtensions.UseMiddleware(app);
        app.UseRouting();
        CausewayEndpointExtensions.MapEndpoints(app);
    }
}

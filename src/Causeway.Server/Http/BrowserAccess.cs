namespace Causeway.Server.Http;

/// <summary>CORS for the origins <see cref="ServerOptions.CorsOrigins"/> names (none by default). It
/// runs first in the pipeline, so a browser's preflight (OPTIONS) is answered before authentication
/// and never gets 401, and every answer to an allowed origin, problems included, carries the headers
/// the page needs to read it.</summary>
internal static class BrowserAccess
{
    /// <summary>Response headers a page may read: versions, locations, back-off.</summary>
    private static readonly string[] Exposed = ["ETag", "Location", "Retry-After", "Preference-Applied", "WWW-Authenticate"];

    /// <summary>The CORS policy, from the server's options as configured (they may come from
    /// configuration, so they are read when the policy is first needed).</summary>
    public static IServiceCollection AddBrowserAccess(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<Microsoft.Extensions.Options.IOptions<ServerOptions>>((cors, server) =>
        {
            if (server.Value.CorsOrigins.Count == 0) return;
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. server.Value.CorsOrigins])
                .AllowAnyMethod()
                .AllowAnyHeader()
                .WithExposedHeaders(Exposed)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
        });
        return services;
    }

    /// <summary>First in Causeway's pipeline; nothing at all when no origin is allowed.</summary>
    public static IApplicationBuilder UseBrowserAccess(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value;
        return options.CorsOrigins.Count == 0 ? app : app.UseCors();
    }
}

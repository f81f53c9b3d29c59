namespace Causeway.Server.Http;

/// <summary>CORS for the origins <see cref="ServerOptions.CorsOrigins"/> names (none by default). It
/// runs first in the pipeline, so a browser's preflight (OPTIONS) is answered before authentication
/// and never gets 401, and every answer to an allowed origin, problems included, carries the headers
/// the page needs to read it.</summary>
internal static class BrowserAccess
{
    /// <summary>Response headers a page may read: versions, locations, back-off.</summary>
    private static readonly string[] Exposed = ["ETag", "Location", "Retry-After", "Preference-Applied", "WWW-Authenticate"];

    public static IServiceCollection AddBrowserAccess(this IServiceCollection services, ServerOptions options)
    {
        if (options.CorsOrigins.Count == 0) return services;
        return services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. options.CorsOrigins])
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders(Exposed)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    public static IApplicationBuilder UseBrowserAccess(this IApplicationBuilder app, ServerOptions options)
        => options.CorsOrigins.Count == 0 ? app : app.UseCors();
}

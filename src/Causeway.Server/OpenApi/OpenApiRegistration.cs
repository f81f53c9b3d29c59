namespace Causeway.Server.OpenApi;

/// <summary>Serves the API's OpenAPI document at <c>GET /openapi/v1.json</c>, without credentials.
/// Built once, on first request, from the endpoints the server maps.</summary>
internal static class OpenApiRegistration
{
    public static IServiceCollection AddCausewayOpenApi(this IServiceCollection services) => services.AddSingleton<ServedDocument>();

    public static IEndpointRouteBuilder MapCausewayOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(ApiDocument.Path, (HttpContext context, ServedDocument document) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(document.Bytes).AsTask();
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>The document's bytes, built once from the server's endpoints.</summary>
    internal sealed class ServedDocument(EndpointDataSource endpoints)
    {
        private readonly Lazy<byte[]> _bytes = new(() => ApiDocument.Build(endpoints));
        public ReadOnlyMemory<byte> Bytes => _bytes.Value;
    }
}
